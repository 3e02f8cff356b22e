"""Edit one rule file: only repomind's block changes; encoding, BOM, line endings and every
human line stay as they were. Symlinks and canonical-file conventions are respected."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from repomind.errors import UsageError
from repomind.exports.targets import Target
from repomind.fsutil import write_bytes_atomic
from repomind.memory.blocks import replace_block

BLOCK = "rules"
BOM = b"\xef\xbb\xbf"
_IMPORTS_AGENTS = re.compile(r"^\s*@(\./)?AGENTS\.md\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Outcome:
    path: str
    status: str  # created | updated | unchanged | skipped | error
    detail: str = ""
    diff: str = ""


def plan(root: Path, target: Target, content: str) -> tuple[Outcome, bytes | None]:
    """What writing `content` into `target` would do, and the new bytes (None: nothing)."""
    path = root / target.path
    if path.is_symlink():
        resolved = path.resolve()
        try:
            inside = resolved.relative_to(root.resolve()).as_posix()
        except ValueError:
            return Outcome(target.path, "skipped", "a symlink out of the repository"), None
        return Outcome(
            target.path, "skipped", f"a symlink to {inside}, which is kept instead"
        ), None
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raw = None
    except OSError as exc:
        return Outcome(target.path, "error", f"cannot read: {exc.strerror}"), None
    if raw is None:
        text = target.frontmatter
        bom = b""
    else:
        bom = BOM if raw.startswith(BOM) else b""
        try:
            text = raw[len(bom) :].decode("utf-8")
        except UnicodeDecodeError:
            return Outcome(target.path, "error", "not UTF-8 text; left as it is"), None
        if target.name == "claude" and _IMPORTS_AGENTS.search(text):
            return Outcome(target.path, "skipped", "imports AGENTS.md, which holds the block"), None
    try:
        updated = replace_block(text, BLOCK, content)
    except UsageError as exc:
        return Outcome(target.path, "error", f"{exc}; fix them by hand"), None
    new = bom + updated.encode("utf-8")
    if raw == new:
        return Outcome(target.path, "unchanged"), None
    diff = "".join(
        difflib.unified_diff(
            text.splitlines(keepends=True) if raw is not None else [],
            updated.splitlines(keepends=True),
            fromfile=f"a/{target.path}",
            tofile=f"b/{target.path}",
        )
    )
    return Outcome(target.path, "created" if raw is None else "updated", diff=diff), new


def has_block(root: Path, target: Target) -> bool:
    try:
        return b"<!-- repomind:begin " + BLOCK.encode() in (root / target.path).read_bytes()
    except OSError:
        return False


def apply(root: Path, outcome: Outcome, data: bytes) -> Outcome:
    path = root / outcome.path
    if path.exists() and not os.access(path, os.W_OK):
        return Outcome(outcome.path, "error", "read-only; left as it is")
    try:
        write_bytes_atomic(path, data)
    except OSError as exc:
        return Outcome(outcome.path, "error", f"cannot write: {exc.strerror}")
    return outcome
