"""`repomind reflect`: new sessions → redacted → lessons → consolidated into memory → rule files.

Which sessions: the paths given, else every transcript on this machine whose working directory
is inside the repository plus those the agent hooks queued. A cursor under `.repomind/state/`
remembers how far each transcript was read, so a re-run is a no-op and a resumed session is
read for its new part only.
"""

from __future__ import annotations

import dataclasses
import difflib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repomind.config import Config
from repomind.errors import OperationError, UsageError
from repomind.fsutil import write_text_atomic
from repomind.layout import Layout
from repomind.memory import lessons as lessons_file
from repomind.reflect import verify
from repomind.reflect.consolidate import Change, Memory, consolidate, retire
from repomind.reflect.lesson import Lesson
from repomind.reflect.session import (
    AssistantMessage,
    Event,
    Session,
    ToolCall,
    ToolResult,
    UserMessage,
)

CURSOR = "reflect-cursor.json"
STATS = "lesson-stats.json"
QUEUE = "reflect-queue.jsonl"
LOCK_WAIT_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class SessionResult:
    agent: str
    session_id: str
    path: str
    new_events: int
    lessons: tuple[Lesson, ...]
    llm: str = ""  # "" offline; "used" / "cached" / why it was not used


@dataclass(slots=True)
class ReflectReport:
    sessions: list[SessionResult] = field(default_factory=list)
    changes: list[Change] = field(default_factory=list)
    written: list[str] = field(default_factory=list)
    diff: str = ""
    warnings: list[str] = field(default_factory=list)
    exported: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "sessions": [
                {
                    "agent": s.agent,
                    "session_id": s.session_id,
                    "path": s.path,
                    "new_events": s.new_events,
                    "llm": s.llm,
                    "lessons": [
                        {
                            "kind": lesson.kind,
                            "topic": lesson.topic,
                            "text": lesson.text,
                            "files": list(lesson.files),
                            "commands": list(lesson.commands),
                        }
                        for lesson in s.lessons
                    ],
                }
                for s in self.sessions
            ],
            "changes": [
                {"action": c.action, "id": c.id, "text": c.text, "detail": c.detail}
                for c in self.changes
            ],
            "written": self.written,
            "exported": self.exported,
            "warnings": self.warnings,
            **({"diff": self.diff} if self.diff else {}),
        }


# (session, current entries, first new event) → repomind.reflect.llm.ClaudeResult
LessonSource = Callable[[Session, list[lessons_file.Entry], int], Any]


def run_reflect(
    layout: Layout,
    config: Config,
    *,
    paths: list[Path] | None = None,
    dry_run: bool = False,
    reread: bool = False,
    llm_source: LessonSource | None = None,
    on_session: Callable[[str], None] | None = None,
) -> ReflectReport:
    """Reflect on new sessions and consolidate what they teach into `.repomind/memory/`.

    `llm_source(session, current entries, first new event)` adds lessons from Claude; it is
    optional and its failure never stops the offline lessons.
    """
    from filelock import FileLock, Timeout

    explicit = paths is not None
    for path in paths or []:
        if not path.is_file():
            raise UsageError(f"no such transcript: {path}")
    layout.state.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(layout.state / "reflect.lock"))
    try:
        lock.acquire(timeout=LOCK_WAIT_SECONDS)
    except Timeout:
        raise OperationError("another repomind reflect is running here; try again later") from None
    try:
        return _reflect_locked(
            layout, config, paths, explicit, dry_run, reread, llm_source, on_session
        )
    finally:
        lock.release()


