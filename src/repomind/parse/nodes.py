"""Tiny helpers over tree-sitter nodes shared by the parse modules (text, rows, order)."""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tree_sitter import Node

node_start = attrgetter("start_byte")
node_bytes = attrgetter("text")


def node_text(node: Node | None) -> str:
    """The node's source text, decoded leniently ("" for None)."""
    if node is None:
        return ""
    raw = node.text
    return raw.decode("utf-8", "replace") if raw else ""


def end_row(node: Node) -> int:
    """Last 0-based row a node really occupies (line comments may end at column 0 below)."""
    row, column = node.end_point
    if column == 0 and row > node.start_point[0]:
        return row - 1
    return row
