"""`repomind hooks install|uninstall`: git hooks and agent hook settings, chained with what is
there. Only repomind's own entries are ever added or removed; commands carry no machine path
and do nothing (exit 0) for a teammate who has not installed repomind."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repomind import gitrepo
from repomind.errors import UsageError
from repomind.fsutil import write_text_atomic

GIT_HOOKS = ("post-commit", "post-merge", "post-checkout", "post-rewrite")
BEGIN = "# >>> repomind >>>"
END = "# <<< repomind <<<"
# Found however repomind was installed (pipx, uv tool, a venv on PATH); silent without it.
CONTEXT_COMMAND = "command -v repomind >/dev/null 2>&1 && repomind context || true"
GIT_BLOCK = f"""{BEGIN}
# refresh repomind's index and rule files in the background; never fails the git command
if command -v repomind >/dev/null 2>&1; then
  (repomind index -q && repomind export -q --refresh) >/dev/null 2>&1 </dev/null &
fi
{END}
"""
CLAUDE_EVENTS: dict[str, str | None] = {
    "SessionStart": None,
    "UserPromptSubmit": None,
    "PreToolUse": "Edit|Write|MultiEdit",
    "SessionEnd": None,
    "PreCompact": None,
}
CODEX_EVENTS: dict[str, str | None] = {"SessionStart": None, "UserPromptSubmit": None, "Stop": None}
# Gemini CLI (project .gemini/settings.json): BeforeAgent is its prompt event.
GEMINI_EVENTS: dict[str, str | None] = {
    "SessionStart": None,
    "BeforeAgent": None,
    "BeforeTool": "write_file|replace",
    "SessionEnd": None,
    "PreCompress": None,
}


@dataclass(frozen=True, slots=True)
class HookChange:
    path: str
    action: str  # installed | removed | unchanged


def install(
    root: Path, git: bool, claude: bool, codex: bool, shared: bool, gemini: bool = False
) -> list[HookChange]:
    return _apply(root, True, git, claude, codex, shared, gemini)


def uninstall(
    root: Path, git: bool, claude: bool, codex: bool, shared: bool, gemini: bool = False
) -> list[HookChange]:
    return _apply(root, False, git, claude, codex, shared, gemini)


def _apply(
    root: Path, add: bool, git: bool, claude: bool, codex: bool, shared: bool, gemini: bool
) -> list[HookChange]:
    from repomind.agenthooks.merge import install_driver, uninstall_driver

    changes: list[HookChange] = []
    if git:
        edit = _install_git_hook if add else _uninstall_git_hook
        changes += [edit(root, name) for name in GIT_HOOKS]
        if add:
            added = install_driver(root)
            changes.append(HookChange(".gitattributes", "installed" if added else "unchanged"))
        else:
            uninstall_driver(root)
    if claude:
        changes.append(_edit_settings(root, _claude_settings(root, shared), CLAUDE_EVENTS, add))
    if codex:
        changes.append(_edit_settings(root, root / ".codex" / "hooks.json", CODEX_EVENTS, add))
        changes.append(_codex_feature(root, add))
    if gemini:
        changes.append(_edit_settings(root, root / ".gemini" / "settings.json", GEMINI_EVENTS, add))
    return changes


CODEX_FEATURE = "codex_hooks = true  # added by repomind hooks install"


def _codex_feature(root: Path, add: bool) -> HookChange:
    """Codex reads hooks only behind `[features] codex_hooks = true` in .codex/config.toml.
    A line-level edit keeps the human's TOML (comments, order) exactly as it is."""
    path = root / ".codex" / "config.toml"
    rel = _rel(root, path)
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    lines = text.splitlines(keepends=True)
    if add:
        if any(line.split("#")[0].strip().startswith("codex_hooks") for line in lines):
            return HookChange(rel, "unchanged")  # the human already decided
        header = next((i for i, line in enumerate(lines) if line.strip() == "[features]"), None)
        if header is None:
            sep = (
                ""
                if not text or text.endswith("\n\n")
                else ("\n" if text.endswith("\n") else "\n\n")
            )
            text = text + sep + "[features]\n" + CODEX_FEATURE + "\n"
        else:
            lines.insert(header + 1, CODEX_FEATURE + "\n")
            text = "".join(lines)
        write_text_atomic(path, text)
        return HookChange(rel, "installed")
    kept = [line for line in lines if line.rstrip("\n") != CODEX_FEATURE]
    if kept == lines:
        return HookChange(rel, "unchanged")
    remaining = "".join(kept)
    if remaining.strip() in ("", "[features]"):
        path.unlink()
    else:
        write_text_atomic(path, remaining)
    return HookChange(rel, "removed")


