"""Comment/docstring text cleaning (repomind.parse.docs)."""

from __future__ import annotations

import pytest

from repomind.parse.docs import (
    collapse,
    comment_lines,
    doc_from_comments,
    is_license,
    python_docstring,
)


@pytest.mark.parametrize(
    ("comments", "expected"),
    [
        (
            ["/// Reads the header.", "/// Returns bytes read."],
            "Reads the header. Returns bytes read.",
        ),
        (["//! Crate level docs."], "Crate level docs."),
        (["// Go style doc", "// continues here."], "Go style doc continues here."),
        (["# Ruby or bash", "#   indented"], "Ruby or bash indented"),
        (["/**\n * Javadoc summary.\n *\n * Details.\n * @param x the x\n */"], "Javadoc summary."),
        (["/** One line. */"], "One line."),
        (["/* plain\n   block */"], "plain block"),
        (["/**\n * Summary line\n * @return nothing\n */"], "Summary line"),
        (["// First para", "//", "// Second para"], "First para"),
        (["=begin\nRuby block doc.\n=end"], "Ruby block doc."),
    ],
)
def test_doc_from_comments_strips_markers_and_keeps_first_paragraph(
    comments: list[str], expected: str
) -> None:
    assert doc_from_comments(comments) == expected


def test_directives_are_not_documentation() -> None:
    assert doc_from_comments(["// eslint-disable-next-line no-console"]) == ""
    assert doc_from_comments(["//go:generate stringer -type=Kind"]) == ""
    assert doc_from_comments(["# frozen_string_literal: true"]) == ""
    assert doc_from_comments(["#!/usr/bin/env bash", "# Real doc."]) == "Real doc."
    assert comment_lines("# noqa: E501") == []


def test_csharp_xml_doc_keeps_summary_text() -> None:
    doc = doc_from_comments(
        [
            "/// <summary>",
            '/// Sends <paramref name="msg"/> via <see cref="Bus.Send"/>, <c>async</c>.',
            "/// </summary>",
            '/// <param name="msg">The message.</param>',
        ],
        xml=True,
    )
    assert doc == "Sends msg via Bus.Send, async."


def test_python_docstring_variants() -> None:
    assert python_docstring('"""Summary.\n\n    Body."""') == "Summary."
    assert python_docstring("'''Single quotes.'''") == "Single quotes."
    assert python_docstring('r"""Raw \\d docstring."""') == "Raw \\d docstring."
    assert python_docstring('"plain"') == "plain"
    assert python_docstring('"""\n    Starts on the next line\n    and wraps.\n    """') == (
        "Starts on the next line and wraps."
    )


def test_collapse_caps_at_a_word_boundary() -> None:
    text = "alpha " * 100
    out = collapse(text, 50)
    assert len(out) <= 50 and out.endswith("…") and "alph…" not in out
    assert collapse("  a \n\t b  ", 50) == "a b"


def test_license_detection() -> None:
    assert is_license("Copyright (c) 2020 Foo")
    assert is_license("SPDX-License-Identifier: MIT")
    assert is_license("Licensed under the Apache License, Version 2.0")
    assert not is_license("Parses the configuration file.")
