"""`repomind status`: what is indexed, when, at which commit, what is stale, cache size."""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict, dataclass, field
from typing import Any

from repomind import gitrepo
from repomind.layout import Layout


@dataclass(slots=True)
class StatusReport:
    root: str
    indexed: bool
    head: str | None
    branch: str
    indexed_commit: str | None = None
    indexed_at: int | None = None
    counts: dict[str, int] = field(default_factory=dict)
    languages: dict[str, int] = field(default_factory=dict)
    stale_files: int = 0
    head_moved: bool = False
    cache_bytes: int = 0
    memory_files: list[str] = field(default_factory=list)
    spend: dict[str, Any] = field(default_factory=dict)  # LLM spend vs budgets (repomind.llm)
    lessons: dict[str, int] = field(default_factory=dict)  # lessons.md counts (repomind reflect)
    watch: dict[str, Any] = field(default_factory=dict)  # the background watcher (repomind watch)
    wiki: dict[str, Any] = field(default_factory=dict)  # .repomind/wiki pages (repomind wiki)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["stale"] = {"files": data.pop("stale_files"), "head_moved": data.pop("head_moved")}
        data["indexed_at_iso"] = _iso(self.indexed_at)
        return data


def _iso(ts: int | None) -> str | None:
    if ts is None:
        return None
    import datetime as dt

    return dt.datetime.fromtimestamp(ts, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def collect_status(layout: Layout) -> StatusReport:
    from repomind.store import Store

    head = gitrepo.head_commit(layout.root)
    report = StatusReport(
        root=str(layout.root),
        indexed=False,
        head=head,
        branch=gitrepo.head_ref(layout.root),
        memory_files=_memory_files(layout),
        cache_bytes=_dir_size(layout.cache),
        spend=_spend(layout),
        lessons=_lessons(layout),
        watch=_watch(layout),
        wiki=_wiki(layout),
    )
    if not layout.index_db.exists():
        return report
    import sqlite3

    try:
        store = Store.open(layout.index_db, readonly=True)
    except Exception as exc:  # an unreadable cache is reported, not fatal: index rebuilds it
        from repomind.errors import OperationError

        if isinstance(exc, (OperationError, sqlite3.DatabaseError)):
            return report
        raise
    try:
        report.indexed = True
        report.indexed_commit = store.meta("head") or None
        at = store.meta("indexed_at")
        report.indexed_at = int(at) if at else None
        import json

        cached = store.meta("counts")
        report.counts = json.loads(cached) if cached else store.counts()
        report.languages = dict(sorted(store.languages().items(), key=lambda kv: (-kv[1], kv[0])))
        report.head_moved = (report.indexed_commit or None) != head
        report.stale_files = _stale_files(layout, store)
    finally:
        store.close()
    return report


def _stale_files(layout: Layout, store: Any) -> int:
    """Files added, removed or modified (by size and mtime) since the last index.

    Path rules are applied only to files the index does not know, which keeps this cheap
    on big trees (`status` is meant to be instant).
    """
    rows = store.files()
    skipped = store.skipped_paths()
    listing = gitrepo.list_files(layout.root)
    stale = 0
    unknown: list[str] = []
    present: set[str] = set()
    for path in listing:
        row = rows.get(path)
        if row is None:
            if path not in skipped:
                unknown.append(path)
            continue
        present.add(path)
        try:
            st = os.lstat(os.path.join(layout.root, path))
        except OSError:
            stale += 1
            continue
        if (st.st_size, st.st_mtime_ns) != (row.size, row.mtime_ns):
            stale += 1
    stale += sum(1 for path in rows if path not in present)
    if unknown:
        from repomind.config import load_config
        from repomind.scan import PathFilter, scan

        config = load_config(layout.config)
        scanned = scan(
            layout.root,
            unknown,
            PathFilter(config.index.exclude, config.index.include),
            config.index.max_file_kb * 1024,
        )
        stale += len(scanned.candidates)
    return stale


def _memory_files(layout: Layout) -> list[str]:
    if not layout.memory.is_dir():
        return []
    return sorted(p.name for p in layout.memory.glob("*.md"))


def _dir_size(path: Any) -> int:
    total = 0
    for dirpath, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(dirpath, name)).st_size
    return total


