"""Loop lessons: a file edited over and over, or a command failing again and again."""

from __future__ import annotations

import bisect
from pathlib import Path

from repomind.reflect.extractors.common import Run, evidence, repo_path, runs, telling_line
from repomind.reflect.lesson import Lesson, one_line
from repomind.reflect.session import Session, ToolCall

EDITS_FOR_LOOP = 4  # edits of one file in one session …
FAILED_ROUNDS_FOR_LOOP = 2  # … of which this many were each followed by a failing check
FAILURES_FOR_LOOP = 3  # the same command failing this often with the same error, or with no edit
TEXT_CHARS = 200


def loop_lessons(session: Session, root: Path) -> list[Lesson]:
    all_runs = runs(session, root)
    edits = _edits(session, root)
    edit_loops = _edit_loops(session, edits, all_runs)
    # A command that kept failing while a file was being fixed belongs to that file's loop.
    explained = {c for lesson in edit_loops for c in lesson.commands}
    command_loops = [
        lesson
        for lesson in _command_loops(session, all_runs, edits)
        if not explained.intersection(lesson.commands)
    ]
    return edit_loops + command_loops


def _edits(session: Session, root: Path) -> list[tuple[int, str]]:
    """(position, repo path) of every edit or write of a repo file, in order."""
    found = []
    for position, event in enumerate(session.events):
        if isinstance(event, ToolCall) and event.kind in ("edit", "write"):
            for path in event.file_paths:
                relative = repo_path(path, session, root)
                if relative:
                    found.append((position, relative))
    return found


def _failed_checks(all_runs: list[Run]) -> list[Run]:
    return [r for r in all_runs if not r.ok and r.finished and not r.transient and r.purpose]


def _edit_loops(
    session: Session, edits: list[tuple[int, str]], all_runs: list[Run]
) -> list[Lesson]:
    failed = _failed_checks(all_runs)
    checks = [r for r in all_runs if r.finished and r.purpose]
    check_positions = [r.position for r in checks]
    failed_positions = {r.position for r in failed}
    lessons = []
    for path in sorted({p for _, p in edits}):
        positions = [at for at, p in edits if p == path]
        if len(positions) < EDITS_FOR_LOOP:
            continue
        # A round: an edit of the file, then the next check run after it failed.
        failing_rounds = []
        for at in positions:
            index = bisect.bisect_right(check_positions, at)
            after = checks[index] if index < len(checks) else None
            if after is not None and after.position in failed_positions:
                failing_rounds.append(after)
        if len({r.position for r in failing_rounds}) < FAILED_ROUNDS_FOR_LOOP:
            continue  # many edits with checks passing between them is just a big change
        failure = failing_rounds[-1]
        line = telling_line(failure.output) or failure.normal
        text = one_line(
            f"`{path}` took {len(positions)} edits in one session while `{failure.normal}` kept"
            f" failing ({line}): read the failure closely before editing `{path}` again.",
            TEXT_CHARS,
        )
        lessons.append(
            Lesson(
                kind="loop",
                topic=f"loop:{path}",
                text=text,
                files=(path,),
                commands=(failure.normal,),
                evidence=(evidence(session, line),),
            )
        )
    return lessons


def _command_loops(
    session: Session, all_runs: list[Run], edits: list[tuple[int, str]]
) -> list[Lesson]:
    """The same command failing again and again: retried unchanged, or stuck on one error."""
    by_command: dict[str, list[Run]] = {}
    for run in _failed_checks(all_runs):
        by_command.setdefault(run.normal, []).append(run)
    passed = {r.normal for r in all_runs if r.ok}
    lessons = []
    for normal, failures in sorted(by_command.items()):
        if len(failures) < FAILURES_FOR_LOOP:
            continue
        lines = [telling_line(r.output) for r in failures]
        same_error = max(lines.count(line) for line in lines) >= FAILURES_FOR_LOOP
        first, last = failures[0].position, failures[-1].position
        retried = not any(first < at < last for at, _ in edits)
        if not (same_error or retried):
            continue  # the error changed as the code changed: progress, not a loop
        line = lines[-1] or normal
        outcome = "before it passed" if normal in passed else "and never passed"
        lessons.append(
            Lesson(
                kind="loop",
                topic=f"loop:{normal}",
                text=one_line(
                    f"`{normal}` failed {len(failures)} times in one session {outcome}; "
                    f"last error: {line}",
                    TEXT_CHARS,
                ),
                commands=(normal,),
                evidence=(evidence(session, line),),
            )
        )
    return lessons
