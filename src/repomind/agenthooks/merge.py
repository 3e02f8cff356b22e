"""Merging memory across branches: repomind's blocks never conflict, human text merges as usual.

`repomind merge-file BASE OURS THEIRS` is a git merge driver. It sets every repomind block in
the three versions to ours, so only human text can conflict, then runs `git merge-file`; the
post-merge hook regenerates the blocks from the merged index afterwards.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from repomind.fsutil import write_text_atomic
from repomind.memory.blocks import Block

_BLOCK = re.compile(r"<!-- repomind:begin ([\w.-]+) -->.*?<!-- repomind:end \1 -->", re.DOTALL)
ATTRIBUTES = (
    ".repomind/memory/*.md",
    "AGENTS.md",
    "CLAUDE.md",
    "GEMINI.md",
    ".github/copilot-instructions.md",
    ".cursor/rules/repomind.mdc",
    ".windsurf/rules/repomind.md",
    ".clinerules/repomind.md",
)
DRIVER = "repomind merge-file %O %A %B"
LEARNED_BLOCKS = ("lessons", "archive")


def _blocks(text: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in _BLOCK.finditer(text)}


def _with_blocks(text: str, blocks: dict[str, str]) -> str:
    return _BLOCK.sub(lambda m: blocks.get(m.group(1), m.group(0)), text)


def _find(text: str, name: str) -> Block | None:
    from repomind.errors import UsageError
    from repomind.memory.blocks import find_block

    try:
        return find_block(text, name)
    except UsageError:
        return None


def merge_file(base: Path, ours: Path, theirs: Path) -> int:
    """Merge into `ours` (git's %A) like a merge driver; 0 when clean, 1 on a human conflict."""
    texts = [p.read_text(encoding="utf-8", errors="surrogateescape") for p in (base, ours, theirs)]
    mine = _blocks(texts[1])
    learned = [name for name in LEARNED_BLOCKS if name in mine]
    if learned:
        # Learned memory is not regenerated from the index: both sides' lessons are kept.
        from repomind.memory.blocks import render_block
        from repomind.memory.lessons import merge_lesson_blocks

        for name in learned:
            inner = [b.inner if (b := _find(t, name)) else "" for t in texts]
            mine[name] = render_block(name, merge_lesson_blocks(*inner))
        write_text_atomic(ours, _with_blocks(texts[1], mine))
    for path, text in ((base, texts[0]), (theirs, texts[2])):
        write_text_atomic(path, _with_blocks(text, mine))
    proc = subprocess.run(
        [
            "git",
            "merge-file",
            "-L",
            "ours",
            "-L",
            "base",
            "-L",
            "theirs",
            str(ours),
            str(base),
            str(theirs),
        ],
        capture_output=True,
    )
    return 0 if proc.returncode == 0 else 1


def install_driver(root: Path) -> list[str]:
    """Configure the driver in this clone and mark memory and rule files in .gitattributes."""
    from repomind import gitrepo

    gitrepo.git(root, "config", "merge.repomind.name", "repomind memory and rule files")
    gitrepo.git(root, "config", "merge.repomind.driver", DRIVER)
    path = root / ".gitattributes"
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    present = {line.split()[0] for line in existing.splitlines() if "merge=repomind" in line}
    missing = [f"{pattern} merge=repomind" for pattern in ATTRIBUTES if pattern not in present]
    if missing:
        text = existing + ("" if not existing or existing.endswith("\n") else "\n")
        write_text_atomic(path, text + "\n".join(missing) + "\n")
    return missing


def uninstall_driver(root: Path) -> None:
    from repomind import gitrepo

    gitrepo.git(root, "config", "--remove-section", "merge.repomind", check=False)
    path = root / ".gitattributes"
    if not path.exists():
        return
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "merge=repomind" not in line]
    if kept != lines:
        if any(line.strip() for line in kept):
            write_text_atomic(path, "".join(kept))
        else:
            path.unlink()
