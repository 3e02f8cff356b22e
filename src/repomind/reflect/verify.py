"""Keeping lessons true and earning their place.

`stale_reason` checks what a lesson cites (files, symbols, the scripts and targets its commands
run) against the repository as it is now: a lesson citing something gone is withheld from agents
until a human or a new session confirms it. `Outcome` records, for each later session, whether a
lesson's situation came up and whether the advice was followed or the mistake repeated.
"""

from __future__ import annotations

import functools
import json
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from repomind.memory.lessons import Entry

_PATHLIKE = re.compile(
    r"^[\w.-]+(?:/[\w.@+-]+)+$|^[\w-]+\.(?:py|js|ts|sh|go|rb|rs|java|toml|json|ya?ml|cfg|ini|mk)$"
)


def stale_reason(entry: Entry, root: Path, defined: Callable[[str], bool] | None = None) -> str:
    """Why `entry` no longer holds ("" when everything it cites is still there)."""
    gone = [f for f in entry.files if not (root / f).exists()]
    if gone:
        return "cites a file that is gone: " + ", ".join(gone[:3])
    if defined is not None:
        missing = [s for s in entry.symbols if not defined(s)]
        if missing:
            return "cites a symbol no longer defined: " + ", ".join(missing[:3])
    for command in entry.commands:
        reason = _command_gone(command, root)
        if reason:
            return reason
    return ""


def _command_gone(command: str, root: Path) -> str:
    try:
        argv = shlex.split(command)
    except ValueError:
        return ""
    if not argv:
        return ""
    tool, args = Path(argv[0]).name, argv[1:]
    if tool in ("npm", "yarn", "pnpm", "bun") and args:
        script = args[1] if args[0] == "run" and len(args) > 1 else args[0]
        if args[0] == "run" or script not in _PACKAGE_BUILTINS:
            scripts = _package_scripts(root)
            if scripts is not None and script not in scripts:
                return f"runs a package script that is gone: {script}"
    if tool in ("make", "gmake") and args and not args[0].startswith("-"):
        targets = _make_targets(root)
        if targets is not None and args[0] not in targets:
            return f"runs a make target that is gone: {args[0]}"
    for arg in argv:
        path = arg.split("::", 1)[0]
        if path.startswith("./"):
            path = path[2:]
        if _PATHLIKE.match(path) and not path.startswith(("/", "-")) and not (root / path).exists():
            return f"runs a path that is gone: {path}"
    return ""


_PACKAGE_BUILTINS = frozenset(
    {"test", "install", "ci", "i", "add", "exec", "dlx", "x", "start", "publish", "audit", "why"}
)


def _package_scripts(root: Path) -> set[str] | None:
    text = _read_cached(root / "package.json")
    if text is None:
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    scripts = data.get("scripts") if isinstance(data, dict) else None
    return set(scripts) if isinstance(scripts, dict) else set()


def _make_targets(root: Path) -> set[str] | None:
    for name in ("GNUmakefile", "makefile", "Makefile"):
        text = _read_cached(root / name)
        if text is not None:
            return set(re.findall(r"^([A-Za-z0-9_./-]+)\s*:(?!=)", text, re.MULTILINE))
    return None


def _read_cached(path: Path) -> str | None:
    """A manifest's text, read once per version (many lessons ask about the same file)."""
    try:
        st = path.stat()
    except OSError:
        return None
    return _read_version(str(path), st.st_mtime_ns, st.st_size)


@functools.lru_cache(maxsize=16)
def _read_version(path: str, _mtime_ns: int, _size: int) -> str | None:
    try:
        return Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class SessionFacts:
    """What a later session did, as far as lessons care."""

    files_edited: frozenset[str]
    commands: tuple[tuple[str, bool | None], ...]  # (command, passed)
    topics: frozenset[str]  # topics of the lessons extracted from this session


Outcome = str  # "idle" | "met" | "followed" | "repeated"


