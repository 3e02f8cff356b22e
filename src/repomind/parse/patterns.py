"""Per-language tree-sitter queries: wheel tags.scm + repomind's own .scm files, compiled once.

Each language gets ONE combined query, run once per file with ``QueryCursor.captures()`` (one
tree walk, no per-match Python objects). To make flat captures usable, every pattern is
classified by the captures it uses and its captures are renamed:

* ``@definition.<kind>`` + ``@name`` -> ``@d.<i>`` + ``@n.<i>`` (i = pattern index), so the
  definition nodes and name nodes of one pattern are two parallel lists;
* ``@reference.<x>`` + ``@name``, or ``@ref`` -> ``@ref``;
* ``@import`` (the whole statement), ``@comment``, ``@package``, ``@namespace`` unchanged;
* ``@container.impl`` + ``@container`` (Rust ``impl``) -> ``@c.<i>`` + ``@cn.<i>``.

Patterns with no usable role (e.g. tags.scm ``@definition.field``) are left out.
"""

from __future__ import annotations

import re
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

from repomind.parse.languages import GRAMMARS, get_language

if TYPE_CHECKING:
    from tree_sitter import Query

# tags.scm capture suffix -> repomind kind (None: not a symbol we keep)
KIND_MAP: dict[str, str | None] = {
    "class": "class",
    "struct": "class",
    "union": "class",
    "function": "function",
    "method": "method",
    "interface": "interface",
    "trait": "interface",
    "module": "module",
    "namespace": None,
    "macro": "macro",
    "type": "type",
    "typedef": "type",
    "constant": "constant",
    "enum": "enum",
    "field": None,
    "variable": None,
    "property": None,
    "implementation": None,
}

_OWN = "repomind.parse"

# (package holding a queries/ directory, file name), in pattern-priority order.
_SOURCES: dict[str, tuple[tuple[str, str], ...]] = {
    "python": (("tree_sitter_python", "tags.scm"), (_OWN, "python.scm")),
    "javascript": (
        ("tree_sitter_javascript", "tags.scm"),
        (_OWN, "ecma.scm"),
        (_OWN, "javascript.scm"),
        (_OWN, "jsx.scm"),
    ),
    "typescript": (
        ("tree_sitter_javascript", "tags.scm"),
        ("tree_sitter_typescript", "tags.scm"),
        (_OWN, "ecma.scm"),
        (_OWN, "typescript.scm"),
    ),
    "tsx": (
        ("tree_sitter_javascript", "tags.scm"),
        ("tree_sitter_typescript", "tags.scm"),
        (_OWN, "ecma.scm"),
        (_OWN, "typescript.scm"),
        (_OWN, "jsx.scm"),
    ),
    "go": (("tree_sitter_go", "tags.scm"), (_OWN, "go.scm")),
    "rust": (("tree_sitter_rust", "tags.scm"), (_OWN, "rust.scm")),
    "java": (("tree_sitter_java", "tags.scm"), (_OWN, "java.scm")),
    "c": (("tree_sitter_c", "tags.scm"), (_OWN, "c.scm")),
    "cpp": (("tree_sitter_cpp", "tags.scm"), (_OWN, "cpp.scm")),
    "csharp": (("tree_sitter_c_sharp", "tags.scm"), (_OWN, "csharp.scm")),
    "ruby": (("tree_sitter_ruby", "tags.scm"), (_OWN, "ruby.scm")),
    "php": (("tree_sitter_php", "tags.scm"), (_OWN, "php.scm")),
    "bash": (("tree_sitter_bash", "tags.scm"), (_OWN, "bash.scm")),
}

# Our replacement when a wheel ships no tags.scm.
_FALLBACK_TAGS: dict[str, str] = {
    "tree_sitter_c_sharp": "csharp-tags.scm",
    "tree_sitter_bash": "bash-tags.scm",
}

# Wheel tags.scm patterns we leave out (matched against the pattern's text): reference
# patterns whose nodes our own, broader reference patterns already capture (a node must be
# captured once: references are counted), and tags we model differently.
_DROP: dict[str, tuple[str, ...]] = {
    # call names: python.scm captures every call name and attribute
    "python": (r"@reference\.call",),
    # member calls / `new X`: ecma.scm captures every member property and `new` target
    "javascript": (r"member_expression\s+property:.*@reference\.call",),
    "typescript": (
        r"member_expression\s+property:.*@reference\.call",
        r"type_annotation\s+\(type_identifier\)\s*@name\)\s*@reference\.type",
        r"new_expression\s+constructor:\s*\(identifier\)",
    ),
    "go": (r"@reference\.call",),
    "rust": (r"@reference\.implementation", r"field_expression"),
    "java": (r"@reference\.implementation", r"@reference\.class"),
    # every identifier/constant as a "call" (locals included): ruby.scm captures constants
    "ruby": (r"\[\s*\(identifier\)\s*\(constant\)\s*\]\s*@name\s*@reference\.call",),
    # namespaces go to ParsedFile.extra, not symbols
    "php": (r"namespace_definition",),
}
_DROP["tsx"] = _DROP["typescript"]

