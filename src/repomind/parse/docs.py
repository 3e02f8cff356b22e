"""Comment and docstring text: strip markers, keep the first paragraph, collapse, cap."""

from __future__ import annotations

import re

DOC_CAP = 300

_WS = re.compile(r"\s+")
# leading markers of one comment line: `///`, `//!`, `//`, `#`, ` * ` ...
_LINE_MARKER = re.compile(r"^\s*(?:/{2,}[!/<]?|#+|\*+(?!/))?[ \t]?")
_BLOCK_OPEN = re.compile(r"^\s*/\*+[!<]?")
_BLOCK_CLOSE = re.compile(r"\*+/\s*$")
_RUBY_BLOCK = re.compile(r"^=(?:begin|end)\b.*$", re.MULTILINE)
_XML_CREF = re.compile(
    r"<(?:see|seealso|paramref|typeparamref)\s+(?:cref|name|langword)=\"([^\"]*)\"\s*/>"
)
_XML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_JSDOC_TAG_LINE = re.compile(r"^\s*@\w")
# tool directives and file-magic lines that are never documentation
_DIRECTIVE = re.compile(
    r"^\s*(?:-\*-|frozen_string_literal:|(?:en)?coding[:=]|go:\S|\+build\b|nolint\b|"
    r"eslint[-\s]|@ts-|prettier-ignore|pylint:|type:\s*ignore|noqa\b|vim?:|rubocop:|"
    r"shellcheck\s|jshint\b|istanbul\s|c8\s|clang-format\s|NOLINT|#?(?:end)?region\b|"
    r"pragma\b|@flow\b|@jsx\b|<reference\s|fmt:\s|isort:|mypy:|pyright:|typed:)",
    re.IGNORECASE,
)
_LICENSE = re.compile(r"copyright|licen[cs]e|spdx-", re.IGNORECASE)
_PY_STRING_PREFIX = re.compile(r"^[rRuUbBfF]{0,2}(\"\"\"|'''|\"|')")


def comment_lines(text: str) -> list[str]:
    """The text lines of one raw comment, markers and tool directives removed."""
    if text.startswith("=begin"):
        text = _RUBY_BLOCK.sub("", text)
    block = _BLOCK_OPEN.match(text) is not None
    if block:
        text = _BLOCK_CLOSE.sub("", _BLOCK_OPEN.sub("", text, count=1))
    lines: list[str] = []
    for raw in text.splitlines():
        if raw.startswith("#!"):
            continue
        line = _LINE_MARKER.sub("", raw, count=1) if not block or raw.lstrip()[:1] == "*" else raw
        if _DIRECTIVE.match(line):
            continue
        lines.append(line.rstrip())
    return lines


def first_paragraph(lines: list[str], cap: int = DOC_CAP) -> str:
    """First paragraph of already marker-free lines: up to a blank line or a @tag line."""
    kept: list[str] = []
    for line in lines:
        if not line.strip() or _JSDOC_TAG_LINE.match(line):
            if kept:
                break
            continue
        kept.append(line)
    return collapse(" ".join(kept), cap)


def collapse(text: str, cap: int) -> str:
    """Whitespace-collapsed `text`, cut at a word boundary to at most `cap` characters."""
    text = _WS.sub(" ", text).strip()
    if len(text) > cap:
        cut = text[: cap - 1]
        space = cut.rfind(" ")
        text = (cut[:space] if space > cap // 2 else cut) + "…"
    return text


def doc_from_comments(texts: list[str], xml: bool = False) -> str:
    """Doc text from a contiguous block of raw comments (in file order)."""
    lines: list[str] = []
    for text in texts:
        lines.extend(comment_lines(text))
    if xml:
        joined = "\n".join(lines)
        if "<summary>" in joined:
            start = joined.index("<summary>") + len("<summary>")
            end = joined.find("</summary>", start)
            joined = joined[start : end if end >= 0 else len(joined)]
        joined = _XML_TAG.sub("", _XML_CREF.sub(r"\1", joined))
        lines = joined.split("\n")
    return first_paragraph(lines)


def is_license(text: str) -> bool:
    """Whether a comment block looks like license/copyright boilerplate."""
    return _LICENSE.search(text) is not None


def python_docstring(literal: str) -> str:
    """First paragraph of a Python string literal used as a docstring."""
    m = _PY_STRING_PREFIX.match(literal)
    if m is None:
        return ""
    quote = m.group(1)
    body = literal[m.end() :]
    if body.endswith(quote):
        body = body[: -len(quote)]
    return first_paragraph(body.splitlines())
