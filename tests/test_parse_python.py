"""parse_source() on Python: definitions, docstrings, imports, references, comments."""

from __future__ import annotations

from repomind.parse import Import, ParsedFile, Symbol
from repomind.parse.symbols import parse_source

SOURCE = b'''#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Geometry helpers for the demo package.

Everything here is pure Python.
"""
from __future__ import annotations

import os.path
import numpy as np, json
from ..core import Shape, area as _area
from . import units
from .io import *

MAX_POINTS: int = 1000
DEFAULT_NAME = "shape"
__all__ = ["Polygon"]
type PointList = list[Point]

# Distance between two points.
def distance(a: Point, b: Point) -> float:
    return np.hypot(a.x - b.x, a.y - b.y)


@register
class Polygon(Shape, metaclass=Meta):
    """A closed chain of points.

    Second paragraph is not kept.
    """

    SIDES_MIN = 3
    cache = {}

    def __init__(self, points: list[Point]) -> None:
        self.points = points  # the vertices

    def perimeter(self) -> float:
        """Sum of the edge lengths."""
        def edge(i):
            return distance(self.points[i], self.points[i - 1])

        return sum(edge(i) for i in range(len(self.points)))

    async def load(self, path):
        raise ShapeError(os.path.join(path, DEFAULT_NAME))
'''


def _parse() -> ParsedFile:
    return parse_source("python", SOURCE)


def _symbol(parsed: ParsedFile, name: str, parent: str = "") -> Symbol:
    matches = [s for s in parsed.symbols if s.name == name and s.parent == parent]
    assert len(matches) == 1, (name, parent, parsed.symbols)
    return matches[0]


def test_definitions_kinds_parents_and_lines() -> None:
    parsed = _parse()
    names = [(s.name, s.kind, s.parent) for s in parsed.symbols]
    assert names == [
        ("MAX_POINTS", "constant", ""),
        ("DEFAULT_NAME", "constant", ""),
        ("PointList", "type", ""),
        ("distance", "function", ""),
        ("Polygon", "class", ""),
        ("SIDES_MIN", "constant", "Polygon"),
        ("__init__", "method", "Polygon"),
        ("perimeter", "method", "Polygon"),
        ("edge", "function", "perimeter"),
        ("load", "method", "Polygon"),
    ]
    polygon = _symbol(parsed, "Polygon")
    assert (polygon.line, polygon.end_line) == (26, 46)
    perimeter = _symbol(parsed, "perimeter", "Polygon")
    assert (perimeter.line, perimeter.end_line) == (38, 43)
    assert _symbol(parsed, "distance").line == 21
    assert _symbol(parsed, "MAX_POINTS").line == 15


def test_dunder_and_lowercase_class_attributes_are_not_symbols() -> None:
    names = {s.name for s in _parse().symbols}
    assert "__all__" not in names
    assert "cache" not in names  # class attribute, not UPPER_CASE


def test_docstrings_and_doc_comments() -> None:
    parsed = _parse()
    assert parsed.doc == "Geometry helpers for the demo package."
    assert _symbol(parsed, "Polygon").doc == "A closed chain of points."
    assert _symbol(parsed, "perimeter", "Polygon").doc == "Sum of the edge lengths."
    # no docstring: the comment right above the def is used
    assert _symbol(parsed, "distance").doc == "Distance between two points."
    assert _symbol(parsed, "load", "Polygon").doc == ""


def test_imports() -> None:
    assert _parse().imports == (
        Import("os.path", 9),
        Import("numpy", 10),
        Import("json", 10),
        Import("core", 11, ("Shape", "area"), 2),
        Import("", 12, ("units",), 1),
        Import("io", 13, ("*",), 1),
    )


def test_references_are_used_names_with_counts() -> None:
    refs = dict(_parse().references)
    assert refs["distance"] == 1  # called in edge(); the definition site is not counted
    assert refs["Point"] == 4  # annotations + type alias
    assert refs["hypot"] == 1
    assert refs["np"] == 1
    assert refs["Shape"] == 1  # base class
    assert refs["ShapeError"] == 1
    assert refs["register"] == 1  # decorator
    assert refs["join"] == 1
    assert refs["points"] == 4
    assert refs["DEFAULT_NAME"] == 1
    assert "self" not in refs and "return" not in refs
    assert all(len(name) > 1 for name in refs)
    assert [name for name, _ in _parse().references] == sorted(refs)


def test_other_comments_exclude_docs_and_directives() -> None:
    parsed = _parse()
    assert parsed.comments == "the vertices"
    assert not parsed.has_errors


def test_header_comment_is_the_file_doc_without_docstring() -> None:
    source = b"# Command line entry point for the tool.\n#\n# Details follow.\n\nimport sys\n"
    assert parse_source("python", source).doc == "Command line entry point for the tool."


def test_license_header_is_not_a_doc_nor_a_comment() -> None:
    source = (
        b"# Copyright (c) 2024 Example Corp.\n# Licensed under the Apache License 2.0.\n\n"
        b"# Small helpers.\n\nimport sys\n# trailing note\n"
    )
    parsed = parse_source("python", source)
    assert parsed.doc == "Small helpers."
    assert parsed.comments == "trailing note"


def test_long_docstring_is_collapsed_and_capped() -> None:
    words = " ".join(f"word{i}" for i in range(200))
    source = f'def f():\n    """{words}\n    more"""\n'.encode()
    doc = parse_source("python", source).symbols[0].doc
    assert len(doc) <= 300
    assert doc.startswith("word0 word1 word2")
    assert doc.endswith("…")
    assert "  " not in doc
