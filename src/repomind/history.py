"""Git history, incrementally: churn, recency, authors and co-change pairs (renames followed)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from repomind import gitrepo
from repomind.config import HistorySettings
from repomind.gitrepo import CommitRecord
from repomind.store import SUBJECTS_KEPT, Store


@dataclass(frozen=True, slots=True)
class HistoryReport:
    head: str | None
    new_commits: int
    rebuilt: bool
    shallow: bool
    touched: frozenset[str] = frozenset()  # files whose history changed (final names)


@dataclass(slots=True)
class _Accumulator:
    """History deltas over a run of commits read newest first.

    Counts are keyed by file identity, not path, so a rename carries history: walking back in
    time, `R old -> new` means older commits call the same file `old`. A file's final name is
    the newest one.
    """

    max_files: int
    ident: dict[str, int]  # name at the current point of the walk -> identity
    name: list[str]  # identity -> newest name
    commits: list[tuple[str, int, str, str, int]]
    churn: Counter[int]
    cc_churn: Counter[int]
    first_ts: dict[int, int]
    last_ts: dict[int, int]
    subjects: dict[int, list[str]]
    authors: Counter[tuple[int, str]]
    pairs: Counter[tuple[int, int]]
    pair_ts: dict[tuple[int, int], int]
    renames: list[tuple[str, str]]  # newest first

    @classmethod
    def new(cls, max_files: int) -> _Accumulator:
        return cls(
            max_files, {}, [], [], Counter(), Counter(), {}, {}, {}, Counter(), Counter(), {}, []
        )

    def _id(self, path: str) -> int:
        ident = self.ident.get(path)
        if ident is None:
            ident = self.ident[path] = len(self.name)
            self.name.append(path)
        return ident

    def add(self, record: CommitRecord) -> None:
        touched: dict[int, str] = {}
        for change in record.changes:
            ident = self._id(change.path)
            if change.status == "R" and change.old_path:
                # Older commits know this file as old_path; an older `new` is another file.
                del self.ident[change.path]
                self.ident[change.old_path] = ident
                self.renames.append((change.old_path, change.path))
            touched[ident] = change.status
        ts = record.timestamp
        self.commits.append((record.sha, ts, record.author, record.subject, len(record.changes)))
        eligible = 0 < len(touched) <= self.max_files
        alive: list[int] = []
        for ident, status in touched.items():
            self.churn[ident] += 1
            self.authors[(ident, record.author)] += 1
            if ts < self.first_ts.get(ident, ts + 1):
                self.first_ts[ident] = ts
            if ts > self.last_ts.get(ident, -1):
                self.last_ts[ident] = ts
            if eligible:
                self.cc_churn[ident] += 1
                kept = self.subjects.setdefault(ident, [])
                if len(kept) < SUBJECTS_KEPT and record.subject:
                    kept.append(record.subject)
                if status != "D":
                    alive.append(ident)
        if eligible and len(alive) > 1:
            alive.sort()
            for pair in combinations(alive, 2):
                self.pairs[pair] += 1
                if ts > self.pair_ts.get(pair, -1):
                    self.pair_ts[pair] = ts

    def write(self, store: Store, replay_renames: bool) -> None:
        if replay_renames:
            for old, new in reversed(self.renames):  # oldest first, as they happened
                store.rename_in_history(old, new)
        name = self.name
        seq = store.next_commit_seq()
        store.insert_commits(
            [
                (sha, seq + i, ts, author, subject, n)
                for i, (sha, ts, author, subject, n) in enumerate(reversed(self.commits))
            ]
        )
        store.add_file_history(self._file_rows())
        store.add_authors((name[i], author, n) for (i, author), n in self.authors.items())
        merged: dict[tuple[str, str], list[int]] = {}
        for (i, j), n in self.pairs.items():
            a, b = name[i], name[j]
            if a == b:
                continue
            key = (a, b) if a < b else (b, a)
            slot = merged.setdefault(key, [0, 0])
            slot[0] += n
            slot[1] = max(slot[1], self.pair_ts[(i, j)])
        store.add_cochange((a, b, n, ts) for (a, b), (n, ts) in merged.items())

    def _file_rows(self) -> list[tuple[str, int, int, int, int, str]]:
        """One row per final name. Two identities can end with one name (a file deleted, or
        renamed away, and another later created at its path): their counts are summed, as
        their co-change pairs are, and their subjects kept newest first."""
        by_name: dict[str, list[int]] = {}
        for i in self.churn:
            by_name.setdefault(self.name[i], []).append(i)
        rows = []
        for path, idents in by_name.items():
            idents.sort(key=lambda i: -self.last_ts[i])
            subjects = [s.replace("\n", " ") for i in idents for s in self.subjects.get(i, ())]
            rows.append(
                (
                    path,
                    sum(self.churn[i] for i in idents),
                    sum(self.cc_churn[i] for i in idents),
                    min(self.first_ts[i] for i in idents),
                    max(self.last_ts[i] for i in idents),
                    "\n".join(subjects[:SUBJECTS_KEPT]),
                )
            )
        return rows


def update_history(
    store: Store,
    root: Path,
    settings: HistorySettings,
    on_progress: Callable[[int], None] | None = None,
    renames: bool = True,
) -> HistoryReport:
    """Bring the history tables up to HEAD, reading only commits not seen before.

    `renames=False` walks the history without rename detection (see gitrepo.iter_commits).

    Only HEAD's ancestry is read. If HEAD is no longer a descendant of the last indexed commit
    (checkout of another branch, rebase, reset) the history is rebuilt from scratch.
    """
    head = gitrepo.head_commit(root)
    last = store.meta("history_head")
    shallow = gitrepo.is_shallow(root) if head else False
    if head is None:
        if last is not None:
            store.clear_history()
            store.set_meta("history_head", None)
        return HistoryReport(None, 0, last is not None, False)
    if last == head:
        return HistoryReport(head, 0, False, shallow)
    rebuilt = last is None or not gitrepo.is_ancestor(root, last, head)
    if rebuilt:
        store.clear_history()
        records: Iterable[CommitRecord] = gitrepo.iter_commits(
            root, max_count=settings.max_commits, renames=renames
        )
    else:
        records = gitrepo.iter_commits(root, since=last, renames=renames)
    acc = _Accumulator.new(settings.max_files_per_commit)
    count = 0
    for record in records:
        acc.add(record)
        count += 1
        if on_progress is not None and count % 2000 == 0:
            on_progress(count)
    acc.write(store, replay_renames=not rebuilt)
    store.set_meta("history_head", head)
    touched = frozenset(acc.name) | frozenset(p for pair in acc.renames for p in pair)
    return HistoryReport(head, count, rebuilt, shallow, touched)


def cochange_confidence(n: int, commits_a: int, commits_b: int) -> float:
    """Share of the commits touching the rarer-changed of the two files that touched both."""
    denominator = min(commits_a, commits_b)
    return n / denominator if denominator else 0.0
