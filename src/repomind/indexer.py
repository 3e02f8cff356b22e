"""`repomind index`: scan → parse → graph → history → commands → memory, incrementally."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from repomind import gitrepo
from repomind.config import Config
from repomind.errors import OperationError
from repomind.graph import GraphChange, GraphReport
from repomind.layout import Layout
from repomind.parse import ParsedFile
from repomind.progress import Progress, Silent
from repomind.scan import Candidate, PathFilter, content_skip_reason, scan
from repomind.searchdoc import refresh_search
from repomind.store import FileRow, Store

_WORDS = re.compile(r"[A-Za-z_][A-Za-z0-9_]+")
IN_PROCESS_LIMIT = 48  # fewer files than this are parsed without starting worker processes
TEXT_DOC_CHARS = 16000  # text of non-code files (docs, manifests, CI) kept for search


class _Timed:
    """Wraps a progress display and records how long each stage took."""

    def __init__(self, inner: Progress) -> None:
        self._inner = inner
        self._current: str | None = None
        self._since = time.perf_counter()
        self.seconds: dict[str, float] = {}

    def stage(self, name: str, total: int | None = None) -> None:
        self._close()
        self._current = name
        self._inner.stage(name, total)

    def advance(self, n: int = 1) -> None:
        self._inner.advance(n)

    def _close(self) -> None:
        now = time.perf_counter()
        if self._current is not None:
            key = self._current
            self.seconds[key] = round(self.seconds.get(key, 0.0) + now - self._since, 4)
        self._since = now

    def finish(self) -> dict[str, float]:
        self._close()
        self._current = None
        return dict(self.seconds)


@dataclass(slots=True)
class IndexReport:
    files: int = 0
    parsed: int = 0
    reused: int = 0
    removed: int = 0
    skipped: int = 0
    symbols: int = 0
    edges: int = 0
    commits_read: int = 0
    history_rebuilt: bool = False
    head: str | None = None
    seconds: float = 0.0
    stage_seconds: dict[str, float] = field(default_factory=dict)
    memory_changed: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class _Parsed:
    path: str
    digest: str
    parsed: ParsedFile
    signatures: tuple[str, ...]
    words: str


def run_index(
    layout: Layout, config: Config, *, full: bool = False, progress: Progress | None = None
) -> IndexReport:
    """Bring the index and the memory files up to date with the work tree and HEAD."""
    from repomind.init import ensure_private_dirs
    from repomind.locking import index_lock

    started = time.perf_counter()
    progress = _Timed(progress or Silent())
    ensure_private_dirs(layout)
    with index_lock(layout):
        store = Store.open(layout.index_db)
        try:
            if full:
                store.reset()
            report = _index(layout, config, store, progress)
            report.stage_seconds = progress.finish()
        finally:
            store.close()
    report.seconds = time.perf_counter() - started
    return report


def _index(layout: Layout, config: Config, store: Store, progress: Progress) -> IndexReport:
    root = layout.root
    report = IndexReport()
    progress.stage("listing files")
    listing = gitrepo.list_files(root)
    path_filter = PathFilter(config.index.exclude, config.index.include)
    previous = store.files()
    rules = json.dumps([config.index.exclude, config.index.include, config.index.max_file_kb])
    admitted = set(previous) if store.meta("path_rules") == rules else set()
    scanned = scan(root, listing, path_filter, config.index.max_file_kb * 1024, admitted)
    report.skipped = len(scanned.skipped)

    current = {c.path: c for c in scanned.candidates}
    removed = sorted(set(previous) - set(current))
    dirty = [
        c
        for c in scanned.candidates
        if (row := previous.get(c.path)) is None or (row.size, row.mtime_ns) != (c.size, c.mtime_ns)
    ]
    changed_paths: set[str] = set(removed)
    with store.transaction():
        store.set_meta("path_rules", rules)
        store.replace_skipped(scanned.skipped)
        if removed:
            store.delete_files(removed)
        if dirty:
            changed_paths |= _ingest(root, store, dirty, previous, config, report, progress)
        report.removed = len(removed)

        files = store.files()
        indexed = sorted(p for p, row in files.items() if row.skip is None)
        report.files = len(indexed)
        code = [p for p in indexed if files[p].language is not None]
        reranked = False
        if changed_paths or store.meta("graph_built") != "1":
            progress.stage("ranking")
            change = _graph_change(store, previous, files, changed_paths)
            graph = _update_graph(store, root, indexed, code, change)
            report.edges = graph.edges
            reranked = graph.reranked
        if store.blob_count() > 2 * max(len(files), 1):
            store.collect_garbage()
        progress.stage("reading history")
        from repomind.history import HistoryReport, update_history

        try:
            with store.savepoint():
                history = update_history(store, root, config.history)
        except OperationError as exc:
            # A damaged or partial object store must not cost the user the rest of the
            # index. Rename detection reads file contents, the commonest thing missing: walk
            # the trees alone; failing that, keep the history we had and say why.
            try:
                with store.savepoint():
                    history = update_history(store, root, config.history, renames=False)
                report.warnings.append(f"history read without rename detection: {exc}")
            except OperationError as again:
                report.warnings.append(f"history not updated: {again}")
                history = HistoryReport(None, 0, False, False)
        report.commits_read = history.new_commits
        progress.stage("search index")
        refresh_search(store, (changed_paths | history.touched) if not history.rebuilt else indexed)
        report.history_rebuilt = history.rebuilt
        report.head = history.head or gitrepo.head_commit(root)
        store.set_meta("head", report.head or "")
        store.set_meta("indexed_at", str(int(time.time())))
        cached = store.meta("counts")
        if changed_paths or history.new_commits or history.rebuilt or cached is None:
            counts = store.counts()
            store.set_meta("counts", json.dumps(counts, sort_keys=True))
        else:
            counts = json.loads(cached)
        report.symbols = counts["symbols"]

    memory_key = _memory_key(config, listing)
    unchanged_history = not history.new_commits and not history.rebuilt
    unchanged = not changed_paths and unchanged_history
    if unchanged and store.meta("memory_key") == memory_key and _memory_complete(layout):
        return report  # nothing that memory is made from has changed
    progress.stage("writing memory")
    from repomind.commands import detect_project
    from repomind.memory.write import write_memory

    facts = detect_project(root, listing, store.languages())
    report.warnings.extend(facts.warnings)
    keep: set[str] = set()
    if store.meta("memory_key") == memory_key:
        from repomind.memory.repomap import MAX_FILES

        mapped = {p for p, _ in sorted(store.rank().items(), key=lambda kv: -kv[1])[:MAX_FILES]}
        if not reranked and not (changed_paths & mapped):
            keep.add("repo-map.md")
        if unchanged_history:
            keep.add("cochange.md")
    report.memory_changed = write_memory(layout, store, facts, config, frozenset(keep))
    with store.transaction():
        store.set_meta("memory_key", memory_key)
    return report


def _memory_key(config: Config, listing: list[str]) -> str:
    """Everything besides the index that the memory files are rendered from."""
    from dataclasses import asdict

    from repomind import __version__

    digest = hashlib.blake2b(digest_size=16)
    digest.update(f"{__version__}\0{json.dumps(asdict(config), sort_keys=True)}\0".encode())
    digest.update("\0".join(listing).encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def _memory_complete(layout: Layout) -> bool:
    from repomind.memory.write import MEMORY_FILES

    return all((layout.memory / name).exists() for name in MEMORY_FILES)


def _graph_change(
    store: Store, previous: dict[str, FileRow], files: dict[str, FileRow], changed: set[str]
) -> GraphChange:
    """Which code files changed and which names' definitions may have moved."""

    def is_code(row: FileRow | None) -> bool:
        return row is not None and row.skip is None and row.language is not None

    before = {p: previous[p].hash for p in changed if is_code(previous.get(p))}
    after = {p: files[p].hash for p in changed if is_code(files.get(p))}
    names_before = store.names_by_hash(before.values())
    names_after = store.names_by_hash(after.values())
    names: set[str] = set()
    for path in changed:
        old = names_before.get(before.get(path, ""), set())
        new = names_after.get(after.get(path, ""), set())
        names |= old ^ new
    return GraphChange(
        changed=frozenset(after),
        removed=frozenset(set(before) - set(after)),
        added=frozenset(set(after) - set(before)),
        names=frozenset(names),
    )


