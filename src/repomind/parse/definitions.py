"""Definition captures -> ordered definitions: names, ranges, parents, method vs function."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from repomind.parse.nodes import end_row, node_start, node_text
from repomind.parse.patterns import CompiledQuery

if TYPE_CHECKING:
    from tree_sitter import Node

MAX_SYMBOLS = 5000

_CALLABLE = frozenset({"function", "method"})
# kinds that turn a nested function into a method, per language (default: _CLASSLIKE)
_CLASSLIKE = frozenset({"class", "interface", "enum", "type", "impl"})
_METHOD_PARENTS: dict[str, frozenset[str]] = {"ruby": _CLASSLIKE | {"module"}}
# kinds whose range parents the definitions inside them
_CONTAINERS = frozenset(
    {"class", "interface", "enum", "type", "impl", "module", "function", "method"}
)
_CONTAINERS_BY_LANG: dict[str, frozenset[str]] = {
    # `typedef struct {...} T;`: the typedef must not parent the struct
    "c": _CONTAINERS - {"type"},
    "cpp": _CONTAINERS - {"type"},
}
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
_GO_RECEIVER_WRAPPERS = ("pointer_type", "generic_type", "parenthesized_type")
_TEMPLATE_ARGS = re.compile(r"<[^<>]*>")


class Definition(NamedTuple):
    """One definition found by the query, before parents are assigned."""

    start: int  # byte range used for nesting
    end: int
    line: int  # 1-based
    end_line: int
    name: str
    kind: str  # repomind kind, or "impl" for a Rust impl block (a container only)
    node: Node  # the node the pattern captured
    range_node: Node  # the node whose extent is the definition's (C declarators widened)
    parent: str = ""  # explicit parent from the syntax (Go receiver, C++ `A::b`)


class Nested(NamedTuple):
    """A definition with its final kind and parent."""

    definition: Definition
    kind: str
    parent: str


def _strip_template_args(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _TEMPLATE_ARGS.sub("", text)
    return text


def _go_receiver(node: Node) -> str:
    receiver = node.child_by_field_name("receiver")
    if receiver is None:
        return ""
    for param in receiver.named_children:
        typ = param.child_by_field_name("type")
        while typ is not None and typ.type in _GO_RECEIVER_WRAPPERS:
            inner = typ.child_by_field_name("type")
            if inner is None:
                inner = typ.named_children[-1] if typ.named_children else None
            typ = inner
        if typ is not None:
            return node_text(typ)
    return ""


def _c_range(node: Node) -> Node:
    """For a C/C++ function_declarator: the definition/declaration that holds it."""
    parent = node.parent
    while parent is not None and parent.type in _DECLARATOR_WRAPPERS:
        parent = parent.parent
    if parent is not None and parent.type in _DECLARATION_TYPES:
        return parent
    return node


def _name_and_parent(
    language: str, kind: str, def_node: Node, name_node: Node
) -> tuple[str, str, str]:
    """(name, explicit parent, kind) for one definition; explicit parent "" if none."""
    name = node_text(name_node)
    if language == "go" and def_node.type == "method_declaration":
        return name, _go_receiver(def_node), "method"
    if name_node.type == "qualified_identifier":  # C++ `A::b`
        parts = [p.strip() for p in _strip_template_args(name).split("::")]
        parts = [p for p in parts if p]
        if len(parts) >= 2:
            return parts[-1], parts[-2], "method"
        return (parts[-1] if parts else name), "", "function"
    return name.strip(), "", kind


def _pair(outer: list[Node], inner: list[Node]) -> list[tuple[Node, Node]]:
    """Pair each captured definition/container node with its name node (same pattern).

    captures() lists are not in document order; sorted, they zip (each name lies inside its
    definition, before any nested definition). Otherwise pair by containment.
    """
    outer = sorted(outer, key=node_start)
    inner = sorted(inner, key=node_start)
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


def collect_definitions(
    language: str, compiled: CompiledQuery, get: Callable[[str], list[Node] | None]
) -> tuple[list[Definition], list[Node]]:
    """Definitions (and Rust impl containers) from one file's captures, plus their name nodes."""
    raw: dict[int, tuple[Node, Node, str, bool]] = {}
    for pattern in compiled.definitions:
        def_nodes = get(pattern.def_capture)
        if not def_nodes:
            continue
        for def_node, name_node in _pair(def_nodes, get(pattern.name_capture) or []):
            previous = raw.get(def_node.id)
            if previous is None or _overrides(pattern.kind, pattern.own, previous):
                raw[def_node.id] = (def_node, name_node, pattern.kind, pattern.own)

    defs: list[Definition] = []
    name_nodes: list[Node] = []
    c_like = language in ("c", "cpp")
    for def_node, name_node, raw_kind, _own in raw.values():
        name, parent, kind = _name_and_parent(language, raw_kind, def_node, name_node)
        if not name or len(name) > 200:
            continue
        if language == "python" and kind == "constant" and name.startswith("__"):
            continue
        if def_node.type == "mod_item" and def_node.child_by_field_name("body") is None:
            continue  # Rust `mod foo;` is an import (see imports.py), not a definition
        range_node = def_node
        if c_like and def_node.type == "function_declarator":
            range_node = _c_range(def_node)
        name_nodes.append(name_node)
        defs.append(
            Definition(
                range_node.start_byte,
                range_node.end_byte,
                range_node.start_point[0] + 1,
                end_row(range_node) + 1,
                name,
                kind,
                def_node,
                range_node,
                parent,
            )
        )
    for container_capture, name_capture in compiled.containers:
        nodes = get(container_capture)
        for node, name_node in _pair(nodes or [], get(name_capture) or []):
            name = _strip_template_args(node_text(name_node))
            defs.append(Definition(node.start_byte, node.end_byte, 0, 0, name, "impl", node, node))
    return defs, name_nodes


def nest(language: str, defs: list[Definition]) -> list[Nested]:
    """Parents by range nesting and function-vs-method, in file order (impl blocks dropped)."""
    container_kinds = _CONTAINERS_BY_LANG.get(language, _CONTAINERS)
    method_parents = _METHOD_PARENTS.get(language, _CLASSLIKE)
    c_like = language in ("c", "cpp")
    order = sorted(range(len(defs)), key=lambda i: (defs[i].start, -defs[i].end, i))
    stack: list[Definition] = []
    result: list[tuple[int, Nested]] = []
    for index in order:
        d = defs[index]
        while stack and not (d.start >= stack[-1].start and d.end <= stack[-1].end):
            stack.pop()
        enclosing = stack[-1] if stack else None
        if d.kind != "impl":
            kind, parent = d.kind, d.parent
            if parent:
                kind = "method" if kind in _CALLABLE else kind
            elif enclosing is not None:
                parent = enclosing.name
                if kind in _CALLABLE:
                    if (
                        c_like
                        and d.range_node.type == "declaration"
                        and enclosing.kind in _CALLABLE
                    ):
                        continue  # `Foo bar(baz);` inside a body: a variable, not a prototype
                    kind = "method" if enclosing.kind in method_parents else "function"
            elif kind == "method":
                kind = "function"
            result.append((index, Nested(d, kind, parent)))
        if d.kind in container_kinds or d.kind == "impl":
            stack.append(d)
    result.sort(key=lambda item: (item[1].definition.start, item[0]))
    return [nested for _, nested in result[:MAX_SYMBOLS]]
