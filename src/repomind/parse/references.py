"""Referenced names: count captured reference nodes, minus definition sites and noise."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from repomind.parse.nodes import node_bytes
from repomind.parse.vocabulary import stop_names

if TYPE_CHECKING:
    from tree_sitter import Node

MAX_REFERENCES = 4000
MAX_NAME_BYTES = 128

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
_NAME = re.compile(r"(?:[^\W\d]|\$)[\w$]*[?!]?")  # identifier (+ Ruby ?/!, JS/PHP $)


def count_references(
    language: str, ref_nodes: list[Node], def_names: list[Node]
) -> tuple[tuple[str, int], ...]:
    """(name, count) of referenced names, sorted by name; at most MAX_REFERENCES names.

    Reference patterns are written so that no node is captured twice; the broad ones (every
    `type_identifier`, every Ruby constant) also capture definition names, subtracted here.
    1-character names, keywords and non-identifiers are dropped.
    """
    counts = Counter(map(node_bytes, ref_nodes))
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
        if count <= 0 or raw is None or not 2 <= len(raw) <= MAX_NAME_BYTES:
            continue
        name = raw.decode("utf-8", "replace")
        if name in stop or _NAME.fullmatch(name) is None:
            continue
        merged[name] = merged.get(name, 0) + count
    items = list(merged.items())
    if len(items) > MAX_REFERENCES:
        items.sort(key=lambda kv: (-kv[1], kv[0]))
        del items[MAX_REFERENCES:]
    items.sort()
    return tuple(items)
