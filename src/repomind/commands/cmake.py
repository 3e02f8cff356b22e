"""C / C++: CMakeLists.txt."""

from __future__ import annotations

import re

from repomind.commands.model import _Ctx


def _cmake(ctx: _Ctx) -> None:
    text = ctx.text("CMakeLists.txt") if ctx.has("CMakeLists.txt") else None
    if text is None:
        return
    ctx.add("build", "cmake -S . -B build && cmake --build build", "CMakeLists.txt")
    if re.search(
        r"enable_testing\s*\(|add_test\s*\(|gtest_discover_tests|catch_discover_tests", text, re.I
    ):
        ctx.add("test", "ctest --test-dir build", "CMakeLists.txt")
    for needle, name in (
        ("GTest", "googletest"),
        ("Catch2", "catch2"),
        ("Qt6", "qt"),
        ("Qt5", "qt"),
        ("Boost", "boost"),
    ):
        if re.search(rf"find_package\s*\(\s*{needle}\b", text):
            ctx.frameworks.add(name)
