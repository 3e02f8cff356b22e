"""Co-change lessons: files one session had to edit together to finish its task."""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

from repomind.reflect.extractors import shell
from repomind.reflect.extractors.common import evidence, repo_path
from repomind.reflect.lesson import Lesson
from repomind.reflect.session import Session, ToolCall, UserMessage

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
    """Repo files the session changed and kept (agent dirs, lockfiles, outputs left out).

    A file reverted or deleted after its last edit (`git checkout -- f`, `git restore f`,
    `rm f`) was a wrong turn, not part of the change.
    """
    last_edit: dict[str, int] = {}
    reverted: dict[str, int] = {}
    for position, event in enumerate(session.events):
        if not isinstance(event, ToolCall):
            continue
        if event.kind == "shell" and event.command:
            for path in _reverted_paths(event.command):
                relative = repo_path(path, session, root)
                if relative:
                    reverted[relative] = position
            continue
        if event.kind not in ("edit", "write"):
            continue
        result = session.result_of(event.id)
        if result is not None and not result.ok:
            continue
        for path in event.file_paths:
            relative = repo_path(path, session, root)
            if relative and not _DERIVED.search(relative):
                last_edit.setdefault(relative, position)
                last_edit[relative] = position
    return [p for p, at in last_edit.items() if reverted.get(p, -1) < at]


def _reverted_paths(command: str) -> list[str]:
    paths = []
    for segment in shell.split_segments(command):
        argv = list(shell.core(segment).argv)
        if argv[:2] in (["git", "checkout"], ["git", "restore"], ["git", "rm"]):
            args = argv[2:]
        elif argv[:1] == ["rm"]:
            args = argv[1:]
        else:
            continue
        if "--" in args:
            args = args[args.index("--") + 1:]
        elif argv[:2] == ["git", "checkout"]:
            continue  # `git checkout <branch>` without `--` switches branches
        paths += [a for a in args if not a.startswith("-")]
    return paths


def _task(session: Session) -> str:
    for event in session.events:
        if isinstance(event, UserMessage) and not event.is_meta:
            return event.text
    return ""