def outcome(entry: Entry, facts: SessionFacts, purpose: Callable[[str], str | None]) -> Outcome:
    """Whether `entry`'s situation came up in a later session, and how it went."""
    if entry.topic in facts.topics:
        return "repeated"  # the same lesson had to be learned again
    if entry.kind == "command" and entry.topic.startswith("command:"):
        wanted = entry.topic.split(":", 1)[1]
        runs = [(c, ok) for c, ok in facts.commands if purpose(c) == wanted]
        if not runs:
            return "idle"
        avoided = _avoided_commands(entry)
        if any(ok is False and _norm(c) in avoided for c, ok in runs):
            return "repeated"
        if any(ok and _norm(c) in {_norm(x) for x in entry.commands} for c, ok in runs):
            return "followed"
        return "met"
    touched = set(entry.files) & facts.files_edited
    ran = {_norm(c) for c, _ in facts.commands} & {_norm(c) for c in entry.commands}
    if not touched and not ran:
        return "idle"
    if entry.kind == "cochange" and entry.files and set(entry.files) <= facts.files_edited:
        return "followed"
    return "met"


def _avoided_commands(entry: Entry) -> set[str]:
    """Commands quoted in the text that the lesson does not recommend."""
    quoted = {_norm(c) for c in re.findall(r"`([^`]+)`", entry.text)}
    return quoted - {_norm(c) for c in entry.commands}


def _norm(command: str) -> str:
    return " ".join(command.split())


@dataclass(slots=True)
class Stats:
    """Per lesson counts kept in .repomind/state/ (per machine, not committed: they churn)."""

    met: int = 0
    followed: int = 0
    repeated: int = 0
    idle: int = 0  # later sessions in a row where its situation did not come up


def load_stats(path: Path) -> dict[str, Stats]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    stats = {}
    if isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, dict):
                stats[str(key)] = Stats(
                    **{
                        k: int(v)
                        for k, v in value.items()
                        if k in Stats.__slots__ and isinstance(v, int)
                    }
                )
    return stats


def dump_stats(stats: dict[str, Stats]) -> str:
    data = {
        key: {"met": s.met, "followed": s.followed, "repeated": s.repeated, "idle": s.idle}
        for key, s in sorted(stats.items())
    }
    return json.dumps(data, indent=1, sort_keys=True) + "\n"


def record(stats: Stats, result: Outcome) -> None:
    if result == "idle":
        stats.idle += 1
        return
    stats.idle = 0
    stats.met += 1
    if result == "followed":
        stats.followed += 1
    elif result == "repeated":
        stats.repeated += 1


SHOWN_AT_ONCE = ("correction", "command")  # other kinds must recur before agents see them


def current_lessons(root: Path) -> list[Entry]:
    """The entries of the repository's lessons.md; none when it is missing or unreadable."""
    from repomind.errors import UsageError
    from repomind.layout import Layout
    from repomind.memory.lessons import read_lessons

    try:
        return read_lessons(Layout(root).lessons).entries
    except (UsageError, OSError, UnicodeDecodeError):
        return []


def lessons_for_agents(
    root: Path,
    limit: int,
    defined: Callable[[str], bool] | None = None,
    entries: list[Entry] | None = None,
) -> list[Entry]:
    """The lessons fit to show agents, strongest first: not stale, citations still true, and
    (for co-edits and pitfalls) seen in at least two sessions. A human's entry always qualifies.
    `entries`: lessons.md already read (default: read it)."""
    fit = [
        e
        for e in (current_lessons(root) if entries is None else entries)
        if not e.stale
        and e.kind != "confirmed"
        and (e.human or e.kind in SHOWN_AT_ONCE or e.seen >= 2)
        and not stale_reason(e, root, defined)
    ]
    fit.sort(key=lambda e: (-e.seen, _days(e.last_date), e.id))
    return fit[:limit]


def _days(date: str) -> int:
    """Newer dates sort first."""
    digits = date.replace("-", "")
    return -int(digits) if digits.isdigit() else 0


def sessions_confirmed(root: Path, entries: list[Entry] | None = None) -> list[Entry]:
    """`confirmed` lessons still true: commands that passed in sessions, most seen first."""
    fit = [
        e
        for e in (current_lessons(root) if entries is None else entries)
        if e.kind == "confirmed" and e.commands and not e.stale and not stale_reason(e, root)
    ]
    return sorted(fit, key=lambda e: (-e.seen, e.id))
