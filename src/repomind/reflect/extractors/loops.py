"""Loop lessons: a file edited over and over, or a command failing again and again."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from repomind.reflect.extractors.common import Run, evidence, repo_path, runs, telling_line
from repomind.reflect.lesson import Lesson, one_line
from repomind.reflect.session import Session

EDITS_FOR_LOOP = 4
FAILURES_FOR_LOOP = 3
TEXT_CHARS = 200


def loop_lessons(session: Session, root: Path) -> list[Lesson]:
    edit_loops = _edit_loops(session, root)
    # A command that kept failing while a file was being fixed belongs to that file's loop.
    explained = {c for lesson in edit_loops for c in lesson.commands}
    return edit_loops + [
        lesson for lesson in _command_loops(session, root)
        if not explained.intersection(lesson.commands)
    ]


def _edit_loops(session: Session, root: Path) -> list[Lesson]:
    all_runs = runs(session, root)
    counts: Counter[str] = Counter()
    last_edit: dict[str, int] = {}
    first_edit: dict[str, int] = {}
    for position, event in enumerate(session.events):
        if getattr(event, "kind", None) not in ("edit", "write"):
            continue
        for path in getattr(event, "file_paths", ()):
            relative = repo_path(path, session, root)
            if relative:
                counts[relative] += 1
                first_edit.setdefault(relative, position)
                last_edit[relative] = position
    lessons = []
    for path, count in sorted(counts.items()):
        if count < EDITS_FOR_LOOP:
            continue
        failures = [
            r for r in all_runs
            if not r.ok and r.finished and not r.transient and r.purpose
            and first_edit[path] < r.position < last_edit[path]
        ]
        if not failures:
            continue  # many edits with nothing failing in between is just a big change
        failure = failures[-1]
        line = telling_line(failure.output) or failure.normal
        text = one_line(
            f"`{path}` took {count} edits in one session while `{failure.normal}` kept failing"
            f" ({line}): read the failure closely before editing `{path}` again.",
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


def _command_loops(session: Session, root: Path) -> list[Lesson]:
    failures: dict[str, list[Run]] = {}
    passed: set[str] = set()
    for run in runs(session, root):
        if run.ok:
            passed.add(run.normal)
        elif run.finished and not run.transient and run.purpose:
            failures.setdefault(run.normal, []).append(run)
    lessons = []
    for normal, failed in sorted(failures.items()):
        if len(failed) < FAILURES_FOR_LOOP:
            continue
        line = telling_line(failed[-1].output) or normal
        outcome = "before it passed" if normal in passed else "and never passed"
        text = one_line(
            f"`{normal}` failed {len(failed)} times in one session {outcome}; last error: {line}",
            TEXT_CHARS,
        )
        lessons.append(
            Lesson(
                kind="loop",
                topic=f"loop:{normal}",
                text=text,
                commands=(normal,),
                evidence=(evidence(session, line),),
            )
        )
    return lessons
