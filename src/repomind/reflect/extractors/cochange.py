"""Co-change lessons: files one session had to edit together to finish one task."""

from __future__ import annotations

import bisect
import re
from itertools import combinations
from pathlib import Path

from repomind.reflect.extractors import shell
from repomind.reflect.extractors.common import evidence, repo_path, runs, telling_line
from repomind.reflect.extractors.corrections import is_follow_up, not_to_edit
from repomind.reflect.lesson import Lesson, one_line
from repomind.reflect.session import Session, ToolCall, ToolResult, UserMessage

TEXT_CHARS = 200
MAX_FILES = 8  # more is a bulk change (rename, reformat): its pairs teach nothing
# Files no one edits by choice: lockfiles, generated and vendored output.
_DERIVED = re.compile(
    r"(?:^|/)(?:package-lock\.json|yarn\.lock|pnpm-lock\.yaml|poetry\.lock|uv\.lock|Cargo\.lock"
    r"|go\.sum|Gemfile\.lock|composer\.lock|Pipfile\.lock|bun\.lockb)$"
    r"|(?:^|/)(?:node_modules|dist|build|vendor|__pycache__|\.venv|venv|target|coverage)/"
    r"|\.min\.(?:js|css)$|\.(?:pyc|log|tmp|bak|orig|rej)$|\.snap$",
)


def cochange_lessons(session: Session, root: Path) -> list[Lesson]:
    lessons = []
    for task, files in tasks(session, root):
        if not 2 <= len(files) <= MAX_FILES:
            continue
        for a, b in combinations(sorted(files), 2):
            lessons.append(
                Lesson(
                    kind="cochange",
                    topic=f"cochange:{a}|{b}",
                    text=_pair_text(a, b),
                    files=(a, b),
                    evidence=(evidence(session, task),),
                )
            )
    return lessons


def _pair_text(a: str, b: str) -> str:
    long = f"`{a}` and `{b}` were edited together for one task: when one changes, check the other."
    return (
        long
        if len(long) <= TEXT_CHARS
        else one_line(f"`{a}` and `{b}` change together.", TEXT_CHARS)
    )


def tasks(session: Session, root: Path) -> list[tuple[str, list[str]]]:
    """(the prompt that set the task, repo files changed and kept for it), task by task.

    A new prompt starts a new task unless it follows up on the current one (a correction, "also
    …", "now …", or it names a file the task already edited). Wrong turns are not part of the
    change: a file reverted or deleted after its last edit (`git checkout -- f`, `git restore f`,
    `rm f`), a file whose edits were all undone by later edits, and a file whose every edit
    left the failing check failing with the same error.
    """
    results = {e.call_id: e for e in session.events if isinstance(e, ToolResult)}
    no_effect = _edits_without_effect(session, root) | _edits_undone(session, root)
    groups: list[tuple[str, dict[str, list[int]]]] = []
    reverted: dict[str, int] = {}
    for position, event in enumerate(session.events):
        if isinstance(event, UserMessage):
            if event.is_meta:
                continue
            current = groups[-1][1] if groups else {}
            if not groups or not (is_follow_up(event.text) or _names_any(event.text, current)):
                groups.append((event.text, {}))
            continue
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
        result = results.get(event.id)
        if result is not None and not result.ok:
            continue
        if not groups:
            groups.append(("", {}))
        for path in event.file_paths:
            relative = repo_path(path, session, root)
            if relative and not _DERIVED.search(relative):
                groups[-1][1].setdefault(relative, []).append(position)
    forbidden = not_to_edit(session, root)
    return [
        (
            task,
            [
                p
                for p, at in edits.items()
                if _reverted_at(p, reverted) < at[-1]
                and not all(a in no_effect for a in at)
                and not any(p == f or p.startswith(f.rstrip("/") + "/") for f in forbidden)
            ],
        )
        for task, edits in groups
        if edits
    ]


def _reverted_at(path: str, reverted: dict[str, int]) -> int:
    """When `path` or a directory holding it (`rm -r spec`) was last reverted or deleted."""
    return max(
        (at for p, at in reverted.items() if path == p or path.startswith(p.rstrip("/") + "/")),
        default=-1,
    )


def _edits_undone(session: Session, root: Path) -> set[int]:
    """Positions of string edits that a later edit of the same file exactly undid
    (old → new, then new → old): together they changed nothing."""
    done: dict[tuple[str, str, str], list[int]] = {}
    undone: set[int] = set()
    for at, event in enumerate(session.events):
        if not (isinstance(event, ToolCall) and event.kind == "edit" and event.file_paths):
            continue
        old, new = event.input.get("old_string"), event.input.get("new_string")
        if not isinstance(old, str) or not isinstance(new, str):
            continue
        path = repo_path(event.file_paths[0], session, root) or ""
        earlier = done.get((path, new, old))
        if earlier:
            undone.update((earlier.pop(), at))
        else:
            done.setdefault((path, old, new), []).append(at)
    return undone


def _edits_without_effect(session: Session, root: Path) -> set[int]:
    """Positions of edits that changed nothing a check could see: the check run before the edit
    and the one after it failed with the same error (a wrong turn, not part of the change)."""
    checks = [r for r in runs(session, root) if r.finished and r.purpose and not r.transient]
    positions = [r.position for r in checks]
    found = set()
    for at, event in enumerate(session.events):
        if not (isinstance(event, ToolCall) and event.kind in ("edit", "write")):
            continue
        index = bisect.bisect_left(positions, at)
        if index == 0 or index == len(checks):
            continue
        before, after = checks[index - 1], checks[index]
        if before.ok or after.ok or before.normal != after.normal:
            continue
        if telling_line(before.output) == telling_line(after.output):
            found.add(at)
    return found


def _names_any(text: str, files: dict[str, list[int]]) -> bool:
    lowered = text.lower()
    return any(
        path.lower() in lowered or path.rsplit("/", 1)[-1].lower() in lowered for path in files
    )


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
            args = args[args.index("--") + 1 :]
        # Without `--`, `git checkout x` may name a branch: harmless, only edited files count.
        paths += [a for a in args if not a.startswith("-")]
    return paths
