"""Co-change lessons: files one session had to edit together to finish its task."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

from repomind.reflect.extractors.common import evidence, repo_path
from repomind.reflect.lesson import Lesson
from repomind.reflect.session import Session, UserMessage

MAX_FILES = 8  # more is a bulk change (rename, reformat): its pairs teach nothing
# Files no one edits by choice: lockfiles, generated and vendored output.
_DERIVED = re.compile(
    r"(?:^|/)(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|uv\.lock|Cargo\.lock"
    r"|go\.sum|Gemfile\.lock|composer\.lock|Pipfile\.lock|bun\.lockb)$"
    r"|(?:^|/)(?:node_modules|dist|build|vendor|__pycache__|\.venv|venv|target|coverage)/"
    r"|\.min\.(?:js|css)$|\.(?:pyc|log|tmp|bak|orig|rej)$|\.snap$",
)


def cochange_lessons(session: Session, root: Path) -> list[Lesson]:
    files = edited_files(session, root)
    if not 2 <= len(files) <= MAX_FILES:
        return []
    quote = _task(session)
    lessons = []
    for a, b in combinations(sorted(files), 2):
        lessons.append(
            Lesson(
                kind="cochange",
                topic=f"cochange:{a}|{b}",
                text=f"`{a}` and `{b}` were edited together for one task: when one changes, "
                f"check the other.",
                files=(a, b),
                evidence=(evidence(session, quote),),
            )
        )
    return lessons


def edited_files(session: Session, root: Path) -> list[str]:
    """Repo files the session changed successfully (agent dirs, lockfiles, outputs left out)."""
    found: dict[str, None] = {}
    for call in session.tool_calls():
        if call.kind not in ("edit", "write"):
            continue
        result = session.result_of(call.id)
        if result is not None and not result.ok:
            continue
        for path in call.file_paths:
            relative = repo_path(path, session, root)
            if relative and not _DERIVED.search(relative):
                found.setdefault(relative)
    return list(found)


def _task(session: Session) -> str:
    for event in session.events:
        if isinstance(event, UserMessage) and not event.is_meta:
            return event.text
    return ""
