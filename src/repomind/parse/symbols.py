"""parse_source(): one file's bytes -> ParsedFile (definitions, references, imports, docs)."""

from __future__ import annotations

import re
import time
from collections import Counter
from operator import attrgetter
from typing import TYPE_CHECKING, NamedTuple

from repomind.parse import Import, ParsedFile, Symbol
from repomind.parse.docs import collapse, comment_lines, doc_from_comments, is_license
from repomind.parse.docs import python_docstring as _python_docstring
from repomind.parse.imports import imports_from_node
from repomind.parse.languages import GRAMMARS, get_parser
from repomind.parse.queries import compiled_query
from repomind.parse.vocabulary import stop_names

if TYPE_CHECKING:
    from tree_sitter import Node, Tree

COMMENTS_CAP = 2000
MAX_REFERENCES = 4000
MAX_SYMBOLS = 5000
# Pathological inputs (multi-MB minified lines, huge generated tables): tree-sitter's error
# recovery and the query cursor get super-linear there, so parsing runs against a deadline and
# the query is skipped on very large trees (the file then has no symbols/references).
PARSE_TIMEOUT_S = 3.0
LARGE_SOURCE = 1 << 20
MAX_QUERY_NODES = 400_000
MAX_ERROR_CHILDREN = 20_000  # the query cursor is quadratic in an ERROR node's width
_CHUNK = 1 << 16

# kinds that turn a nested function into a method, per language (default: _CLASSLIKE)
_CALLABLE = frozenset({"function", "method"})
_CLASSLIKE = frozenset({"class", "interface", "enum", "type", "impl"})
_METHOD_PARENTS: dict[str, frozenset[str]] = {
    "ruby": _CLASSLIKE | {"module"},
}
# kinds whose range parents the definitions inside them
_CONTAINERS = frozenset(
    {"class", "interface", "enum", "type", "impl", "module", "function", "method"}
)
_CONTAINERS_BY_LANG: dict[str, frozenset[str]] = {
    # `typedef struct {...} T;`: the typedef must not parent the struct
    "c": _CONTAINERS - {"type"},
    "cpp": _CONTAINERS - {"type"},
}
# ancestors whose start also anchors a definition's doc comment (tried innermost first)
_DOC_WRAPPERS: dict[str, frozenset[str]] = {
    "javascript": frozenset({"export_statement", "lexical_declaration", "variable_declaration"}),
    "typescript": frozenset(
        {
            "export_statement",
            "lexical_declaration",
            "variable_declaration",
            "expression_statement",
            "ambient_declaration",
        }
    ),
    "go": frozenset({"type_declaration", "const_declaration", "var_declaration"}),
    "c": frozenset({"declaration", "type_definition", "function_definition"}),
    "cpp": frozenset(
        {"declaration", "type_definition", "function_definition", "template_declaration"}
    ),
    "php": frozenset({"const_declaration", "expression_statement"}),
    "bash": frozenset({"declaration_command"}),
    "python": frozenset({"decorated_definition", "expression_statement"}),
    "ruby": frozenset(),
}
_DOC_WRAPPERS["tsx"] = _DOC_WRAPPERS["typescript"]
# siblings between a doc comment and its definition (Rust `#[attr]`, C# `[Attr]` ...)
_ATTRIBUTE_SIBLINGS = frozenset({"attribute_item", "attribute_list", "decorator", "annotation"})
# C/C++: a function_declarator's definition range is its enclosing definition/declaration
_DECLARATOR_WRAPPERS = frozenset(
    {
        "pointer_declarator",
        "reference_declarator",
        "parenthesized_declarator",
        "attributed_declarator",
        "function_declarator",
    }
)
_DECLARATION_TYPES = frozenset({"function_definition", "declaration", "field_declaration"})
_TEMPLATE_ARGS = re.compile(r"<[^<>]*>")
_REF_NAME = re.compile(r"[A-Za-z_$\u00c0-\uffff][\w$]*[?!]?")
_NODE_TEXT = attrgetter("text")
_START = attrgetter("start_byte")
# node types of definition names that broad reference patterns also capture
_DEF_NAMES_IN_REFS: dict[str, frozenset[str]] = {
    "go": frozenset({"type_identifier"}),
    "rust": frozenset({"type_identifier"}),
    "typescript": frozenset({"type_identifier"}),
    "tsx": frozenset({"type_identifier"}),
    "c": frozenset({"type_identifier"}),
    "cpp": frozenset({"type_identifier", "namespace_identifier"}),
    "ruby": frozenset({"constant"}),
}
_SKIP_FILE_START = frozenset({"php_tag", "text", "shebang"})


