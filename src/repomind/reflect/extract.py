"""Offline lesson extraction: every deterministic extractor run over one session, merged."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from repomind.reflect.extractors.cochange import cochange_lessons
from repomind.reflect.extractors.commands import command_lessons, confirmed_lessons
from repomind.reflect.extractors.common import relativize
from repomind.reflect.extractors.corrections import (
    correction_lessons,
    discouraged_commands,
    superseded_commands,
)
from repomind.reflect.extractors.loops import loop_lessons
from repomind.reflect.lesson import Lesson, one_line
from repomind.reflect.session import Session

EXTRACTORS = (
    command_lessons,
    confirmed_lessons,
    correction_lessons,
    cochange_lessons,
    loop_lessons,
)


def extract_lessons(session: Session, root: Path) -> list[Lesson]:
    """The lessons one session teaches, sorted by topic (one per topic; same input, same output).

    `root` is the repository: file paths become relative to it, files outside it are dropped.
    """
    root = Path(root)
    found: dict[str, Lesson] = {}
    for extractor in EXTRACTORS:
        for lesson in extractor(session, root):
            found.setdefault(lesson.topic, _without_machine_paths(lesson, session, root))
    # A command the user warned against in this session, or one the user then asked to replace
    # (and the agent did), is not confirmed by having passed.
    discouraged = discouraged_commands(session, root) | superseded_commands(session, root)
    # A command a command lesson already recommends is not confirmed a second time.
    discouraged |= {
        c for lesson in found.values() if lesson.kind == "command" for c in lesson.commands
    }
    lessons = [found[topic] for topic in sorted(found)]
    return [
        lesson
        for lesson in lessons
        if not (lesson.kind == "confirmed" and discouraged.intersection(lesson.commands))
    ]


def _without_machine_paths(lesson: Lesson, session: Session, root: Path) -> Lesson:
    """Text and quotes with the repo's absolute paths made relative and home dirs as `~`."""
    quotes = tuple(
        replace(e, quote=one_line(relativize(e.quote, session, root))) for e in lesson.evidence
    )
    return replace(lesson, text=relativize(lesson.text, session, root), evidence=quotes)
