"""Search over the wiki pages for `repomind query` and `repomind context`, kept cheap.

A small JSON cache under `.repomind/cache/` holds each page's title, summary, source files and
term counts; it is rebuilt in memory when a page's size or mtime no longer matches (a fresh
clone, a human edit). Wiki hits are separate items: they never change the file ranking.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repomind.layout import REPOMIND_DIR, Layout
from repomind.textutil import split_identifier

CACHE = "wiki-search.json"
CACHE_VERSION = 2
MIN_COVERAGE = 0.5  # share of the query's weight (idf) a page must match to be listed
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]+|\d+[A-Za-z]\w*")


@dataclass(frozen=True, slots=True)
class WikiHit:
    path: str  # repo-relative: .repomind/wiki/<page>.md
    title: str
    description: str
    score: float
    matched: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """An item of `repomind query --json`, after the ranked files."""
        return {
            "path": self.path,
            "kind": "wiki",
            "score": self.score,
            "title": self.title,
            "description": self.description,
            "reasons": [f"wiki page matching {', '.join(self.matched)}"],
            "symbols": [],
        }


def stem(word: str) -> str:
    """A plural folded to its singular, roughly (`completions` -> `completion`)."""
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def page_terms(text: str) -> Counter[str]:
    """Lower-case words of a text, identifiers also split into their parts."""
    counts: Counter[str] = Counter()
    for word in _WORD.findall(text):
        counts[stem(word.lower())] += 1
        parts = split_identifier(word)
        if len(parts) > 1:
            counts.update(stem(p) for p in parts if len(p) > 1)
    return counts


def _signature(wiki_dir: Path) -> dict[str, list[int]]:
    out = {}
    try:
        entries = sorted(os.scandir(wiki_dir), key=lambda e: e.name)
    except OSError:
        return {}
    for entry in entries:
        if entry.name.endswith(".md") and entry.is_file():
            st = entry.stat()
            out[entry.name] = [st.st_size, st.st_mtime_ns]
    return out


def _build(layout: Layout, signature: dict[str, list[int]]) -> dict[str, Any]:
    from repomind.wiki.page import read_page

    entries = []
    for name in sorted(signature):
        if name == "index.md":
            continue
        path = layout.wiki / name
        state = read_page(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        title = next((line[2:].strip() for line in text.split("\n") if line.startswith("# ")), name)
        terms = page_terms(text)
        entries.append(
            {
                "name": name,
                "title": title,
                "description": state.description if state else "",
                "files": sorted(state.sources) if state else [],
                "length": sum(terms.values()),
                "terms": dict(sorted(terms.items())),
            }
        )
    return {"version": CACHE_VERSION, "signature": signature, "pages": entries}


def load_index(layout: Layout, *, write: bool = False) -> dict[str, Any] | None:
    """The search cache, rebuilt when any page changed; None when there is no wiki."""
    signature = _signature(layout.wiki)
    if not signature:
        return None
    cache = layout.cache / CACHE
    try:
        data = json.loads(cache.read_text(encoding="utf-8"))
        if data.get("version") == CACHE_VERSION and data.get("signature") == signature:
            return data
    except (OSError, ValueError, AttributeError):
        pass
    data = _build(layout, signature)
    if write:
        from repomind.fsutil import write_text_atomic

        write_text_atomic(cache, json.dumps(data, sort_keys=True, separators=(",", ":")))
    return data


def write_search_cache(layout: Layout) -> None:
    load_index(layout, write=True)


def search_wiki(layout: Layout, terms: list[str], limit: int = 3) -> list[WikiHit]:
    """Pages matching most of the query (by idf weight), best first: BM25 relative to the
    best page, times the share of the query matched (0..1)."""
    data = load_index(layout)
    terms = list(dict.fromkeys(stem(t) for t in terms))
    if not data or not terms:
        return []
    entries = data["pages"]
    n = len(entries)
    average = sum(e["length"] for e in entries) / max(n, 1) or 1.0
    df = {t: sum(1 for e in entries if t in e["terms"]) for t in terms}
    idf = {t: math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5)) for t in terms}
    mass = sum(idf[t] for t in terms if df[t])  # words no page has cannot tell pages apart
    if not mass:
        return []
    scored = []
    for e in entries:
        bm25 = 0.0
        matched = []
        for t in terms:
            tf = e["terms"].get(t, 0)
            if tf:
                matched.append(t)
                bm25 += idf[t] * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * e["length"] / average))
        coverage = sum(idf[t] for t in matched) / mass
        if coverage >= MIN_COVERAGE:
            scored.append((bm25, coverage, e, matched))
    best = max((b for b, _, _, _ in scored), default=0.0) or 1.0
    hits = [
        WikiHit(
            f"{REPOMIND_DIR}/wiki/{e['name']}",
            e["title"],
            e["description"],
            round(coverage * bm25 / best, 6),
            tuple(matched),
        )
        for bm25, coverage, e, matched in scored
    ]
    hits.sort(key=lambda h: (-h.score, h.path))
    return hits[:limit]


def query_wiki(layout: Layout, text: str, limit: int = 3) -> list[WikiHit]:
    """Wiki pages relevant to a task description (none when there is no wiki)."""
    if not layout.wiki.is_dir():
        return []
    from repomind.retrieve.query import query_terms

    return search_wiki(layout, query_terms(text), limit)


def pages_for_files(layout: Layout, paths: list[str], limit: int = 1) -> list[WikiHit]:
    """Area pages written from the given files (most of them first): a strong pointer."""
    data = load_index(layout, write=True)  # rebuilt once after a pull or an edit, not per prompt
    if not data or not paths:
        return []
    wanted = set(paths)
    hits = []
    for e in data["pages"]:
        if e["name"] == "overview.md":
            continue
        covered = wanted.intersection(e["files"])
        if covered:
            hits.append(
                WikiHit(
                    f"{REPOMIND_DIR}/wiki/{e['name']}",
                    e["title"],
                    e["description"],
                    round(len(covered) / len(wanted), 6),
                    tuple(sorted(covered)),
                )
            )
    hits.sort(key=lambda h: (-h.score, h.path))
    return hits[:limit]


def pointer_line(layout: Layout, paths: list[str]) -> str | None:
    """One context line naming the wiki page of the area the files belong to, if any."""
    hits = pages_for_files(layout, paths)
    if not hits:
        return None
    hit = hits[0]
    about = f": {hit.description}" if hit.description else ""
    return f"- wiki page for this area: `{hit.path}`{about[:300]}"