def _reflect_locked(
    layout: Layout,
    config: Config,
    paths: list[Path] | None,
    explicit: bool,
    dry_run: bool,
    reread: bool,
    llm_source: LessonSource | None,
    on_session: Callable[[str], None] | None,
) -> ReflectReport:
    report = ReflectReport()
    queue_taken = None if explicit or dry_run else _take_queue(layout)
    candidates = paths if explicit else _candidates(layout, queue_taken)
    cursor = _load_json(layout.state / CURSOR)
    stats = verify.load_stats(layout.state / STATS)
    lessons_path = layout.memory / lessons_file.LESSONS
    archive_path = layout.memory / lessons_file.ARCHIVE
    try:
        memory = Memory(
            lessons_file.read_lessons(lessons_path),
            lessons_file.read_lessons(archive_path, lessons_file.ARCHIVE_BLOCK),
        )
    except UsageError as exc:
        raise UsageError(f"{lessons_path.relative_to(layout.root)}: {exc}") from None
    before = _render_both(layout, memory)
    purpose = _purpose_function()

    for path in candidates or []:
        key = str(path.resolve())
        mark = _file_mark(path)
        read_before = cursor.get(key, {})
        if mark is None or (read_before.get("mark") == mark and not reread):
            continue  # unreadable, or unchanged since it was read (even when named)
        known_sessions = set(read_before.get("sessions", {}))
        done: dict[str, int] = {} if reread else dict(read_before.get("sessions", {}))
        for session in _parse(path):
            if not _belongs(session, layout.root, explicit):
                continue
            start = done.get(session.session_id, 0)
            if len(session.events) <= start:
                continue
            if on_session:
                on_session(f"{session.agent} {session.session_id[:8]}")
            session = redact_session(session)
            new = _offline_lessons(session, layout.root)
            if start:
                # A resumed session: keep only what its new part taught.
                old = dataclasses.replace(session, events=session.events[:start])
                taught = {(x.topic, x.text) for x in _offline_lessons(old, layout.root)}
                new = [lesson for lesson in new if (lesson.topic, lesson.text) not in taught]
            llm_note, retirements = "", ()  # type: tuple[str, tuple[tuple[str, str], ...]]
            if llm_source is not None:
                try:
                    claude = llm_source(session, list(memory.lessons.entries), start)
                    extra, llm_note, retirements = list(claude.lessons), claude.note, claude.retire
                    if claude.dropped:
                        llm_note += f", {claude.dropped} invalid operation(s) dropped"
                except Exception as exc:  # Claude is optional: its failure keeps the offline ones
                    extra, llm_note = [], f"failed: {exc}".splitlines()[0][:200]
                new = _union(new, extra)
            if start == 0 and session.session_id not in known_sessions:
                _record_outcomes(memory, stats, session, new, layout.root, purpose, config)
            report.changes += consolidate(memory, new, max_lessons=config.reflect.max_lessons)
            for lesson_id, reason in retirements:
                if (change := retire(memory, lesson_id, reason)) is not None:
                    report.changes.append(change)
            report.sessions.append(
                SessionResult(
                    session.agent,
                    session.session_id,
                    str(path),
                    len(session.events) - start,
                    tuple(new),
                    llm_note,
                )
            )
            done[session.session_id] = len(session.events)
        cursor[key] = {"mark": mark, "sessions": done}

    report.changes += mark_stale(memory, layout)
    after = _render_both(layout, memory)
    if dry_run:
        report.diff = _diff(layout, before, after)
        return report
    targets = (
        (lessons_path, memory.lessons, lessons_file.BLOCK, lessons_file.DESCRIPTION),
        (
            archive_path,
            memory.archive,
            lessons_file.ARCHIVE_BLOCK,
            lessons_file.ARCHIVE_DESCRIPTION,
        ),
    )
    for path, entries, block, description in targets:
        if before[path] != after[path] and lessons_file.write_lessons(
            path, entries, block=block, description=description
        ):
            report.written.append(path.relative_to(layout.root).as_posix())
    write_text_atomic(layout.state / CURSOR, json.dumps(cursor, indent=1, sort_keys=True) + "\n")
    write_text_atomic(layout.state / STATS, verify.dump_stats(stats))
    if queue_taken is not None:
        queue_taken.unlink(missing_ok=True)
    return report


# --- sessions --------------------------------------------------------------------------------


