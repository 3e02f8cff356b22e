"""parse_source(): one file's bytes -> ParsedFile (definitions, references, imports, docs)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from repomind.parse import Import, ParsedFile, Symbol
from repomind.parse.definitions import collect_definitions, nest
from repomind.parse.doc_comments import CommentMap
from repomind.parse.imports import imports_from_node
from repomind.parse.languages import GRAMMARS, get_parser
from repomind.parse.nodes import node_start, node_text
from repomind.parse.patterns import compiled_query
from repomind.parse.references import count_references

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

# Pathological inputs (multi-MB minified lines, generated tables, binary junk): tree-sitter's
# error recovery and the query cursor get super-linear there, so large sources are parsed
# against a deadline and the query is skipped on huge or very wide-error trees. Such files get
# an empty ParsedFile with extra["skipped"] saying why.
PARSE_TIMEOUT_S = 3.0
LARGE_SOURCE = 1 << 20  # below this, parse directly (no deadline needed)
MAX_QUERY_NODES = 400_000
MAX_ERROR_CHILDREN = 20_000  # the query cursor is quadratic in an ERROR node's width
_CHUNK = 1 << 16


def parse_source(language: str, source: bytes) -> ParsedFile:
    """Parse one file. Never raises for any bytes; raises ValueError for an unknown language."""
    if language not in GRAMMARS:
        raise ValueError(f"unsupported language: {language!r}")
    try:
        return _parse(language, bytes(source))
    except Exception:  # last-resort guard: one odd file must never abort indexing
        return ParsedFile(language=language, has_errors=True, extra={"skipped": "internal error"})


def _parse_tree(language: str, source: bytes) -> Tree | None:
    """The syntax tree, or None when parsing ran out of time."""
    parser = get_parser(language)
    if len(source) < LARGE_SOURCE:
        return parser.parse(source)
    deadline = time.monotonic() + PARSE_TIMEOUT_S

    def read(offset: int, _point: object) -> bytes:
        return source[offset : offset + _CHUNK]

    def progress(_offset: int, _has_error: bool) -> bool:
        return time.monotonic() > deadline

    try:
        return parser.parse(read, progress_callback=progress)
    except ValueError:  # cancelled by the deadline
        parser.reset()
        return None


def _has_wide_error(root: Node) -> bool:
    """Whether an ERROR node with a huge number of children sits near the top of the tree."""
    frontier = [root]
    for _ in range(6):
        following: list[Node] = []
        for node in frontier:
            if node.type == "ERROR" and node.child_count > MAX_ERROR_CHILDREN:
                return True
            cursor = node.walk()
            if not cursor.goto_first_child():
                continue
            while True:
                child = cursor.node
                if child is not None and child.has_error:
                    following.append(child)
                if not cursor.goto_next_sibling():
                    break
        frontier = following[:64]
        if not frontier:
            break
    return False


def _csharp_namespace(node: Node) -> str:
    """Full C# namespace of a namespace declaration's name node (enclosing ones included)."""
    parts = ["".join(node_text(node).split())]
    parent = node.parent.parent if node.parent is not None else None
    while parent is not None:
        if parent.type == "namespace_declaration":
            name = parent.child_by_field_name("name")
            if name is not None:
                parts.append("".join(node_text(name).split()))
        parent = parent.parent
    return ".".join(reversed(parts))


def _extra(language: str, packages: list[Node], namespaces: list[Node]) -> dict[str, str]:
    """File facts for the resolver: Go/Java `package`, C#/PHP `namespace` (";"-joined)."""
    extra: dict[str, str] = {}
    if packages:
        extra["package"] = "".join(node_text(min(packages, key=node_start)).split())
    names: list[str] = []
    for node in sorted(namespaces, key=node_start):
        name = _csharp_namespace(node) if language == "csharp" else node_text(node).strip("\\ ")
        if name and name not in names:
            names.append(name)
    if names:
        extra["namespace"] = ";".join(names)
    return extra


def _parse(language: str, source: bytes) -> ParsedFile:
    from tree_sitter import QueryCursor

    tree = _parse_tree(language, source)
    if tree is None:
        return ParsedFile(language=language, has_errors=True, extra={"skipped": "parse timeout"})
    root = tree.root_node
    if root.descendant_count > MAX_QUERY_NODES:
        return ParsedFile(
            language=language, has_errors=root.has_error, extra={"skipped": "too many nodes"}
        )
    if root.has_error and _has_wide_error(root):
        return ParsedFile(language=language, has_errors=True, extra={"skipped": "error nodes"})

    compiled = compiled_query(language)
    captures = QueryCursor(compiled.query).captures(root)
    get = captures.get

    definitions, name_nodes = collect_definitions(language, compiled, get)
    comments = CommentMap(language, sorted(get("comment", ()), key=node_start), source)
    symbols = tuple(
        Symbol(
            n.definition.name,
            n.kind,
            n.definition.line,
            n.definition.end_line,
            n.parent,
            comments.doc_for(n.definition),
        )
        for n in nest(language, definitions)
    )
    imports: list[Import] = []
    for node in sorted(get("import", ()), key=node_start):
        imports.extend(imports_from_node(language, node))

    return ParsedFile(
        language=language,
        symbols=symbols,
        references=count_references(language, get("ref") or [], name_nodes),
        imports=tuple(imports),
        doc=comments.file_doc(root),
        comments=comments.other_text(),
        has_errors=root.has_error,
        extra=_extra(language, get("package") or [], get("namespace") or []),
    )
