"""A memory file: YAML frontmatter (`description`, `readonly`), a generated block, human text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from repomind.fsutil import write_text_atomic
from repomind.memory.blocks import replace_block

GENERATED = "generated"


@dataclass(frozen=True, slots=True)
class Frontmatter:
    fields: dict[str, object]
    body: str  # the text after the frontmatter


def split_frontmatter(text: str) -> Frontmatter:
    """Parse a leading `---` YAML block; a malformed one is treated as body text."""
    if not text.startswith("---"):
        return Frontmatter({}, text)
    lines = text.split("\n")
    if lines[0].strip() != "---":
        return Frontmatter({}, text)
    for i in range(1, len(lines)):
        if lines[i].strip() == "---":
            import yaml

            try:
                data = yaml.safe_load("\n".join(lines[1:i])) or {}
            except yaml.YAMLError:
                return Frontmatter({}, text)
            if not isinstance(data, dict):
                return Frontmatter({}, text)
            return Frontmatter(data, "\n".join(lines[i + 1 :]))
    return Frontmatter({}, text)


def is_readonly(path: Path) -> bool:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return split_frontmatter(text).fields.get("readonly") is True


def write_generated(path: Path, description: str, content: str) -> bool:
    """Put `content` in the file's generated block, keeping every human line around it.

    A new file gets frontmatter with `description`. A file whose frontmatter says
    `readonly: true` is left alone. Returns True when the file's bytes changed.
    """
    try:
        existing = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = None
    if existing is not None and split_frontmatter(existing).fields.get("readonly") is True:
        return False
    if existing is None:
        existing = f"---\ndescription: {description}\n---\n\n"
    updated = replace_block(existing, GENERATED, content)
    return write_text_atomic(path, updated)