def _spend(layout: Layout) -> dict[str, Any]:
    """LLM spend today / this month (UTC) against the budgets, and batches not collected yet."""
    from repomind.config import Config, load_config
    from repomind.errors import UsageError
    from repomind.llm.batches import pending_batches
    from repomind.llm.client import llm_configured
    from repomind.llm.spend import spend_summary

    try:
        config = load_config(layout.config)
    except UsageError:
        config = Config()
    data: dict[str, Any] = asdict(spend_summary(layout))
    data["budget_usd_day"] = config.llm.budget_usd_day
    data["budget_usd_month"] = config.llm.budget_usd_month
    data["pending_batches"] = len(pending_batches(layout))
    data["llm_configured"] = llm_configured(config)
    return data


def spend_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The `spend` line of `repomind status` (text output)."""
    spend = data.get("spend")
    if not spend:
        return []

    def usd(value: float) -> str:
        return f"${value:.4f}" if 0 < value < 0.01 else f"${value:.2f}"

    text = (
        f"{usd(spend['today_usd'])} today of {usd(spend['budget_usd_day'])}, "
        f"{usd(spend['month_usd'])} this month of {usd(spend['budget_usd_month'])} "
        f"({spend['calls_month']} calls)"
    )
    if spend["pending_batches"]:
        text += f"; {spend['pending_batches']} batch(es) pending"
    if not spend["llm_configured"]:
        text += "; LLM off (no ANTHROPIC_API_KEY or base_url)"
    return [("LLM spend", text)]


def _lessons(layout: Layout) -> dict[str, int]:
    """Lessons shown to agents, stale, human, archived; sessions waiting; followed / repeated."""
    from repomind.errors import UsageError
    from repomind.memory.lessons import ARCHIVE, ARCHIVE_BLOCK, LESSONS, read_lessons
    from repomind.reflect.verify import load_stats

    try:
        entries = read_lessons(layout.memory / LESSONS).entries
        archived = read_lessons(layout.memory / ARCHIVE, ARCHIVE_BLOCK).entries
    except (UsageError, OSError, UnicodeDecodeError):
        return {}
    stats = load_stats(layout.state / "lesson-stats.json")
    queued = 0
    for name in ("reflect-queue.jsonl", "reflect-queue.jsonl.taken"):
        with contextlib.suppress(OSError):
            queued += sum(1 for line in (layout.state / name).read_bytes().splitlines() if line)
    return {
        "active": sum(1 for e in entries if not e.stale),
        "stale": sum(1 for e in entries if e.stale),
        "human": sum(1 for e in entries if e.human),
        "archived": len(archived),
        "queued_sessions": queued,
        "followed": sum(s.followed for s in stats.values()),
        "repeated": sum(s.repeated for s in stats.values()),
    }


def _watch(layout: Layout) -> dict[str, Any]:
    """Whether `repomind watch` runs for this repository, and its last step."""
    from repomind.watch.state import watcher_status

    return watcher_status(layout).to_json()


def watch_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The `watch` line of `repomind status` (text output)."""
    from repomind.watch.state import WatchStatus

    watch = data.get("watch")
    if not watch:
        return []
    return [("watch", WatchStatus(**watch).describe())]


def _wiki(layout: Layout) -> dict[str, Any]:
    """Wiki pages by generator, and whether a batch of pages is waiting to be collected."""
    from repomind.wiki.run import wiki_summary

    return wiki_summary(layout)


def wiki_rows(data: dict[str, Any]) -> list[tuple[str, str]]:
    """The `wiki` line of `repomind status` (text output)."""
    from repomind.wiki.report import describe_wiki

    wiki = data.get("wiki")
    return [("wiki", describe_wiki(wiki))] if wiki else []
