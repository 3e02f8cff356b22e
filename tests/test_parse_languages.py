"""Language detection and lazy grammar loading (repomind.parse.languages)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from repomind.parse.languages import LANGUAGES, get_language, get_parser, language_for_path


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("a/b.py", "python"),
        ("stubs/x.pyi", "python"),
        ("web/app.js", "javascript"),
        ("web/app.mjs", "javascript"),
        ("web/app.cjs", "javascript"),
        ("web/App.jsx", "javascript"),
        ("src/x.ts", "typescript"),
        ("src/x.mts", "typescript"),
        ("src/x.cts", "typescript"),
        ("src/X.tsx", "tsx"),
        ("cmd/main.go", "go"),
        ("src/lib.rs", "rust"),
        ("src/main/java/A.java", "java"),
        ("x.c", "c"),
        ("x.h", "c"),
        ("x.cc", "cpp"),
        ("x.cpp", "cpp"),
        ("x.cxx", "cpp"),
        ("x.hpp", "cpp"),
        ("x.hh", "cpp"),
        ("x.hxx", "cpp"),
        ("Program.cs", "csharp"),
        ("lib/a.rb", "ruby"),
        ("tasks/db.rake", "ruby"),
        ("Rakefile", "ruby"),
        ("sub/Gemfile", "ruby"),
        ("index.php", "php"),
        ("bin/run.sh", "bash"),
        ("bin/run.bash", "bash"),
        ("README.md", None),
        ("Makefile", None),
        ("data.json", None),
        (".gitignore", None),
    ],
)
def test_language_for_path_by_name(path: str, expected: str | None) -> None:
    assert language_for_path(path) == expected


def test_header_decides_between_c_and_cpp() -> None:
    c_head = b"#include <stdio.h>\nstruct point { int x; };\nint add(int a, int b);\n"
    cpp_head = b"#pragma once\n#include <vector>\nnamespace geo {\nclass Point {\n public:\n"
    assert language_for_path("include/point.h", c_head) == "c"
    assert language_for_path("include/point.h", cpp_head) == "cpp"
    assert (
        language_for_path("include/tmpl.h", b"template <typename T>\nT max(T a, T b);\n") == "cpp"
    )


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"#!/bin/bash\nset -e\n", "bash"),
        (b"#!/bin/sh\n", "bash"),
        (b"#!/usr/bin/env bash\n", "bash"),
        (b"#!/usr/bin/env python3\nimport os\n", "python"),
        (b"#!/usr/bin/python3.11\n", "python"),
        (b"#!/usr/bin/env node\n", "javascript"),
        (b"#!/usr/bin/env ruby\n", "ruby"),
        (b"#!/usr/bin/perl\n", None),
        (b"no shebang here\n", None),
        (b"", None),
    ],
)
def test_shebang_detection_for_extensionless_scripts(head: bytes, expected: str | None) -> None:
    assert language_for_path("bin/tool", head) == expected


def test_shebang_does_not_override_extension() -> None:
    assert language_for_path("tool.py", b"#!/bin/bash\n") == "python"


def test_parsers_are_cached_per_process() -> None:
    assert get_parser("python") is get_parser("python")
    assert get_language("go") is get_language("go")


def test_every_language_has_a_working_parser() -> None:
    for name in LANGUAGES:
        tree = get_parser(name).parse(b"")
        assert tree.root_node is not None


def test_unknown_language_raises_value_error() -> None:
    with pytest.raises(ValueError):
        get_language("cobol")


def test_grammar_wheels_are_imported_lazily() -> None:
    code = (
        "import sys\n"
        "import repomind.parse, repomind.parse.languages as l\n"
        "assert l.language_for_path('a.py') == 'python'\n"
        "loaded = sorted(m for m in sys.modules if m.startswith('tree_sitter'))\n"
        "print(','.join(loaded))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == ""