def _claude_settings(root: Path, shared: bool) -> Path:
    return root / ".claude" / ("settings.json" if shared else "settings.local.json")


def hooks_dir(root: Path) -> Path:
    """Where git runs hooks from (honours core.hooksPath: husky, pre-commit users)."""
    out = gitrepo.git(root, "rev-parse", "--git-path", "hooks").decode().strip()
    path = Path(out)
    return path if path.is_absolute() else root / path


def _rel(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def _install_git_hook(root: Path, name: str) -> HookChange:
    path = hooks_dir(root) / name
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    if BEGIN in existing:
        return HookChange(_rel(root, path), "unchanged")
    if existing:
        text = existing if existing.endswith("\n") else existing + "\n"
        text += "\n" + GIT_BLOCK
    else:
        text = "#!/bin/sh\n" + GIT_BLOCK
    write_text_atomic(path, text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return HookChange(_rel(root, path), "installed")


def _uninstall_git_hook(root: Path, name: str) -> HookChange:
    path = hooks_dir(root) / name
    if not path.exists():
        return HookChange(_rel(root, path), "unchanged")
    text = path.read_text(encoding="utf-8")
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        return HookChange(_rel(root, path), "unchanged")
    end += len(END) + (1 if text[end + len(END) : end + len(END) + 1] == "\n" else 0)
    remaining = text[:start] + text[end:]
    if remaining.strip() in ("", "#!/bin/sh"):
        path.unlink()
    else:
        # Restore exactly what was there: we added "\n" + block after a final newline.
        if remaining.endswith("\n\n") and not text[:start].endswith("\n\n\n"):
            remaining = remaining[:-1]
        write_text_atomic(path, remaining)
    return HookChange(_rel(root, path), "removed")


def _edit_settings(root: Path, path: Path, events: dict[str, str | None], add: bool) -> HookChange:
    data = _read_settings(root, path)
    if data is None:
        if not add:
            return HookChange(_rel(root, path), "unchanged")
        data = {}
    before = json.dumps(data, sort_keys=True)
    hooks = data.setdefault("hooks", {})
    if not isinstance(hooks, dict):
        raise UsageError(f'{_rel(root, path)}: "hooks" is not an object; fix it by hand')
    for event, matcher in events.items():
        groups = hooks.get(event, [])
        if not isinstance(groups, list):
            raise UsageError(f"{_rel(root, path)}: hooks.{event} is not a list; fix it by hand")
        kept = [g for g in groups if not _is_ours(g)]
        if add:
            group: dict[str, Any] = {"hooks": [{"type": "command", "command": CONTEXT_COMMAND}]}
            if matcher:
                group = {"matcher": matcher, **group}
            kept.append(group)
        if kept:
            hooks[event] = kept
        else:
            hooks.pop(event, None)
    if not hooks:
        data.pop("hooks")
    if json.dumps(data, sort_keys=True) == before:
        return HookChange(_rel(root, path), "unchanged")
    if not data and not add:
        path.unlink()
    else:
        write_text_atomic(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return HookChange(_rel(root, path), "installed" if add else "removed")


def _is_ours(group: Any) -> bool:
    if not isinstance(group, dict):
        return False
    inner = group.get("hooks")
    return isinstance(inner, list) and any(
        isinstance(h, dict) and h.get("command") == CONTEXT_COMMAND for h in inner
    )


def _read_settings(root: Path, path: Path) -> dict[str, Any] | None:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {_rel(root, path)}: {exc}") from None
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        raise UsageError(
            f"{_rel(root, path)} is not valid JSON (line {exc.lineno}); fix it by hand, "
            "nothing was changed"
        ) from None
    if not isinstance(data, dict):
        raise UsageError(f"{_rel(root, path)} is not a JSON object; nothing was changed")
    return data


def is_executable(path: Path) -> bool:
    return os.access(path, os.X_OK)
