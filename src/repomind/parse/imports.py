"""Import statements -> `Import` records, one small walker per language.

Conventions (what `Import.module` / `Import.names` hold beyond "as written"):

* Python: `module` is the dotted name without leading dots, `level` the number of dots;
  `from x import a, b` -> names ("a", "b"); `from x import *` -> names ("*",).
* JS/TS: `module` is the specifier; names are the imported binding names (the local name for a
  default import, the exported name for `{a as b}`, "*" for namespace / `export *`).
* Rust: `use a::b::{c, d}` -> module "a::b", names ("c", "d"); `use a::b` -> module "a::b";
  `use a::*` -> module "a", names ("*",); `mod foo;` -> module "mod:foo";
  `extern crate foo;` -> module "foo".
* Java: `import a.b.C;` -> "a.b.C"; `import a.b.*;` -> "a.b", names ("*",);
  `import static a.b.C.m;` -> "a.b.C", names ("m",).
* C/C++: `#include "x.h"` -> "x.h"; `#include <x.h>` -> "x.h", names ("<system>",).
* C#: `using A.B;` / `using static A.B;` / `using X = A.B;` -> "A.B".
* Ruby: `require 'x'` -> "x"; `require_relative 'x'` -> "x", names ("<relative>",).
* PHP: `use A\\B\\C;` -> "A\\B\\C" (group uses expand to one Import per class);
  include/require -> the path, names ("<include>",); `__DIR__ . '/x.php'` -> "./x.php".
* Bash: `source x` / `. x` -> "x" (quotes removed, variables kept as written).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from repomind.parse import Import
from repomind.parse.nodes import node_text as _text

if TYPE_CHECKING:
    from tree_sitter import Node

SYSTEM = "<system>"
RELATIVE = "<relative>"
INCLUDE = "<include>"
MOD_PREFIX = "mod:"


def _line(node: Node) -> int:
    return node.start_point[0] + 1


def _unquote(text: str) -> str:
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "\"'`":
        return text[1:-1]
    return text


def _python(node: Node) -> list[Import]:
    line = _line(node)
    if node.type == "import_statement":
        out = []
        for child in node.children_by_field_name("name"):
            target = child.child_by_field_name("name") if child.type == "aliased_import" else child
            module = "".join(_text(target).split())
            if module:
                out.append(Import(module, line))
        return out
    module_node = node.child_by_field_name("module_name")
    level = 0
    module = ""
    if module_node is not None:
        if module_node.type == "relative_import":
            for part in module_node.named_children:
                if part.type == "import_prefix":
                    level = _text(part).count(".")
                else:
                    module = _text(part)
        else:
            module = _text(module_node)
    names: list[str] = []
    for child in node.children_by_field_name("name"):
        target = child.child_by_field_name("name") if child.type == "aliased_import" else child
        names.append("".join(_text(target).split()))
    if not names and any(c.type == "wildcard_import" for c in node.named_children):
        names.append("*")
    return [Import("".join(module.split()), line, tuple(n for n in names if n), level)]


def _first_string_argument(node: Node) -> Node | None:
    arguments = node.child_by_field_name("arguments")
    if arguments is None:
        return None
    for child in arguments.named_children:
        if child.type in ("string", "argument"):
            return child
        if child.type not in ("comment",):
            return None
    return None


def _ecma(node: Node) -> list[Import]:
    if node.type == "call_expression":  # require('x') / import('x')
        source = _first_string_argument(node)
    else:
        source = node.child_by_field_name("source")
    if source is None:
        return []
    module = _unquote(_text(source))
    names: list[str] = []
    for child in node.named_children:
        if child.type == "import_clause":
            for part in child.named_children:
                if part.type == "identifier":
                    names.append(_text(part))
                elif part.type == "namespace_import":
                    names.append("*")
                elif part.type == "named_imports":
                    for spec in part.named_children:
                        if spec.type == "import_specifier":
                            names.append(_text(spec.child_by_field_name("name")))
        elif child.type == "export_clause":
            for spec in child.named_children:
                if spec.type == "export_specifier":
                    names.append(_text(spec.child_by_field_name("name")))
        elif child.type == "namespace_export":
            names.append("*")
    if node.type == "export_statement" and not names:
        names.append("*")
    return [Import(module, _line(node), tuple(n for n in names if n))]


def _go(node: Node) -> list[Import]:
    module = _unquote(_text(node.child_by_field_name("path")))
    return [Import(module, _line(node))] if module else []


def _rust_use(node: Node, prefix: str, line: int, out: list[Import]) -> None:
    kind = node.type
    if kind == "use_as_clause":
        _rust_use(node.child_by_field_name("path") or node, prefix, line, out)
    elif kind == "use_wildcard":
        path = "".join(_text(c) for c in node.named_children[:1])
        out.append(Import(_join(prefix, path), line, ("*",)))
    elif kind == "scoped_use_list":
        path = _text(node.child_by_field_name("path"))
        lst = node.child_by_field_name("list")
        if lst is not None:
            _rust_use(lst, _join(prefix, path), line, out)
    elif kind == "use_list":
        simple: list[str] = []
        for item in node.named_children:
            if item.type in ("identifier", "self"):
                simple.append(_text(item))
            elif item.type not in ("line_comment", "block_comment"):
                _rust_use(item, prefix, line, out)
        if simple:
            out.append(Import(prefix, line, tuple(simple)))
    else:
        path = "".join(_text(node).split())
        if path:
            out.append(Import(_join(prefix, path), line))


def _join(prefix: str, path: str) -> str:
    if not prefix:
        return path
    return f"{prefix}::{path}" if path else prefix


def _rust(node: Node) -> list[Import]:
    line = _line(node)
    if node.type == "mod_item":
        return [Import(MOD_PREFIX + _text(node.child_by_field_name("name")), line)]
    if node.type == "extern_crate_declaration":
        return [Import(_text(node.child_by_field_name("name")), line)]
    argument = node.child_by_field_name("argument")
    out: list[Import] = []
    if argument is not None:
        _rust_use(argument, "", line, out)
    return out


def _java(node: Node) -> list[Import]:
    path = ""
    wildcard = static = False
    for child in node.children:
        if child.type in ("scoped_identifier", "identifier"):
            path = _text(child)
        elif child.type == "asterisk":
            wildcard = True
        elif child.type == "static":
            static = True
    path = "".join(path.split())
    if not path:
        return []
    if wildcard:
        return [Import(path, _line(node), ("*",))]
    if static and "." in path:
        owner, member = path.rsplit(".", 1)
        return [Import(owner, _line(node), (member,))]
    return [Import(path, _line(node))]


def _c(node: Node) -> list[Import]:
    source = node.child_by_field_name("path")
    if source is None:
        return []
    text = _text(source).strip()
    if source.type == "system_lib_string":
        return [Import(text.strip("<>"), _line(node), (SYSTEM,))]
    if source.type == "string_literal":
        return [Import(_unquote(text), _line(node))]
    return []


def _csharp(node: Node) -> list[Import]:
    alias = node.child_by_field_name("name")
    target = ""
    for child in node.named_children:
        if child.type in ("identifier", "qualified_name", "generic_name") and (
            alias is None or child.id != alias.id
        ):
            target = _text(child)
    target = "".join(target.split())
    return [Import(target, _line(node))] if target else []


def _ruby(node: Node) -> list[Import]:
    source = _first_string_argument(node)
    module = _unquote(_text(source))
    method = _text(node.child_by_field_name("method"))
    names = (RELATIVE,) if method == "require_relative" else ()
    return [Import(module, _line(node), names)] if module else []


def _php_name(node: Node | None) -> str:
    return _text(node).strip().lstrip("\\")


def _php(node: Node) -> list[Import]:
    line = _line(node)
    if node.type == "namespace_use_declaration":
        prefix = ""
        out: list[Import] = []
        group = node.child_by_field_name("body")
        for child in node.named_children:
            if child.type == "namespace_name" and group is not None:
                prefix = _php_name(child)
            elif child.type == "namespace_use_clause":
                out.append(Import(_php_name(child.named_children[0]), line))
        if group is not None:
            for clause in group.named_children:
                if clause.type == "namespace_use_clause" and clause.named_children:
                    name = _php_name(clause.named_children[0])
                    out.append(Import(f"{prefix}\\{name}" if prefix else name, line))
        return [i for i in out if i.module]
    # include / require (+ _once)
    expr = node.named_children[0] if node.named_children else None
    if expr is None:
        return []
    if expr.type in ("string", "encapsed_string"):
        module = _unquote(_text(expr))
    elif expr.type == "binary_expression":
        left, right = expr.child_by_field_name("left"), expr.child_by_field_name("right")
        if right is None or right.type not in ("string", "encapsed_string"):
            return []
        tail = _unquote(_text(right))
        base = _text(left)
        if base == "__DIR__" or base.replace(" ", "") == "dirname(__FILE__)":
            module = "./" + tail.lstrip("/")
        else:
            module = tail
    else:
        return []
    return [Import(module, line, (INCLUDE,))] if module else []


def _bash(node: Node) -> list[Import]:
    arguments = node.children_by_field_name("argument")
    if not arguments:
        return []
    module = _unquote(_text(arguments[0]))
    return [Import(module, _line(node))] if module else []


_EXTRACTORS: dict[str, Callable[[Node], list[Import]]] = {
    "python": _python,
    "javascript": _ecma,
    "typescript": _ecma,
    "tsx": _ecma,
    "go": _go,
    "rust": _rust,
    "java": _java,
    "c": _c,
    "cpp": _c,
    "csharp": _csharp,
    "ruby": _ruby,
    "php": _php,
    "bash": _bash,
}


def imports_from_node(language: str, node: Node) -> list[Import]:
    """The Import records for one import statement node (an `@import` capture)."""
    extractor = _EXTRACTORS.get(language)
    return extractor(node) if extractor is not None else []