# The doc-comment machinery of tags.scm: we find doc comments ourselves (cheaper, uniform).
_DOC_PREFIX = re.compile(r"\(comment\)\*\s*@doc\s*\.")
_DOC_PREDICATES = re.compile(r"\(#(?:strip|select-adjacent|set-adjacent)!\s[^()]*\)")
_CAPTURE = re.compile(r"@([A-Za-z_][\w.]*)")
_STRING_OR_COMMENT = re.compile(r'"(?:\\.|[^"\\])*"|;[^\n]*')
_FIXED_ROLES = ("import", "comment", "package", "namespace")


class DefPattern(NamedTuple):
    """Capture names and meaning of one definition pattern."""

    def_capture: str  # "d.<i>"
    name_capture: str  # "n.<i>"
    kind: str
    own: bool  # from repomind's own files: refines a wheel's tags.scm for the same node


class CompiledQuery(NamedTuple):
    """A language's combined query and how to read its captures."""

    query: Query
    definitions: tuple[DefPattern, ...]  # in priority order
    containers: tuple[tuple[str, str], ...]  # ("c.<i>", "cn.<i>") pairs


def _read(package: str, name: str) -> tuple[str, bool]:
    """Text of `queries/<name>` in `package`, and whether it is one of our own files."""
    from importlib import resources  # lazy: ~10 ms of start-up the CLI rarely needs

    if package != _OWN:
        try:
            return (resources.files(package) / "queries" / name).read_text("utf-8"), False
        except (FileNotFoundError, ModuleNotFoundError, OSError):
            fallback = _FALLBACK_TAGS.get(package)
            if fallback is None:
                return "", False
            name = fallback
    return (resources.files(_OWN) / "queries" / name).read_text("utf-8"), True


def _strip_comments(text: str) -> str:
    return _STRING_OR_COMMENT.sub(lambda m: m.group(0) if m.group(0)[0] == '"' else "", text)


def _patterns(language: str, text: str) -> list[str]:
    """The top-level patterns of one query file, comments removed."""
    from tree_sitter import Query

    text = _strip_comments(text)
    if not text.strip():
        return []
    query = Query(get_language(language), text)
    encoded = text.encode("utf-8")
    return [
        encoded[query.start_byte_for_pattern(i) : query.end_byte_for_pattern(i)].decode("utf-8")
        for i in range(query.pattern_count)
    ]


def _sub_capture(pattern: str, old: str, new: str) -> str:
    return re.sub(r"@" + re.escape(old) + r"(?![\w.])", "@" + new, pattern)


def _rewrite(
    pattern: str, index: int, own: bool
) -> tuple[str, DefPattern | None, tuple[str, str] | None] | None:
    """(rewritten pattern, definition info, container info), or None to leave it out."""
    captures = set(_CAPTURE.findall(pattern))
    for cap in sorted(captures):
        if cap.startswith("definition."):
            kind = KIND_MAP.get(cap[len("definition.") :])
            if not kind or "name" not in captures:
                return None
            info = DefPattern(f"d.{index}", f"n.{index}", kind, own)
            pattern = _sub_capture(pattern, cap, info.def_capture)
            return _sub_capture(pattern, "name", info.name_capture), info, None
    references = [c for c in captures if c.startswith("reference.")]
    if references:
        for cap in references:
            pattern = re.sub(r"@" + re.escape(cap) + r"(?![\w.])", "", pattern)
        return _sub_capture(pattern, "name", "ref"), None, None
    if "container.impl" in captures and "container" in captures:
        pair = (f"c.{index}", f"cn.{index}")
        pattern = _sub_capture(pattern, "container.impl", pair[0])
        return _sub_capture(pattern, "container", pair[1]), None, pair
    if "ref" in captures or any(role in captures for role in _FIXED_ROLES):
        return pattern, None, None
    return None


@cache
def compiled_query(language: str) -> CompiledQuery:
    """The combined, rewritten query for `language` (compiled once per process)."""
    from tree_sitter import Query

    if language not in GRAMMARS:
        raise ValueError(f"unsupported language: {language!r}")
    drops = [re.compile(p, re.DOTALL) for p in _DROP.get(language, ())]
    out: list[str] = []
    definitions: list[DefPattern] = []
    containers: list[tuple[str, str]] = []
    for package, name in _SOURCES[language]:
        text, own = _read(package, name)
        if not own:
            text = _DOC_PREDICATES.sub("", _DOC_PREFIX.sub("", text))
        for pattern in _patterns(language, text):
            if not own and any(d.search(pattern) for d in drops):
                continue
            rewritten = _rewrite(pattern, len(out), own)
            if rewritten is None:
                continue
            text_out, info, pair = rewritten
            out.append(text_out)
            if info is not None:
                definitions.append(info)
            if pair is not None:
                containers.append(pair)
    query = Query(get_language(language), "\n".join(out))
    return CompiledQuery(query, tuple(definitions), tuple(containers))
