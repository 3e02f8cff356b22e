"""`repomind eval`: replay recent commits against an index built before them; score rankers.

The test set is the newest N non-merge, non-root commits of HEAD (in git's date order, which
never lists a commit before its children) that touch 2–30 files passing the path rules (config
excludes/includes, binaries); a renamed file counts under its old name. The index is built in a
temporary worktree of the parent of the oldest of them (the cutoff), so it knows only the
cutoff's tree and history; date order guarantees no test commit is in that history. Content
rules (size, generated, binary bytes) apply through the index: only files indexed at the
cutoff can be asked about or expected. Two tasks are scored on it:

- T1 co-change: for each touched file f indexed at the cutoff, do the ranker's top 10 related
  files contain the commit's other touched (and indexed) files?
- T2 task → files: with the full commit message as the query, does the top 10 contain the
  touched files indexed at the cutoff?

Each ranker is scored by recall@5, recall@10 and MRR (over the top 10), averaged over queries,
next to three baselines computed on the same queries: same-directory files by churn, co-change
counts alone (for T2: the most-changed files), and BM25 over raw file contents.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repomind import gitrepo
from repomind.config import load_config
from repomind.errors import OperationError, UsageError
from repomind.layout import Layout, find_root
from repomind.progress import Progress, Silent
from repomind.scan import PathFilter
from repomind.store import Store

MIN_FILES = 2  # a commit touching fewer indexable files says nothing about co-change
MAX_FILES = 30  # more is a bulk edit (same bound as history.max_files_per_commit's default)
MIN_COMMITS = 2
TOP_K = 10
BM25_QUERY_TOKENS = 100  # T1's BM25 query: the file's most frequent distinct tokens
BASELINES = ("same_dir", "cochange", "bm25")

# A ranker answers (store, path or task text, limit) with ranked results: objects with a
# `.path` (repomind's Related / Hit) or plain paths.
RelatedFn = Callable[[Store, str, int], Sequence[Any]]
QueryFn = Callable[[Store, str, int], Sequence[Any]]
Ranker = tuple[RelatedFn | None, QueryFn | None]  # None: the ranker does not do that task

_TOKEN = re.compile(r"[^\W_]+")  # close to FTS5's unicode61: runs of letters and digits


@dataclass(frozen=True, slots=True)
class EvalCommit:
    sha: str
    parent: str
    message: str  # subject and body
    files: tuple[str, ...]  # touched files as named before the commit, passing the path rules


@dataclass(frozen=True, slots=True)
class Query:
    commit: str
    text: str  # T1: the file asked about; T2: the commit message
    relevant: frozenset[str]


@dataclass(frozen=True, slots=True)
class Metrics:
    recall_at_5: float
    recall_at_10: float
    mrr: float

    def to_json(self) -> dict[str, float]:
        return {
            "recall@5": round(self.recall_at_5, 4),
            "recall@10": round(self.recall_at_10, 4),
            "mrr": round(self.mrr, 4),
        }


@dataclass(frozen=True, slots=True)
class TaskScores:
    queries: int
    results: dict[str, Metrics | None]  # ranker or baseline -> averages; None: not applicable

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"queries": self.queries}
        for name, metrics in self.results.items():
            out[name] = metrics.to_json() if metrics is not None else None
        return out


@dataclass(frozen=True, slots=True)
class EvalReport:
    commits: int
    cutoff: str | None
    t1: TaskScores
    t2: TaskScores
    seconds: float
    index_seconds: float
    message: str | None = None  # why there is nothing to score, when there is not

    def to_json(self) -> dict[str, Any]:
        return {
            "commits": self.commits,
            "cutoff": self.cutoff,
            "t1": self.t1.to_json(),
            "t2": self.t2.to_json(),
            "seconds": round(self.seconds, 2),
            "index_seconds": round(self.index_seconds, 2),
            "message": self.message,
        }


@dataclass(slots=True)
class Workspace:
    """An index of the cutoff and the queries replayed against it; score() it many times."""

    commits: list[EvalCommit]
    cutoff: str | None = None
    tree: Path | None = None  # the temporary checkout of the cutoff (gone after the `with`)
    store: Store | None = None
    t1: list[Query] = field(default_factory=list)
    t2: list[Query] = field(default_factory=list)
    indexed: frozenset[str] = frozenset()
    history: dict[str, tuple[int, int, int, int]] = field(default_factory=dict)
    bm25: Bm25 | None = None
    baselines: tuple[dict[str, Metrics | None], dict[str, Metrics | None]] | None = None
    build_seconds: float = 0.0
    index_seconds: float = 0.0
    message: str | None = None


def evaluate(
    root: Path,
    commits: int = 100,
    progress: Progress | None = None,
    rankers: Mapping[str, Ranker] | None = None,
) -> EvalReport:
    """Build the cutoff index for the last `commits` commits and score rankers and baselines.

    `rankers`: name -> (related_fn, query_fn); default {"repomind": repomind's own}.
    """
    with eval_workspace(root, commits, progress) as workspace:
        return score(workspace, rankers, progress=progress)


def default_rankers() -> dict[str, Ranker]:
    from repomind.retrieve.query import query_files
    from repomind.retrieve.related import related_files

    return {"repomind": (related_files, query_files)}


@contextmanager
def eval_workspace(
    root: Path, commits: int = 100, progress: Progress | None = None
) -> Iterator[Workspace]:
    """Choose the test commits and index their cutoff in a temporary worktree, removed on exit.

    Nothing is written to `root` (its `.repomind/` is only read for the config); the worktree
    is removed even when indexing fails or is interrupted.
    """
    if commits < 1:
        raise UsageError(f"--commits must be at least 1, got {commits}")
    started = time.perf_counter()
    progress = progress or Silent()
    layout = Layout(find_root(root))
    root = layout.root
    config = load_config(layout.config)
    progress.stage("choosing commits")
    path_filter = PathFilter(config.index.exclude, config.index.include)
    chosen = select_commits(root, commits, path_filter)
    if len(chosen) < MIN_COMMITS:
        yield Workspace([], message=_nothing_to_learn(root, len(chosen)))
        return
    cutoff = chosen[-1].parent
    progress.stage(f"checking out {cutoff[:12]}")
    with gitrepo.temporary_worktree(root, cutoff) as tree:
        from repomind.indexer import run_index

        tree_layout = Layout(tree)
        if layout.config.is_file():
            tree_layout.base.mkdir(exist_ok=True)
            shutil.copyfile(layout.config, tree_layout.config)
        index_report = run_index(tree_layout, config, full=True, progress=progress)
        store = Store.open(tree_layout.index_db, readonly=True)
        bm25: Bm25 | None = None
        try:
            files = store.files()
            indexed = frozenset(p for p, row in files.items() if row.skip is None)
            progress.stage("reading file contents", len(indexed))
            bm25 = Bm25(_texts(tree, sorted(indexed), progress))
            t1, t2 = build_queries(chosen, indexed)
            yield Workspace(
                commits=chosen,
                cutoff=cutoff,
                tree=tree,
                store=store,
                t1=t1,
                t2=t2,
                indexed=indexed,
                history=store.file_history(),
                bm25=bm25,
                build_seconds=time.perf_counter() - started,
                index_seconds=index_report.seconds,
            )
        finally:
            store.close()
            if bm25 is not None:
                bm25.close()


def _nothing_to_learn(root: Path, found: int) -> str:
    if gitrepo.head_commit(root) is None:
        return "nothing to learn from: the repository has no commits yet"
    return (
        f"nothing to learn from: eval needs at least {MIN_COMMITS} non-merge commits (after the "
        f"first) that touch {MIN_FILES}–{MAX_FILES} indexable files; found {found}"
    )


def select_commits(root: Path, count: int, path_filter: PathFilter) -> list[EvalCommit]:
    """The newest `count` non-merge, non-root commits of HEAD touching 2–30 indexable files.

    Only the commits themselves are read (path rules, not content rules: the content is judged
    by the cutoff index later), so the choice is deterministic and never sees past HEAD.
    """
    try:
        return _select_commits(root, count, path_filter, renames=True)
    except OperationError:
        # Rename detection reads file contents, which a partial clone may not have.
        return _select_commits(root, count, path_filter, renames=False)


def _select_commits(
    root: Path, count: int, path_filter: PathFilter, renames: bool
) -> list[EvalCommit]:
    chosen: list[EvalCommit] = []
    for record in gitrepo.iter_commit_messages(root, renames):
        if len(record.parents) != 1:
            continue  # the root commit: there is nothing before it to learn from
        names = {c.old_path if c.status == "R" and c.old_path else c.path for c in record.changes}
        files = sorted(p for p in names if path_filter.reason_to_skip(p) is None)
        if MIN_FILES <= len(files) <= MAX_FILES:
            chosen.append(EvalCommit(record.sha, record.parents[0], record.message, tuple(files)))
            if len(chosen) == count:
                break
    return chosen


def build_queries(
    commits: Sequence[EvalCommit], indexed: frozenset[str]
) -> tuple[list[Query], list[Query]]:
    """T1: one query per touched indexed file with other touched indexed files; T2: per commit."""
    t1: list[Query] = []
    t2: list[Query] = []
    for commit in commits:
        known = frozenset(p for p in commit.files if p in indexed)
        if len(known) >= 2:
            t1.extend(Query(commit.sha, f, known - {f}) for f in sorted(known))
        if known and commit.message.strip():
            t2.append(Query(commit.sha, commit.message, known))
    return t1, t2


def score(
    workspace: Workspace,
    rankers: Mapping[str, Ranker] | None = None,
    *,
    baselines: bool = True,
    progress: Progress | None = None,
) -> EvalReport:
    """Score `rankers` (default: repomind's) and the baselines on the workspace's queries."""
    started = time.perf_counter()
    progress = progress or Silent()
    rankers = default_rankers() if rankers is None else rankers
    clash = sorted(set(rankers) & set(BASELINES)) if baselines else []
    if clash:
        raise ValueError(f"ranker names clash with baselines: {', '.join(clash)}")
    ws = workspace
    t1: dict[str, Metrics | None] = {}
    t2: dict[str, Metrics | None] = {}
    for name, (related_fn, query_fn) in rankers.items():
        t1[name] = _run(ws.t1, _asking(related_fn, ws.store), f"T1 {name}", progress)
        t2[name] = _run(ws.t2, _asking(query_fn, ws.store, empty_ok=True), f"T2 {name}", progress)
    if baselines:
        if ws.baselines is None:
            ws.baselines = _score_baselines(ws, progress)
        t1.update(ws.baselines[0])
        t2.update(ws.baselines[1])
    seconds = time.perf_counter() - started
    return EvalReport(
        commits=len(ws.commits),
        cutoff=ws.cutoff,
        t1=TaskScores(len(ws.t1), t1),
        t2=TaskScores(len(ws.t2), t2),
        seconds=ws.build_seconds + seconds,
        index_seconds=ws.index_seconds,
        message=ws.message,
    )


def _score_baselines(
    ws: Workspace, progress: Progress
) -> tuple[dict[str, Metrics | None], dict[str, Metrics | None]]:
    """The baselines' scores (T1, T2); they do not depend on the rankers, so they are kept."""
    t1: dict[str, Metrics | None] = dict.fromkeys(BASELINES)
    t2: dict[str, Metrics | None] = dict.fromkeys(BASELINES)
    if ws.store is None:
        return t1, t2
    t1["same_dir"] = _run(ws.t1, _same_dir(ws), "T1 same-dir", progress)
    t1["cochange"] = _run(ws.t1, lambda q: _cochange(ws, q.text), "T1 co-change", progress)
    hotspots = _hotspots(ws)
    t2["cochange"] = _run(ws.t2, lambda q: hotspots, "T2 hotspots", progress)
    t1["bm25"] = _run(ws.t1, _bm25_related(ws), "T1 bm25", progress)
    t2["bm25"] = _run(ws.t2, _bm25_task(ws), "T2 bm25", progress)
    return t1, t2


def _asking(
    fn: RelatedFn | QueryFn | None, store: Store | None, empty_ok: bool = False
) -> Callable[[Query], Sequence[Any]] | None:
    if fn is None or store is None:
        return None

    def rank(query: Query) -> Sequence[Any]:
        try:
            return fn(store, query.text, TOP_K)
        except UsageError:
            if empty_ok:
                return []  # the ranker found no words to search for in this message
            raise

    return rank


def query_metrics(ranked: Iterable[Any], relevant: frozenset[str]) -> Metrics:
    """recall@5, recall@10 and reciprocal rank of one query's ranked results."""
    top = list(dict.fromkeys(r if isinstance(r, str) else r.path for r in ranked))[:TOP_K]
    hits5 = len(relevant.intersection(top[:5]))
    hits10 = len(relevant.intersection(top))
    first = next((i for i, p in enumerate(top, 1) if p in relevant), 0)
    n = len(relevant)
    return Metrics(hits5 / n, hits10 / n, 1 / first if first else 0.0)


def _run(
    queries: Sequence[Query],
    rank: Callable[[Query], Iterable[Any]] | None,
    label: str,
    progress: Progress,
) -> Metrics | None:
    if rank is None or not queries:
        return None
    progress.stage(label, len(queries))
    r5 = r10 = rr = 0.0
    for query in queries:
        m = query_metrics(rank(query), query.relevant)
        r5, r10, rr = r5 + m.recall_at_5, r10 + m.recall_at_10, rr + m.mrr
        progress.advance()
    n = len(queries)
    return Metrics(r5 / n, r10 / n, rr / n)


# ---------------------------------------------------------------- baselines
def _churn(ws: Workspace, path: str) -> int:
    return ws.history.get(path, (0, 0, 0, 0))[0]


def _same_dir(ws: Workspace) -> Callable[[Query], list[str]]:
    """The other indexed files of the file's directory, most-changed first, then by path."""
    by_dir: dict[str, list[str]] = {}
    for path in ws.indexed:
        by_dir.setdefault(path.rpartition("/")[0], []).append(path)
    for paths in by_dir.values():
        paths.sort(key=lambda p: (-_churn(ws, p), p))

    def rank(query: Query) -> list[str]:
        siblings = by_dir.get(query.text.rpartition("/")[0], [])
        return [p for p in siblings if p != query.text][:TOP_K]

    return rank


def _cochange(ws: Workspace, path: str) -> list[str]:
    """Co-change partners by times changed together, then recency, then path."""
    assert ws.store is not None
    partners = [
        (other, n, ts)
        for other, n, ts in ws.store.cochange_partners(path)
        if other in ws.indexed and other != path
    ]
    partners.sort(key=lambda r: (-r[1], -r[2], r[0]))
    return [other for other, _, _ in partners[:TOP_K]]


def _hotspots(ws: Workspace) -> list[str]:
    """T2's history-only baseline: the most-changed indexed files, whatever the task."""
    ranked = sorted(ws.indexed, key=lambda p: (-_churn(ws, p), -ws.history.get(p, (0,) * 4)[3], p))
    return ranked[:TOP_K]


def _bm25_related(ws: Workspace) -> Callable[[Query], list[str]]:
    assert ws.bm25 is not None and ws.tree is not None
    bm25, tree = ws.bm25, ws.tree
    cache: dict[str, list[str]] = {}  # a file is asked about once per commit touching it

    def rank(query: Query) -> list[str]:
        path = query.text
        if path not in cache:
            terms = frequent_tokens(_read_text(tree / path), BM25_QUERY_TOKENS)
            cache[path] = bm25.search(terms, TOP_K, exclude=path)
        return cache[path]

    return rank


def _bm25_task(ws: Workspace) -> Callable[[Query], list[str]]:
    assert ws.bm25 is not None
    bm25 = ws.bm25
    return lambda query: bm25.search(list(dict.fromkeys(tokens(query.text))), TOP_K)


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def frequent_tokens(text: str, limit: int) -> list[str]:
    """The `limit` most frequent distinct tokens of `text` (ties by token, for determinism)."""
    counts = Counter(tokens(text))
    return [t for t, _ in sorted(counts.items(), key=lambda tc: (-tc[1], tc[0]))[:limit]]


class Bm25:
    """BM25 over raw file contents: FTS5 in an in-memory SQLite, default unicode61 tokenizer."""

    def __init__(self, docs: Iterable[tuple[str, str]]) -> None:
        self.conn = sqlite3.connect(":memory:")
        self.conn.execute("CREATE VIRTUAL TABLE docs USING fts5(path UNINDEXED, body)")
        self.conn.executemany("INSERT INTO docs(path, body) VALUES(?, ?)", docs)

    def search(self, terms: Sequence[str], limit: int, exclude: str | None = None) -> list[str]:
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        rows = self.conn.execute(
            "SELECT path FROM docs WHERE docs MATCH ? ORDER BY rank, path LIMIT ?",
            (match, limit + 1),
        )
        return [p for (p,) in rows if p != exclude][:limit]

    def close(self) -> None:
        self.conn.close()


def _texts(tree: Path, paths: Iterable[str], progress: Progress) -> Iterator[tuple[str, str]]:
    for path in paths:
        yield path, _read_text(tree / path)
        progress.advance()


def _read_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except OSError:
        return ""
