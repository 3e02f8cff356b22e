"""Human-facing rendering: index progress on a terminal, summaries and status tables (rich)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from repomind.indexer import IndexReport


class _RichProgress:
    def __init__(self, progress: Any) -> None:
        self._progress = progress
        self._task: Any = None

    def stage(self, name: str, total: int | None = None) -> None:
        if self._task is not None:
            self._progress.remove_task(self._task)
        self._task = self._progress.add_task(name, total=total)

    def advance(self, n: int = 1) -> None:
        if self._task is not None:
            self._progress.advance(self._task, n)


class _NoProgress:
    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass


@contextmanager
def index_progress(enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield _NoProgress()
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn

    with Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        console=Console(stderr=True),
        transient=True,
    ) as progress:
        yield _RichProgress(progress)


def index_summary(report: IndexReport) -> str:
    parts = [
        f"indexed {report.files} files",
        f"{report.parsed} parsed",
        f"{report.symbols} symbols",
    ]
    if report.removed:
        parts.append(f"{report.removed} removed")
    parts.append(f"{report.commits_read} new commits")
    changed = ", ".join(report.memory_changed) if report.memory_changed else "no memory change"
    return f"{'; '.join(parts)} in {report.seconds:.2f}s — {changed}"


def print_status(report: Any) -> None:
    import sys

    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 1000)
    data = report.to_json()
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    from repomind.status import spend_rows, wiki_rows

    for key, value in [*_status_rows(data), *wiki_rows(data), *spend_rows(data)]:
        table.add_row(key, value)
    console.print(table)


def _status_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    if not data["indexed"]:
        return [
            ("index", "none yet — run `repomind index`"),
            *_lesson_rows(data.get("lessons") or {}),
        ]
    counts = data["counts"]
    langs = ", ".join(f"{k} {v}" for k, v in data["languages"].items()) or "-"
    stale = data["stale"]
    stale_text = "up to date"
    if stale["head_moved"] or stale["files"]:
        bits = []
        if stale["head_moved"]:
            bits.append("HEAD moved since the last index")
        if stale["files"]:
            bits.append(f"{stale['files']} files changed")
        stale_text = "; ".join(bits) + " — run `repomind index`"
    return [
        ("repository", data["root"]),
        ("indexed commit", (data["indexed_commit"] or "(no commits)")[:12]),
        ("current commit", (data["head"] or "(no commits)")[:12] + f" ({data['branch']})"),
        ("indexed at", data["indexed_at_iso"] or "-"),
        ("files", f"{counts['files']} indexed, {counts['files_skipped']} skipped by content"),
        ("symbols", str(counts["symbols"])),
        ("graph edges", str(counts["edges"])),
        ("commits", f"{counts['commits']} (co-change pairs {counts['cochange_pairs']})"),
        ("languages", langs),
        ("stale", stale_text),
        ("memory", ", ".join(data["memory_files"]) or "-"),
        ("cache", f"{data['cache_bytes'] / 1e6:.1f} MB"),
        *_lesson_rows(data.get("lessons") or {}),
    ]


def _lesson_rows(lessons: dict[str, int]) -> list[tuple[str, str]]:
    if not lessons:
        return []
    text = (
        f"{lessons['active']} active ({lessons['human']} by humans), {lessons['stale']} stale, "
        f"{lessons['archived']} archived; followed {lessons['followed']}×, "
        f"repeated {lessons['repeated']}×"
    )
    rows = [("lessons", text)]
    if lessons.get("queued_sessions"):
        rows.append(("reflect queue", f"{lessons['queued_sessions']} session(s) waiting"))
    return rows


def print_ranked(rows: list[tuple[str, float, str]], empty: str) -> None:
    """A ranked list of files with their scores and reasons."""
    import sys

    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 1000)
    if not rows:
        console.print(empty)
        return
    table = Table(box=None, pad_edge=False)
    table.add_column("#", justify="right")
    table.add_column("file")
    table.add_column("score", justify="right")
    table.add_column("why")
    for i, (path, score, why) in enumerate(rows, 1):
        table.add_row(str(i), path, f"{score:.3f}", why, style=None)
    console.print(table)


EVAL_ROWS = {"same_dir": "same-dir", "cochange": "co-change", "bm25": "bm25"}


def print_eval(report: Any) -> None:
    """`repomind eval`: one row per ranker and baseline, T1 and T2 metrics side by side."""
    import sys

    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if sys.stdout.isatty() else 1000)
    if report.message:
        console.print(report.message)
        return
    console.print(
        f"{report.commits} commits replayed on an index of {report.cutoff[:12]} "
        f"(T1 {report.t1.queries} file queries, T2 {report.t2.queries} task queries) "
        f"in {report.seconds:.1f}s"
    )
    table = Table()
    table.add_column("")
    for task in ("T1", "T2"):
        for metric in ("R@5", "R@10", "MRR"):
            table.add_column(f"{task} {metric}", justify="right")
    names = list(dict.fromkeys([*report.t1.results, *report.t2.results]))
    for name in names:
        cells = []
        for task in (report.t1, report.t2):
            m = task.results.get(name)
            if m is None:
                cells.extend(["n/a"] * 3)
            else:
                cells.extend(f"{v:.3f}" for v in (m.recall_at_5, m.recall_at_10, m.mrr))
        table.add_row(EVAL_ROWS.get(name, name), *cells)
    console.print(table)
    console.print(
        "T1: files changed with each touched file; T2: files a commit message needs. "
        "same-dir: the file's directory by churn; co-change: partners by count "
        "(T2: the most-changed files); bm25: file contents."
    )


def print_reflect(report: Any, dry_run: bool) -> None:
    """Sessions read, lessons learned, what changed in memory (and the diff on --dry-run)."""
    import sys

    from rich.console import Console
    from rich.markup import escape

    out = Console(width=None if sys.stdout.isatty() else 1000)
    if not report.sessions:
        out.print("No new sessions to reflect on.")
    for session in report.sessions:
        llm = f", Claude: {session.llm}" if session.llm else ""
        out.print(
            f"[bold]{session.agent}[/] {session.session_id[:12]}: "
            f"{len(session.lessons)} lesson(s) from {session.new_events} new event(s){llm}",
            highlight=False,
        )
        for lesson in session.lessons:
            out.print(f"  - [{lesson.kind}] {escape(lesson.text)}", highlight=False)
    verbs = {
        "add": "added",
        "reinforce": "reinforced",
        "supersede": "superseded",
        "keep-human": "kept (human)",
        "retire": "archived",
        "stale": "stale",
    }
    for change in report.changes:
        detail = (
            f" ({escape(change.detail)})" if change.detail and change.action != "supersede" else ""
        )
        out.print(
            f"{verbs.get(change.action, change.action):<13} {escape(change.text)}{detail}",
            highlight=False,
        )
    if dry_run:
        if report.diff:
            out.print(escape(report.diff), end="", highlight=False)
        out.print("(dry run: nothing written)")
        return
    for path in report.written + report.exported:
        out.print(f"updated      {path}", highlight=False)
