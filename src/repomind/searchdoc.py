"""What each indexed file contributes to full-text search (FTS5): path, names, docs, history."""

from __future__ import annotations

from collections.abc import Iterable

from repomind.store import Store
from repomind.textutil import search_terms


def path_terms(path: str) -> str:
    """`src/http_client/RetryPolicy.ts` -> words of every path part, split on case and `_`."""
    return search_terms(path.replace("/", " ").replace(".", " ").replace("-", " "))


def refresh_search(store: Store, paths: Iterable[str]) -> int:
    """Rewrite the search rows of `paths`, dropping those no longer indexed; return rows written."""
    wanted = sorted(set(paths))
    if not wanted:
        return 0
    material = store.search_material(wanted)
    subjects = store.file_subjects(wanted)
    store.delete_fts(p for p in wanted if p not in material)
    rows = []
    for path in wanted:
        if path not in material:
            continue
        names, docs, comments, refs, words = material[path]
        rows.append(
            (
                path,
                path_terms(path),
                search_terms(names),
                docs,
                comments,
                search_terms(refs),
                subjects.get(path, "").replace("\n", " . "),
                words,
            )
        )
    store.replace_fts(rows)
    return len(rows)