def _candidates(layout: Layout, queue: Path | None) -> list[Path]:
    from repomind.reflect.discover import discover_sessions

    found = {p.resolve() for _agent, p in discover_sessions(layout.root)}
    if queue is not None:
        for line in queue.read_text(encoding="utf-8", errors="replace").splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            transcript = entry.get("transcript_path") if isinstance(entry, dict) else None
            if isinstance(transcript, str) and Path(transcript).is_file():
                found.add(Path(transcript).resolve())
    return sorted(found)


def _take_queue(layout: Layout) -> Path | None:
    """Move the hooks' queue aside atomically (hooks keep appending to a fresh one); a queue
    left aside by a run that crashed is picked up again."""
    queue = layout.state / QUEUE
    taken = layout.state / (QUEUE + ".taken")
    if queue.exists():
        if taken.exists():
            merged = taken.read_bytes() + queue.read_bytes()
            write_text_atomic(taken, merged.decode("utf-8", errors="replace"))
            queue.unlink(missing_ok=True)
        else:
            os.replace(queue, taken)
    return taken if taken.exists() else None


def _parse(path: Path) -> list[Session]:
    from repomind.reflect import discover

    parse_sessions = getattr(discover, "parse_sessions", None)
    if parse_sessions is not None:
        return list(parse_sessions(path))
    session = discover.parse_any(path)
    return [session] if session else []


def _belongs(session: Session, root: Path, explicit: bool) -> bool:
    if explicit or not session.cwd:
        return True
    try:
        return Path(session.cwd).resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):
        return False