class _Def(NamedTuple):
    start: int  # byte range used for nesting
    end: int
    line: int
    end_line: int
    name: str
    kind: str
    node: Node  # the definition node as captured
    range_node: Node


def _text(node: Node | None) -> str:
    if node is None:
        return ""
    raw = node.text
    return raw.decode("utf-8", "replace") if raw else ""


def _end_row(node: Node) -> int:
    """Last row a node really occupies (line comments may end at column 0 of the next row)."""
    row, col = node.end_point
    if col == 0 and row > node.start_point[0]:
        return row - 1
    return row


def _go_receiver(node: Node) -> str:
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return ""
    for param in receiver.named_children:
        typ = param.child_by_field_name("type")
        while typ is not None and typ.type in (
            "pointer_type",
            "generic_type",
            "parenthesized_type",
        ):
            inner = typ.child_by_field_name("type")
            typ = inner if inner is not None else (typ.named_children or [None])[-1]
        if typ is not None:
            return _text(typ)
    return ""


def _c_range(node: Node) -> Node:
    """For a C/C++ function_declarator: the definition/declaration that holds it."""
    parent = node.parent
    while parent is not None and parent.type in _DECLARATOR_WRAPPERS:
        parent = parent.parent
    if parent is not None and parent.type in _DECLARATION_TYPES:
        return parent
    return node


def _python_doc(node: Node) -> str:
    """Docstring of a Python module/class/def node ("" if none)."""
    body = node if node.type == "module" else node.child_by_field_name("body")
    if body is None:
        return ""
    for index in range(body.named_child_count):
        child = body.named_child(index)
        if child is None or child.type == "comment":
            continue
        if child.type == "expression_statement" and child.named_child_count == 1:
            string = child.named_child(0)
            if string is not None and string.type in ("string", "concatenated_string"):
                if string.type == "concatenated_string":
                    string = string.named_child(0)
                return _python_docstring(_text(string))
        return ""
    return ""


class _Comments:
    """The file's comment nodes, indexed by the row they end on, for doc-comment lookup."""

    def __init__(self, nodes: list[Node], source: bytes) -> None:
        self.nodes = nodes
        self.source = source
        self.used: set[int] = set()  # indexes consumed as docs or boilerplate
        self.by_end_row: dict[int, int] = {}
        self.start_rows: list[int] = []
        for index, node in enumerate(nodes):
            self.start_rows.append(node.start_point[0])
            self.by_end_row[_end_row(node)] = index

    def _own_line(self, node: Node) -> bool:
        column = node.start_point[1]  # bytes since the start of the line
        if column > 256:
            return False
        start = node.start_byte
        return not self.source[start - column : start].strip()

    def block_above(self, row: int) -> list[int]:
        """Indexes (file order) of the contiguous own-line comment block ending on row-1."""
        block: list[int] = []
        index = self.by_end_row.get(row - 1)
        while index is not None and index not in self.used:
            node = self.nodes[index]
            if not self._own_line(node):
                break
            block.append(index)
            index = self.by_end_row.get(self.start_rows[index] - 1)
        block.reverse()
        return block

    def texts(self, block: list[int]) -> list[str]:
        return [_text(self.nodes[i]) for i in block]


def _anchors(node: Node, wrappers: frozenset[str]) -> list[int]:
    """Rows above which a definition's doc comment may sit, innermost first."""
    rows = [node.start_point[0]]
    current = node
    parent = node.parent
    while parent is not None and parent.type in wrappers:
        current = parent
        rows.append(parent.start_point[0])
        parent = parent.parent
    sibling = current.prev_named_sibling
    while sibling is not None and sibling.type in _ATTRIBUTE_SIBLINGS:
        rows.append(sibling.start_point[0])
        sibling = sibling.prev_named_sibling
    return rows


