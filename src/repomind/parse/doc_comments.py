"""Which comments document what: definition docs, the file's header doc, leftover comments."""

from __future__ import annotations

from typing import TYPE_CHECKING

from repomind.parse.definitions import Definition
from repomind.parse.docs import (
    collapse,
    comment_lines,
    doc_from_comments,
    is_license,
    python_docstring,
)
from repomind.parse.nodes import end_row, node_text

if TYPE_CHECKING:
    from tree_sitter import Node

COMMENTS_CAP = 2000

# ancestors whose start also anchors a definition's doc comment (tried innermost first)
_ECMA_WRAPPERS = frozenset({"export_statement", "lexical_declaration", "variable_declaration"})
_TS_WRAPPERS = _ECMA_WRAPPERS | {"expression_statement", "ambient_declaration"}
_DOC_WRAPPERS: dict[str, frozenset[str]] = {
    "javascript": _ECMA_WRAPPERS,
    "typescript": _TS_WRAPPERS,
    "tsx": _TS_WRAPPERS,
    "go": frozenset({"type_declaration", "const_declaration", "var_declaration"}),
    "c": frozenset({"declaration", "type_definition", "function_definition"}),
    "cpp": frozenset(
        {"declaration", "type_definition", "function_definition", "template_declaration"}
    ),
    "php": frozenset({"const_declaration", "expression_statement"}),
    "bash": frozenset({"declaration_command"}),
    "python": frozenset({"decorated_definition", "expression_statement"}),
}
# siblings between a doc comment and its definition (Rust `#[attr]`, C# `[Attr]` ...)
_ATTRIBUTE_SIBLINGS = frozenset({"attribute_item", "attribute_list", "decorator", "annotation"})
_SKIP_AT_FILE_START = frozenset({"php_tag", "text", "shebang"})
_PY_DOCUMENTED = frozenset({"class", "function", "method"})


def python_doc(node: Node) -> str:
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
            if string is not None and string.type == "concatenated_string":
                string = string.named_child(0)
            if string is not None and string.type == "string":
                return python_docstring(node_text(string))
        return ""
    return ""


class CommentMap:
    """A file's comment nodes (in file order), indexed by row, tracking which were consumed."""

    def __init__(self, language: str, nodes: list[Node], source: bytes) -> None:
        self.language = language
        self.nodes = nodes
        self.source = source
        self.xml = language == "csharp"
        self.wrappers = _DOC_WRAPPERS.get(language, frozenset())
        self.used: set[int] = set()  # indexes consumed as docs
        self.boilerplate: set[int] = set()  # license headers
        self.by_end_row: dict[int, int] = {}
        self.start_rows: list[int] = []
        for index, node in enumerate(nodes):
            self.start_rows.append(node.start_point[0])
            self.by_end_row[end_row(node)] = index

    def _own_line(self, node: Node) -> bool:
        column = node.start_point[1]  # bytes since the start of the line
        if column > 256:
            return False
        start = node.start_byte
        return not self.source[start - column : start].strip()

    def _block_above(self, row: int) -> list[int]:
        """Indexes (file order) of the contiguous own-line comment block ending on row-1."""
        block: list[int] = []
        index = self.by_end_row.get(row - 1)
        while index is not None and index not in self.used:
            if not self._own_line(self.nodes[index]):
                break
            block.append(index)
            index = self.by_end_row.get(self.start_rows[index] - 1)
        block.reverse()
        return block

    def _texts(self, block: list[int]) -> list[str]:
        return [node_text(self.nodes[i]) for i in block]

    def _anchor_rows(self, node: Node) -> list[int]:
        """Rows above which a definition's doc comment may sit, innermost first."""
        rows = [node.start_point[0]]
        current = node
        parent = node.parent
        while parent is not None and parent.type in self.wrappers:
            current = parent
            rows.append(parent.start_point[0])
            parent = parent.parent
        sibling = current.prev_named_sibling
        while sibling is not None and sibling.type in _ATTRIBUTE_SIBLINGS:
            rows.append(sibling.start_point[0])
            sibling = sibling.prev_named_sibling
        return rows

    def doc_for(self, definition: Definition) -> str:
        """The definition's doc: Python docstring, else the comment block right above it."""
        if self.language == "python" and definition.kind in _PY_DOCUMENTED:
            doc = python_doc(definition.node)
            if doc:
                return doc
        if not self.nodes:
            return ""
        for row in self._anchor_rows(definition.range_node):
            block = self._block_above(row)
            if block:
                doc = doc_from_comments(self._texts(block), self.xml)
                if doc:
                    self.used.update(block)
                    return doc
        return ""

    def file_doc(self, root: Node) -> str:
        """Module docstring, else the first non-license comment block before any code."""
        doc = python_doc(root) if self.language == "python" else ""
        first_code = root.end_byte
        for index in range(root.child_count):
            child = root.child(index)
            if child is None or child.type in _SKIP_AT_FILE_START or "comment" in child.type:
                continue
            first_code = child.start_byte
            break
        blocks: list[list[int]] = []
        previous_row = -2
        for index, node in enumerate(self.nodes):
            if node.start_byte >= first_code:
                break
            if index in self.used:
                continue
            if not blocks or self.start_rows[index] > previous_row + 1:
                blocks.append([])
            blocks[-1].append(index)
            previous_row = end_row(node)
        for block in blocks:
            texts = self._texts(block)
            if is_license("\n".join(texts)):
                self.boilerplate.update(block)
            elif not doc:
                doc = doc_from_comments(texts, self.xml)
                if doc:
                    self.used.update(block)
        return doc

    def other_text(self) -> str:
        """Text of the comments not used as docs nor boilerplate, collapsed and capped."""
        parts: list[str] = []
        size = 0
        for index, node in enumerate(self.nodes):
            if index in self.used or index in self.boilerplate:
                continue
            text = collapse(" ".join(comment_lines(node_text(node))), COMMENTS_CAP)
            if text:
                parts.append(text)
                size += len(text) + 1
                if size >= COMMENTS_CAP:
                    break
        return collapse(" ".join(parts), COMMENTS_CAP)