def _update_graph(
    store: Store, root: Path, indexed: list[str], code: list[str], change: GraphChange
) -> GraphReport:
    from repomind.graph import update_graph
    from repomind.parse import ParsedFile
    from repomind.parse.resolve import ModuleResolver

    def resolve(sources: Iterable[str]) -> dict[str, set[str]]:
        imports = store.parsed_imports(sources)
        if not imports:
            return {}
        extras = store.file_extras()
        facts = {
            p: ParsedFile(language=lang or "", extra=extra) for p, (lang, extra) in extras.items()
        }
        resolver = ModuleResolver(indexed, facts, read=lambda p: _read_small(root, p))
        out: dict[str, set[str]] = {}
        for path, found in imports.items():
            lang = extras.get(path, ("", {}))[0] or ""
            targets: set[str] = set()
            for imp in found:
                targets.update(resolver.resolve(path, imp, lang))
            if targets:
                out[path] = targets
        return out

    return update_graph(store, code, change, resolve)


def _read_small(root: Path, path: str, limit: int = 1 << 20) -> bytes | None:
    try:
        with open(os.path.join(root, path), "rb") as handle:
            return handle.read(limit)
    except OSError:
        return None


def _ingest(
    root: Path,
    store: Store,
    dirty: Sequence[Candidate],
    previous: dict[str, FileRow],
    config: Config,
    report: IndexReport,
    progress: Progress,
) -> set[str]:
    """Read, hash and (for new content) parse dirty files; return paths whose content changed."""
    from repomind.parse.languages import language_for_path

    changed: set[str] = set()
    rows: list[FileRow] = []
    to_parse: list[tuple[str, str, bytes, str]] = []  # (path, language, bytes, digest)
    pending_hash: dict[str, str] = {}
    progress.stage("reading files", len(dirty))
    for cand in dirty:
        try:
            with open(os.path.join(root, cand.path), "rb") as handle:
                data = handle.read(cand.size + 1)
        except OSError as exc:
            report.warnings.append(f"{cand.path}: unreadable ({exc.strerror}), skipped")
            continue
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
        old = previous.get(cand.path)
        language = language_for_path(cand.path, data[:256])
        skip = content_skip_reason(data)
        rows.append(FileRow(cand.path, len(data), cand.mtime_ns, digest, language, lines, skip))
        if old is not None and old.hash == digest:
            continue  # touched, not changed
        changed.add(cand.path)
        if skip is not None:
            continue
        pending_hash[cand.path] = digest
        if language is not None:
            to_parse.append((cand.path, language, data, digest))
        else:
            store.put_blob(digest, ParsedFile(language="", doc=_text_head(data)), ())
    known = store.known_blobs(d for _, _, _, d in to_parse)
    fresh = [t for t in to_parse if t[3] not in known]
    report.reused = len(to_parse) - len(fresh)
    progress.stage("parsing", len(fresh))
    for item in _parse_all(fresh, config.index.workers):
        store.put_blob(item.digest, item.parsed, item.signatures, item.words)
        report.parsed += 1
        progress.advance()
    store.upsert_files(rows)
    return changed