def _file_mark(path: Path) -> list[int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def redact_session(session: Session) -> Session:
    """The session with every secret in its text replaced, before anything reads it."""
    from repomind.redact import redact, redact_data

    def clean(event: Event) -> Event:
        if isinstance(event, (UserMessage, AssistantMessage)):
            return dataclasses.replace(event, text=redact(event.text))
        if isinstance(event, ToolCall):
            return dataclasses.replace(
                event,
                input=redact_data(event.input),
                command=None if event.command is None else redact(event.command),
            )
        if isinstance(event, ToolResult):
            return dataclasses.replace(event, output=redact(event.output))
        return event

    return dataclasses.replace(session, events=tuple(clean(e) for e in session.events))


def _offline_lessons(session: Session, root: Path) -> list[Lesson]:
    from repomind.reflect.extract import extract_lessons

    return list(extract_lessons(session, root))


def _union(offline: list[Lesson], extra: list[Lesson]) -> list[Lesson]:
    topics = {lesson.topic for lesson in offline}
    return offline + [lesson for lesson in extra if lesson.topic not in topics]


def _purpose_function() -> Callable[[str], str | None]:
    from repomind.reflect.extractors.shell import purpose

    return purpose


# --- keeping memory true ---------------------------------------------------------------------


def _record_outcomes(
    memory: Memory,
    stats: dict[str, verify.Stats],
    session: Session,
    new: list[Lesson],
    root: Path,
    purpose: Callable[[str], str | None],
    config: Config,
) -> None:
    """Whether each older lesson's situation came up in this session and how it went; lessons
    idle for too many sessions are retired."""
    from repomind.layout import relative_path

    edited = set()
    for path in session.files_edited():
        try:
            edited.add(relative_path(root, path))
        except UsageError:
            continue
    facts = verify.SessionFacts(
        frozenset(edited),
        tuple((run.command, run.ok) for run in session.commands()),
        frozenset(lesson.topic for lesson in new),
    )
    limit = config.reflect.archive_after_sessions
    for entry in list(memory.lessons.entries):
        if any(ev.session_id == session.session_id for ev in entry.evidence):
            continue
        counts = stats.setdefault(entry.id, verify.Stats())
        verify.record(counts, verify.outcome(entry, facts, purpose))
        if limit and counts.idle >= limit and not entry.human:
            retire(memory, entry.id, f"not relevant in {counts.idle} sessions")


def mark_stale(memory: Memory, layout: Layout) -> list[Change]:
    """Mark generated lessons whose citations are gone; a human clears the mark to confirm."""
    symbols = {s for e in memory.lessons.entries if not e.human for s in e.symbols}
    defined = _defined_symbols(layout, symbols)
    changes = []
    for i, entry in enumerate(memory.lessons.entries):
        if entry.human or entry.stale:
            continue
        reason = verify.stale_reason(entry, layout.root, defined)
        if reason:
            memory.lessons.entries[i] = dataclasses.replace(entry, stale=reason)
            changes.append(Change("stale", entry.id, entry.text, reason))
    return changes


def _defined_symbols(layout: Layout, names: set[str]) -> Callable[[str], bool] | None:
    """Which of `names` the index still defines (None: no index to ask, so no symbol check)."""
    from repomind.errors import RepomindError
    from repomind.store import Store

    if not names or not layout.index_db.exists():
        return None
    try:
        store = Store.open(layout.index_db, readonly=True)
    except (RepomindError, OSError):
        return None
    try:
        short = {n: n.split(".")[-1] for n in names}
        found = set(store.definers_of(sorted(set(short.values()))))
    finally:
        store.close()
    return lambda name: short.get(name, name) in found


# --- rendering -------------------------------------------------------------------------------


def _render_both(layout: Layout, memory: Memory) -> dict[Path, str]:
    """What lessons.md and the archive would hold (for change detection and --dry-run)."""
    return {
        layout.memory / lessons_file.LESSONS: lessons_file.render_block(memory.lessons),
        layout.memory / lessons_file.ARCHIVE: lessons_file.render_block(memory.archive),
    }


def _diff(layout: Layout, before: dict[Path, str], after: dict[Path, str]) -> str:
    out: list[str] = []
    for path in sorted(after):
        rel = path.relative_to(layout.root).as_posix()
        out += difflib.unified_diff(
            before.get(path, "").splitlines(keepends=True),
            after[path].splitlines(keepends=True),
            fromfile=f"a/{rel}",
            tofile=f"b/{rel}",
        )
    return "".join(out)


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def reflect_and_export(
    layout: Layout,
    config: Config,
    *,
    paths: list[Path] | None = None,
    dry_run: bool = False,
    reread: bool = False,
    offline: bool = False,
    on_session: Callable[[str], None] | None = None,
    environ: dict[str, str] | None = None,
) -> ReflectReport:
    """`repomind reflect`: reflect (with Claude when configured), then refresh the rule files
    that already carry repomind's block so agents see the new lessons."""
    source = None if offline or not config.reflect.use_llm else _llm_source(layout, config, environ)
    report = run_reflect(
        layout,
        config,
        paths=paths,
        dry_run=dry_run,
        reread=reread,
        llm_source=source,
        on_session=on_session,
    )
    if report.written and not dry_run:
        report.exported = _refresh_rule_files(layout, config, report)
    return report


def _llm_source(
    layout: Layout, config: Config, environ: dict[str, str] | None
) -> LessonSource | None:
    try:
        from repomind.llm import open_llm
    except ImportError:
        return None
    llm = open_llm(layout, config, environ)
    if llm is None:
        return None
    from repomind.reflect.llm import claude_lessons

    def source(session: Session, entries: list[lessons_file.Entry], start: int) -> Any:
        return claude_lessons(llm, layout, config, session, entries, start)

    return source


def _refresh_rule_files(layout: Layout, config: Config, report: ReflectReport) -> list[str]:
    from repomind.errors import RepomindError
    from repomind.exports.run import export_rules
    from repomind.store import Store

    if not layout.index_db.exists():
        return []  # nothing was exported yet: `repomind export` will include the lessons
    try:
        store = Store.open(layout.index_db, readonly=True)
    except (RepomindError, OSError) as exc:
        report.warnings.append(f"rule files not refreshed: {exc}")
        return []
    try:
        exported = export_rules(layout, store, config, [], write=True, refresh_only=True)
    except RepomindError as exc:
        report.warnings.append(f"rule files not refreshed: {exc}")
        return []
    finally:
        store.close()
    return [o.path for o in exported.outcomes if o.status in ("created", "updated")]
