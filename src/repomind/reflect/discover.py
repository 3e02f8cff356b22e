"""Which agent transcripts on this machine belong to a repository, and which parser reads one."""

from __future__ import annotations

import os
import re
from pathlib import Path

from repomind.reflect.session import Session
from repomind.reflect.transcripts import aider, claude_code, codex, gemini
from repomind.reflect.transcripts.jsonl import read_objects

_HEAD_LINES = 20  # session_meta is a rollout's first line; a little slack for future versions


def claude_config_dir() -> Path:
    configured = os.environ.get("CLAUDE_CONFIG_DIR")
    return Path(configured).expanduser() if configured else Path.home() / ".claude"


def codex_home() -> Path:
    configured = os.environ.get("CODEX_HOME")
    return Path(configured).expanduser() if configured else Path.home() / ".codex"


def encode_claude_project(path: str | Path) -> str:
    """Claude Code's project folder name: every non-alphanumeric character becomes '-'."""
    return re.sub(r"[^A-Za-z0-9]", "-", str(path))


def discover_sessions(root: str | Path) -> list[tuple[str, Path]]:
    """(agent, transcript path) for every session whose working directory is inside `root`."""
    root = Path(root).resolve()
    found = [(claude_code.AGENT, p) for p in _claude_sessions(root)]
    found += [(codex.AGENT, p) for p in _codex_sessions(root)]
    found += [(gemini.AGENT, p) for p in gemini.session_files(root)]
    if (root / aider.HISTORY_FILE).is_file():
        found.append((aider.AGENT, root / aider.HISTORY_FILE))  # one file, many sessions
    return sorted(found)


def parse_any(path: str | Path) -> Session | None:
    """Parse a transcript with the parser its content calls for; None if neither knows it."""
    for record in read_objects(path, max_lines=_HEAD_LINES):
        if codex.looks_like(record):
            return codex.parse(path)
        if gemini.looks_like(record):  # before Claude Code: both write a sessionId
            return gemini.parse(path)
        if claude_code.looks_like(record):
            return claude_code.parse(path)
    if aider.looks_like(path):
        return aider.parse(path)  # the latest of the file's sessions
    if gemini.looks_like_legacy(path):
        return gemini.parse(path)
    return None


def parse_sessions(path: str | Path) -> list[Session]:
    """Every session a transcript holds: an Aider history holds many, other formats one."""
    if aider.looks_like(path):
        return aider.parse_all(path)
    session = parse_any(path)
    return [session] if session is not None else []


def _claude_sessions(root: Path) -> list[Path]:
    projects = claude_config_dir() / "projects"
    encoded = encode_claude_project(root)
    try:
        folders = [p for p in projects.iterdir() if p.is_dir()]
    except OSError:
        return []
    sessions = []
    for folder in folders:
        if folder.name == encoded:
            sessions += _jsonl_files(folder)
        elif folder.name.startswith(encoded + "-"):
            # A subdirectory of root, or a sibling such as root-old: the transcript's cwd decides.
            sessions += [p for p in _jsonl_files(folder) if _inside(_claude_cwd(p), root)]
    return sessions


def _jsonl_files(folder: Path) -> list[Path]:
    # Only the folder's own files: memory/, subagents/ and tool-results/ are not sessions.
    try:
        return [p for p in folder.glob("*.jsonl") if p.is_file()]
    except OSError:
        return []


def _claude_cwd(path: Path) -> str | None:
    for record in read_objects(path, max_lines=_HEAD_LINES):
        cwd = record.get("cwd")
        if isinstance(cwd, str) and cwd:
            return cwd
    return None


def _codex_sessions(root: Path) -> list[Path]:
    sessions = codex_home() / "sessions"
    if not sessions.is_dir():
        return []
    found = []
    for path in sessions.rglob("rollout-*.jsonl"):
        if not path.is_file():
            continue
        cwd = next(
            (c for r in read_objects(path, max_lines=_HEAD_LINES) if (c := codex.session_cwd(r))),
            None,
        )
        if _inside(cwd, root):
            found.append(path)
    return found


def _inside(cwd: str | None, root: Path) -> bool:
    if not cwd:
        return False
    try:
        return Path(cwd).resolve().is_relative_to(root)
    except (OSError, ValueError, RuntimeError):
        return False