def _text_head(data: bytes) -> str:
    text = data[: TEXT_DOC_CHARS * 2].decode("utf-8", "replace")
    return " ".join(text.split())[:TEXT_DOC_CHARS]


def _parse_all(tasks: list[tuple[str, str, bytes, str]], workers: int) -> Iterator[_Parsed]:
    if not tasks:
        return
    count = workers or os.cpu_count() or 1
    if len(tasks) < IN_PROCESS_LIMIT or count <= 1:
        for task in tasks:
            yield _parse_one(task)
        return
    import multiprocessing

    context = multiprocessing.get_context("fork" if hasattr(os, "fork") else "spawn")
    try:
        pool = context.Pool(count)
    except OSError as exc:
        raise OperationError(f"cannot start parser processes: {exc}") from None
    try:
        # Biggest first, so one huge file does not finish last on its own.
        ordered = sorted(tasks, key=lambda t: -len(t[2]))
        yield from pool.imap_unordered(_parse_one, ordered, chunksize=8)
    finally:
        pool.terminate()
        pool.join()


def _parse_one(task: tuple[str, str, bytes, str]) -> _Parsed:
    from repomind.parse.symbols import parse_source

    path, language, data, digest = task
    parsed = parse_source(language, data)
    return _Parsed(path, digest, parsed, _signatures(data, parsed), source_words(data))


MAX_WORDS = 4000


def source_words(data: bytes) -> str:
    """Every distinct identifier-like word of a source file (strings and code alike), split
    like search terms, for plain full-text matching."""
    from repomind.textutil import search_terms

    text = data[: 1 << 20].decode("utf-8", "replace")
    unique = sorted(set(_WORDS.findall(text)))[:MAX_WORDS]
    return " ".join(dict.fromkeys(search_terms(" ".join(unique)).split()))


def _signatures(data: bytes, parsed: ParsedFile) -> tuple[str, ...]:
    """The first source line of each definition, trimmed, for the repo map."""
    if not parsed.symbols:
        return ()
    lines = data.split(b"\n")
    out = []
    for symbol in parsed.symbols:
        raw = lines[symbol.line - 1] if 0 < symbol.line <= len(lines) else b""
        text = raw.decode("utf-8", "replace").strip()
        out.append(text[:160])
    return tuple(out)
