"""Managed blocks: the text between repomind's markers is repomind's; the rest is not.

Used for memory files and (later) agent rule files: text outside the block, line endings and a
file's other bytes are preserved exactly; a damaged block is never guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from repomind.errors import UsageError

BEGIN = "<!-- repomind:begin {name} -->"
END = "<!-- repomind:end {name} -->"
_ANY_MARKER = re.compile(r"<!-- repomind:(begin|end) ([\w.-]+) -->")


@dataclass(frozen=True, slots=True)
class Block:
    start: int  # offset of the begin marker
    end: int  # offset just past the end marker
    inner: str  # text between the markers, without the marker lines


def find_block(text: str, name: str) -> Block | None:
    """The block called `name`, None when absent; UsageError when its markers are damaged."""
    begin, end = BEGIN.format(name=name), END.format(name=name)
    starts = [m.start() for m in re.finditer(re.escape(begin), text)]
    ends = [m.start() for m in re.finditer(re.escape(end), text)]
    if not starts and not ends:
        return None
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        raise UsageError(
            f"the repomind:{name} markers are damaged (need exactly one begin before one end)"
        )
    inner_start = starts[0] + len(begin)
    newline = _line_ending(text)
    if text.startswith(newline, inner_start):
        inner_start += len(newline)
    return Block(starts[0], ends[0] + len(end), text[inner_start : ends[0]])


def _line_ending(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def render_block(name: str, content: str, newline: str = "\n") -> str:
    body = content if content.endswith("\n") or not content else content + "\n"
    body = body.replace("\r\n", "\n").replace("\n", newline)
    return f"{BEGIN.format(name=name)}{newline}{body}{END.format(name=name)}"


def replace_block(text: str, name: str, content: str) -> str:
    """`text` with block `name` holding `content`; appended at the end when absent."""
    newline = _line_ending(text) if text else "\n"
    block = find_block(text, name)
    rendered = render_block(name, content, newline)
    if block is None:
        if not text:
            return rendered + newline
        sep = (
            ""
            if text.endswith(newline * 2)
            else (newline if text.endswith(newline) else newline * 2)
        )
        return text + sep + rendered + newline
    return text[: block.start] + rendered + text[block.end :]
