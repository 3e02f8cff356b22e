"""Grammar table: which language a path is, and lazily loaded tree-sitter languages/parsers."""

from __future__ import annotations

import importlib
import re
from functools import cache
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from tree_sitter import Language, Parser


class Grammar(NamedTuple):
    """Where a language's tree-sitter grammar lives."""

    package: str  # importable wheel package (also holds queries/tags.scm when shipped)
    function: str  # function in `package` returning the language capsule


GRAMMARS: dict[str, Grammar] = {
    "python": Grammar("tree_sitter_python", "language"),
    "javascript": Grammar("tree_sitter_javascript", "language"),
    "typescript": Grammar("tree_sitter_typescript", "language_typescript"),
    "tsx": Grammar("tree_sitter_typescript", "language_tsx"),
    "go": Grammar("tree_sitter_go", "language"),
    "rust": Grammar("tree_sitter_rust", "language"),
    "java": Grammar("tree_sitter_java", "language"),
    "c": Grammar("tree_sitter_c", "language"),
    "cpp": Grammar("tree_sitter_cpp", "language"),
    "csharp": Grammar("tree_sitter_c_sharp", "language"),
    "ruby": Grammar("tree_sitter_ruby", "language"),
    "php": Grammar("tree_sitter_php", "language_php"),
    "bash": Grammar("tree_sitter_bash", "language"),
}

LANGUAGES: tuple[str, ...] = tuple(GRAMMARS)

EXTENSIONS: dict[str, str] = {
    ".py": "python",
    ".pyi": "python",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".go": "go",
    ".rs": "rust",
    ".java": "java",
    ".c": "c",
    ".h": "c",  # refined to cpp by _looks_like_cpp()
    ".cc": "cpp",
    ".cpp": "cpp",
    ".cxx": "cpp",
    ".c++": "cpp",
    ".hpp": "cpp",
    ".hh": "cpp",
    ".hxx": "cpp",
    ".h++": "cpp",
    ".cs": "csharp",
    ".rb": "ruby",
    ".rake": "ruby",
    ".gemspec": "ruby",
    ".php": "php",
    ".sh": "bash",
    ".bash": "bash",
}

FILENAMES: dict[str, str] = {
    "Rakefile": "ruby",
    "Gemfile": "ruby",
    "Guardfile": "ruby",
    "Vagrantfile": "ruby",
    "Podfile": "ruby",
    "Fastfile": "ruby",
    "Brewfile": "ruby",
    ".bashrc": "bash",
    ".bash_profile": "bash",
    ".profile": "bash",
}

# interpreter named on a `#!` line -> language
_SHEBANG_INTERPRETERS: dict[str, str] = {
    "sh": "bash",
    "bash": "bash",
    "dash": "bash",
    "ksh": "bash",
    "zsh": "bash",
    "python": "python",
    "python2": "python",
    "python3": "python",
    "node": "javascript",
    "nodejs": "javascript",
    "ruby": "ruby",
    "php": "php",
}

_SHEBANG = re.compile(rb"#![ \t]*(\S+)(?:[ \t]+(\S+))?")
_VERSIONED = re.compile(r"^(python|ruby|php|node)[0-9.]*$")
_CPP_MARKERS = re.compile(
    rb"^\s*(?:class\s+\w+\s*[:{]|namespace\s+\w*\s*\{|template\s*<|using\s+namespace\b"
    rb"|#include\s*<(?:string|vector|map|memory|iostream|algorithm|cstd\w+|cstring)>"
    rb"|public:|private:|protected:)",
    re.MULTILINE,
)


def _from_shebang(head: bytes) -> str | None:
    m = _SHEBANG.match(head)
    if m is None:
        return None
    interpreter = m.group(1).rsplit(b"/", 1)[-1].decode("ascii", "replace")
    if interpreter == "env" and m.group(2):
        interpreter = m.group(2).rsplit(b"/", 1)[-1].decode("ascii", "replace")
    if interpreter in _SHEBANG_INTERPRETERS:
        return _SHEBANG_INTERPRETERS[interpreter]
    vm = _VERSIONED.match(interpreter)
    if vm:
        return _SHEBANG_INTERPRETERS.get(vm.group(1))
    return None


def _looks_like_cpp(head: bytes) -> bool:
    return _CPP_MARKERS.search(head[:16384]) is not None


def language_for_path(path: str, head: bytes = b"") -> str | None:
    """Language name for a repo path, or None if it is not a language we parse.

    `head` (the first few KB of the file, optional) decides `.h` (C vs C++) and identifies
    extension-less scripts by their `#!` line.
    """
    name = path.rsplit("/", 1)[-1]
    if name in FILENAMES:
        return FILENAMES[name]
    dot = name.rfind(".")
    if dot > 0:
        lang = EXTENSIONS.get(name[dot:].lower())
        if lang == "c" and name[dot:].lower() == ".h" and head and _looks_like_cpp(head):
            return "cpp"
        if lang is not None:
            return lang
        return None
    if head.startswith(b"#!"):
        return _from_shebang(head)
    return None


@cache
def get_language(name: str) -> Language:
    """The tree-sitter Language for `name` (imports the grammar wheel on first use)."""
    from tree_sitter import Language

    grammar = GRAMMARS.get(name)
    if grammar is None:
        raise ValueError(f"unsupported language: {name!r}")
    module = importlib.import_module(grammar.package)
    return Language(getattr(module, grammar.function)())


@cache
def get_parser(name: str) -> Parser:
    """A per-process cached Parser for `name` (not thread-safe: one per thread if needed)."""
    from tree_sitter import Parser

    return Parser(get_language(name))
