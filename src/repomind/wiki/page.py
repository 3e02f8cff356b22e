"""A wiki page file: frontmatter (`description`, `generator`, `sources`), a managed block, and
whatever a human wrote around it; plus how stale a page is against the current sources.

The frontmatter is repomind's (keys a human added are kept, sorted after ours); the generated
text lives in the `wiki` managed block; text outside the block is never touched and a page whose
frontmatter says `readonly: true` is never rewritten.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from repomind.fsutil import write_text_atomic
from repomind.memory.blocks import find_block, replace_block
from repomind.memory.document import Frontmatter, split_frontmatter

BLOCK = "wiki"
SKELETON = "skeleton"
HASH_CHARS = 12
OWN_KEYS = ("description", "generator", "sources")


@dataclass(frozen=True, slots=True)
class PageState:
    """What an existing page file says about itself."""

    description: str
    generator: str
    sources: dict[str, str]
    readonly: bool
    body: str  # the generated block's text ("" when the block is missing)
    human: bool  # there is text outside the generated block
    extra: dict[str, object] = field(default_factory=dict)


def read_page(path: Path) -> PageState | None:
    """The page's state; None when the file does not exist or is not readable text."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    front = _frontmatter(text)
    data = front.fields
    raw = data.get("sources")
    sources = {str(k): str(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    try:
        block = find_block(front.body, BLOCK)
    except Exception:  # damaged markers: the page is treated as a human's
        block = None
    outside = front.body
    if block is not None:
        outside = front.body[: block.start] + front.body[block.end :]
    return PageState(
        description=str(data.get("description") or ""),
        generator=str(data.get("generator") or ""),
        sources=sources,
        readonly=data.get("readonly") is True,
        body=block.inner if block is not None else "",
        human=bool(outside.strip()),
        extra={k: v for k, v in data.items() if k not in OWN_KEYS},
    )


_KEY = re.compile(r"^([A-Za-z_][\w-]*): (.+)$")
_SOURCE = re.compile(r'^  ("(?:[^"\\]|\\.)*"): ("[0-9a-f]*")$')


def _frontmatter(text: str) -> Frontmatter:
    """Frontmatter as `render_frontmatter` writes it, read without YAML (a page with hundreds
    of sources costs ~30 ms in PyYAML); anything else goes through the YAML parser."""
    fast = _own_frontmatter(text)
    return fast if fast is not None else split_frontmatter(text)


def _own_frontmatter(text: str) -> Frontmatter | None:
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 3)
    if end < 0:
        return None
    lines = text[4:end].split("\n")
    data: dict[str, object] = {}
    i = 0
    while i < len(lines):
        if lines[i] == "sources:":
            sources: dict[str, str] = {}
            i += 1
            while i < len(lines) and lines[i].startswith("  "):
                match = _SOURCE.match(lines[i])
                if match is None:
                    return None
                sources[json.loads(match.group(1))] = json.loads(match.group(2))
                i += 1
            data["sources"] = sources
            continue
        key = _KEY.match(lines[i])
        if key is None:
            return None
        try:
            value = json.loads(key.group(2))
        except ValueError:
            return None
        if isinstance(value, (dict, list)) and value:
            return None
        data[key.group(1)] = value
        i += 1
    return Frontmatter(data, text[end + 5 :])


def source_hashes(files: list[str], file_hash: Mapping[str, str]) -> dict[str, str]:
    """path -> short content hash for the files a page was written from."""
    return {p: file_hash[p][:HASH_CHARS] for p in sorted(files) if p in file_hash}


def render_frontmatter(
    description: str, generator: str, sources: Mapping[str, str], extra: Mapping[str, object]
) -> str:
    lines = ["---", f"description: {json.dumps(description, ensure_ascii=False)}"]
    lines.append(f"generator: {json.dumps(generator)}")
    if sources:
        lines.append("sources:")
        for path in sorted(sources):
            lines.append(f"  {json.dumps(path, ensure_ascii=False)}: {json.dumps(sources[path])}")
    else:
        lines.append("sources: {}")
    if extra:
        import yaml

        dumped = yaml.safe_dump(dict(extra), sort_keys=True, allow_unicode=True)
        lines += dumped.rstrip("\n").split("\n")
    lines.append("---")
    return "\n".join(lines) + "\n"


def page_text(
    existing: str | None,
    description: str,
    generator: str,
    sources: Mapping[str, str],
    content: str,
) -> str:
    """The page's new text: our frontmatter and block, everything else from `existing`."""
    extra: dict[str, object] = {}
    body = "\n"
    if existing is not None:
        front = _frontmatter(existing)
        extra = {k: v for k, v in front.fields.items() if k not in OWN_KEYS}
        body = front.body if front.fields else existing
        if not body.startswith("\n"):
            body = "\n" + body
    updated = replace_block(body, BLOCK, content)  # damaged markers: UsageError, no guess
    return render_frontmatter(description, generator, sources, extra) + updated


def write_page(
    path: Path, description: str, generator: str, sources: Mapping[str, str], content: str
) -> bool:
    """Write one page (human text kept, read-only pages left alone); True when bytes changed."""
    try:
        existing: str | None = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        existing = None
    except (OSError, UnicodeDecodeError):
        return False
    if existing is not None and _frontmatter(existing).fields.get("readonly") is True:
        return False
    return write_text_atomic(path, page_text(existing, description, generator, sources, content))


def file_weight(rank: float, top: float) -> float:
    """How much a source file counts towards a page's staleness: central files count more."""
    return 0.25 + (math.sqrt(rank / top) if top > 0 else 0.0)


def changed_share(
    recorded: Mapping[str, str], current: Mapping[str, str], weights: Mapping[str, float]
) -> float:
    """Share (by weight) of a page's sources that changed, appeared or disappeared since it was
    written: 0.0 unchanged, 1.0 nothing in common."""
    if not recorded:
        return 1.0
    mean = sum(weights.get(p, 0.25) for p in current) / len(current) if current else 0.25
    total = changed = 0.0
    for path in set(recorded) | set(current):
        weight = weights.get(path, mean)
        total += weight
        if recorded.get(path) != current.get(path):
            changed += weight
    return changed / total if total else 0.0