def _doc_for(
    d: _Def, language: str, comments: _Comments, wrappers: frozenset[str], xml: bool
) -> str:
    if language == "python" and d.kind in ("class", "function", "method"):
        doc = _python_doc(d.node)
        if doc:
            return doc
    if not comments.nodes:
        return ""
    for row in _anchors(d.range_node, wrappers):
        block = comments.block_above(row)
        if block:
            doc = doc_from_comments(comments.texts(block), xml)
            if doc:
                comments.used.update(block)
                return doc
    return ""


def _name_and_parent(
    language: str, kind: str, def_node: Node, name_node: Node
) -> tuple[str, str, str]:
    """(name, explicit parent, kind) for one definition; explicit parent "" if none."""
    name = _text(name_node)
    if language == "go" and def_node.type == "method_declaration":
        return name, _go_receiver(def_node), "method"
    if name_node.type == "qualified_identifier":  # C++ `A::b`
        parts = [p.strip() for p in _strip_template_args(name).split("::")]
        parts = [p for p in parts if p]
        if len(parts) >= 2:
            return parts[-1], parts[-2], "method"
        return (parts[-1] if parts else name), "", "function"
    return name.strip(), "", kind


def _strip_template_args(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _TEMPLATE_ARGS.sub("", text)
    return text


def _collect_defs(
    language: str,
    raw_defs: dict[int, tuple[Node, Node, str, bool]],
    containers: list[tuple[Node, Node]],
) -> tuple[list[_Def], dict[int, str], list[Node]]:
    """Definitions with ranges, plus explicit parents and their name nodes."""
    defs: list[_Def] = []
    explicit_parent: dict[int, str] = {}
    name_nodes: list[Node] = []
    c_like = language in ("c", "cpp")
    for def_node, name_node, kind, _own in raw_defs.values():
        name, parent, kind = _name_and_parent(language, kind, def_node, name_node)
        if not name or len(name) > 200:
            continue
        if language == "python" and kind == "constant" and name.startswith("__"):
            continue
        if def_node.type == "mod_item" and def_node.child_by_field_name("body") is None:
            continue  # Rust `mod foo;` is an import (see imports.py), not a definition
        range_node = (
            _c_range(def_node) if c_like and def_node.type == "function_declarator" else def_node
        )
        name_nodes.append(name_node)
        d = _Def(
            range_node.start_byte,
            range_node.end_byte,
            range_node.start_point[0] + 1,
            _end_row(range_node) + 1,
            name,
            kind,
            def_node,
            range_node,
        )
        if parent:
            explicit_parent[len(defs)] = parent
        defs.append(d)
    for node, name_node in containers:
        name = _strip_template_args(_text(name_node))
        defs.append(_Def(node.start_byte, node.end_byte, 0, 0, name, "impl", node, node))
    return defs, explicit_parent, name_nodes


def _nest(
    language: str, defs: list[_Def], explicit_parent: dict[int, str]
) -> list[tuple[_Def, str, str]]:
    """Assign parents by range nesting and decide function vs method."""
    container_kinds = _CONTAINERS_BY_LANG.get(language, _CONTAINERS)
    method_parents = _METHOD_PARENTS.get(language, _CLASSLIKE)
    c_like = language in ("c", "cpp")
    order = sorted(range(len(defs)), key=lambda i: (defs[i].start, -defs[i].end, i))
    stack: list[_Def] = []
    result: list[tuple[_Def, str, str, int]] = []
    for index in order:
        d = defs[index]
        while stack and not (d.start >= stack[-1].start and d.end <= stack[-1].end):
            stack.pop()
        enclosing = stack[-1] if stack else None
        if d.kind != "impl":
            kind = d.kind
            parent = explicit_parent.get(index, "")
            if parent:
                kind = "method" if kind in ("function", "method") else kind
            elif enclosing is not None:
                parent = enclosing.name
                if kind in ("function", "method"):
                    if (
                        c_like
                        and d.range_node.type == "declaration"
                        and enclosing.kind in _CALLABLE
                    ):
                        continue  # `Foo bar(baz);` inside a body: a variable, not a prototype
                    kind = "method" if enclosing.kind in method_parents else "function"
            elif kind == "method":
                kind = "function"
            result.append((d, kind, parent, index))
        if d.kind in container_kinds or d.kind == "impl":
            stack.append(d)
    result.sort(key=lambda item: (item[0].start, item[3]))
    del result[MAX_SYMBOLS:]
    return [(d, kind, parent) for d, kind, parent, _ in result]


def _file_doc(language: str, root: Node, comments: _Comments, xml: bool) -> tuple[str, list[int]]:
    """The file doc (module docstring or header comment) and boilerplate comment indexes."""
    first_code = root.end_byte
    for index in range(root.child_count):
        child = root.child(index)
        if child is None or child.type in _SKIP_FILE_START:
            continue
        if child.type.endswith("comment") or child.type == "comment":
            continue
        first_code = child.start_byte
        break
    boilerplate: list[int] = []
    doc = ""
    if language == "python":
        doc = _python_doc(root)
    block: list[int] = []
    previous_row = -2
    header = [
        i
        for i, node in enumerate(comments.nodes)
        if node.start_byte < first_code and i not in comments.used
    ]
    blocks: list[list[int]] = []
    for i in header:
        if block and comments.start_rows[i] > previous_row + 1:
            blocks.append(block)
            block = []
        block.append(i)
        previous_row = _end_row(comments.nodes[i])
    if block:
        blocks.append(block)
    for blk in blocks:
        texts = comments.texts(blk)
        if is_license("\n".join(texts)):
            boilerplate.extend(blk)
            continue
        if not doc:
            doc = doc_from_comments(texts, xml)
            if doc:
                comments.used.update(blk)
    return doc, boilerplate


def _other_comments(comments: _Comments, skip: set[int]) -> str:
    parts: list[str] = []
    size = 0
    for index, node in enumerate(comments.nodes):
        if index in skip:
            continue
        text = collapse(" ".join(comment_lines(_text(node))), COMMENTS_CAP)
        if text:
            parts.append(text)
            size += len(text) + 1
            if size >= COMMENTS_CAP:
                break
    return collapse(" ".join(parts), COMMENTS_CAP)


def _references(
    language: str, ref_nodes: list[Node], def_names: list[Node]
) -> tuple[tuple[str, int], ...]:
    """(name, count) of referenced names, sorted; definition sites and noise left out.

    Reference patterns are written so that no node is captured twice; broad ones (every
    `type_identifier`, every Ruby constant) also capture the names of definitions, which are
    subtracted here.
    """
    counts = Counter(map(_NODE_TEXT, ref_nodes))
    overlap = _DEF_NAMES_IN_REFS.get(language)
    if overlap:
        for node in def_names:
            if node.type in overlap:
                raw = node.text
                if counts.get(raw, 0) > 0:
                    counts[raw] -= 1
    stop = stop_names(language)
    merged: dict[str, int] = {}
    for raw, count in counts.items():
        if count <= 0 or raw is None or len(raw) < 2 or len(raw) > 128:
            continue
        name = raw.decode("utf-8", "replace")
        if name in stop or _REF_NAME.fullmatch(name) is None:
            continue
        merged[name] = merged.get(name, 0) + count
    items = list(merged.items())
    if len(items) > MAX_REFERENCES:
        items.sort(key=lambda kv: (-kv[1], kv[0]))
        items = items[:MAX_REFERENCES]
    items.sort()
    return tuple(items)


def _namespace_of(node: Node) -> str:
    """Full C# namespace name of a namespace declaration's name node (outer ones included)."""
    parts = ["".join(_text(node).split())]
    parent = node.parent.parent if node.parent is not None else None
    while parent is not None:
        if parent.type == "namespace_declaration":
            name = parent.child_by_field_name("name")
            if name is not None:
                parts.append("".join(_text(name).split()))
        parent = parent.parent
    return ".".join(reversed(parts))


def _pair(outer: list[Node], inner: list[Node]) -> list[tuple[Node, Node]]:
    """Pair each captured definition/container node with its name node (same pattern).

    captures() lists are not in document order; sorted, they zip (each name lies inside its
    definition, before any nested definition). Otherwise pair by containment.
    """
    outer = sorted(outer, key=_START)
    inner = sorted(inner, key=_START)
    if len(outer) == len(inner):
        pairs = list(zip(outer, inner, strict=True))
        if all(d.start_byte <= n.start_byte and n.end_byte <= d.end_byte for d, n in pairs):
            return pairs
    pairs = []
    for node in outer:
        start, end = node.start_byte, node.end_byte
        for name in inner:
            if start <= name.start_byte and name.end_byte <= end:
                pairs.append((node, name))
                break
    return pairs


def _overrides(kind: str, own: bool, previous: tuple[Node, Node, str, bool]) -> bool:
    """Whether a second pattern matching the same definition node replaces the first.

    Our own patterns refine a wheel's tags.scm (Rust enum vs class, Go struct vs type), and any
    other kind beats "constant" (`const f = () => {}` is a function).
    """
    if kind == "constant":
        return False
    return previous[2] == "constant" or (own and not previous[3])


def parse_source(language: str, source: bytes) -> ParsedFile:
    """Parse one file. Never raises for any bytes; raises ValueError for an unknown language."""
    if language not in GRAMMARS:
        raise ValueError(f"unsupported language: {language!r}")
    try:
        return _parse(language, bytes(source))
    except Exception:  # last-resort guard: a file must never abort indexing
        return ParsedFile(language=language, has_errors=True)


def _parse_tree(language: str, source: bytes) -> Tree | None:
    """The syntax tree, or None when parsing ran out of time (huge pathological input)."""
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
    except ValueError:  # cancelled
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
    caps = QueryCursor(compiled.query).captures(root)
    get = caps.get

    raw_defs: dict[int, tuple[Node, Node, str, bool]] = {}
    for pattern in compiled.definitions:
        def_nodes = get(pattern.def_capture)
        if not def_nodes:
            continue
        for def_node, name_node in _pair(def_nodes, get(pattern.name_capture) or []):
            previous = raw_defs.get(def_node.id)
            if previous is not None and not _overrides(pattern.kind, pattern.own, previous):
                continue
            raw_defs[def_node.id] = (def_node, name_node, pattern.kind, pattern.own)
    containers: list[tuple[Node, Node]] = []
    for container_capture, name_capture in compiled.containers:
        nodes = get(container_capture)
        if nodes:
            containers.extend(_pair(nodes, get(name_capture) or []))

    imports: list[Import] = []
    for node in sorted(get("import", ()), key=_START):
        imports.extend(imports_from_node(language, node))

    extra: dict[str, str] = {}
    packages = get("package")
    if packages:
        extra["package"] = "".join(_text(min(packages, key=_START)).split())
    namespaces: list[str] = []
    for node in sorted(get("namespace", ()), key=_START):
        name = _namespace_of(node) if language == "csharp" else _text(node).strip().strip("\\")
        if name and name not in namespaces:
            namespaces.append(name)
    if namespaces:
        extra["namespace"] = ";".join(namespaces)

    defs, explicit_parent, name_nodes = _collect_defs(language, raw_defs, containers)
    nested = _nest(language, defs, explicit_parent)

    comments = _Comments(sorted(get("comment", ()), key=_START), source)
    wrappers = _DOC_WRAPPERS.get(language, frozenset())
    xml = language == "csharp"
    symbols = tuple(
        Symbol(
            d.name,
            kind,
            d.line,
            d.end_line,
            parent,
            _doc_for(d, language, comments, wrappers, xml),
        )
        for d, kind, parent in nested
    )
    file_doc, boilerplate = _file_doc(language, root, comments, xml)
    other = _other_comments(comments, comments.used | set(boilerplate))

    return ParsedFile(
        language=language,
        symbols=symbols,
        references=_references(language, get("ref") or [], name_nodes),
        imports=tuple(imports),
        doc=file_doc,
        comments=other,
        has_errors=root.has_error,
        extra=extra,
    )
