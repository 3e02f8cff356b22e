"""Conventions from layout and config files (.editorconfig, commit convention, test
layout, lockfiles, tool choices), and counting languages by file extension.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping

from repomind.commands.helpers import _dict, _expand_braces, _glob_regex, _natural, _suffix, _words
from repomind.commands.model import _C_COMMITS, _C_LAYOUT, _C_LOCK, _C_STYLE, _C_TOOLS, _ROLES, _Ctx
from repomind.commands.node import _LOCKFILES
from repomind.commands.shell import _dedupe

_LANG_DEFAULT_INDENT = {
    **dict.fromkeys(_words("py rs java cs php"), "4 spaces"),
    **dict.fromkeys(_words("js ts rb"), "2 spaces"),
    "go": "tabs",
}


def _editorconfig(ctx: _Ctx) -> None:
    """Effective indent / max_line_length per language present (later sections win)."""
    text = ctx.text(".editorconfig") if ctx.has(".editorconfig") else None
    if text is None:
        return
    sections = _editorconfig_sections(text)
    present = {_suffix(f) for f in ctx.files}
    for ext in sorted(e for e in _LANG_DEFAULT_INDENT if e in present):
        props: dict[str, str] = {}
        for glob, section in sections:
            if _ec_matches(glob, ext):
                props.update(section)
        indent = _indent_label(props)
        if indent and indent != _LANG_DEFAULT_INDENT[ext]:
            ctx.convention(_C_STYLE, f"indent: {indent} in *.{ext} files (.editorconfig)")
        length = props.get("max_line_length", "")
        if length.isdigit():
            ctx.line_length(length, f".editorconfig *.{ext}")


def _editorconfig_sections(text: str) -> list[tuple[str, dict[str, str]]]:
    sections: list[tuple[str, dict[str, str]]] = []
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        header = re.fullmatch(r"\[(.+)\]", line)
        if header:
            sections.append((header.group(1), {}))
        elif "=" in line and sections:
            key, _, value = line.partition("=")
            sections[-1][1][key.strip().lower()] = value.strip().lower()
    return sections


def _indent_label(props: dict[str, str]) -> str:
    style = props.get("indent_style", "")
    size = props.get("indent_size", "")
    if style == "tab":
        return "tabs"
    if size.isdigit():
        return f"{size} spaces"
    return ""


def _ec_matches(glob: str, ext: str) -> bool:
    sample = f"x.{ext}"
    for pattern in _expand_braces(glob):
        if _glob_regex(pattern.split("/")[-1]).fullmatch(sample):
            return True
    return False


def _commit_convention(ctx: _Ctx) -> None:
    commitlint = ctx.match_root(
        r"(commitlint\.config\.(js|cjs|mjs|ts|cts)|\.commitlintrc(\.(json|ya?ml|js|cjs|ts))?)"
    )
    if commitlint:
        ctx.convention(_C_COMMITS, "commit messages: Conventional Commits (commitlint)")
    tool = _dict(ctx.pyproject.get("tool"))
    if "commitizen" in tool or ctx.first(".cz.toml", "cz.toml", ".czrc", ".cz.json"):
        ctx.convention(_C_COMMITS, "commit messages: Conventional Commits (commitizen)")


def _layout(ctx: _Ctx) -> None:
    if ctx.py_pm and ctx.match(r"src/[^/]+/__init__\.py", "src/"):
        ctx.convention(_C_LAYOUT, "src/ layout: Python packages live under src/")
    counts: Counter[str] = Counter()
    for rel in ctx.sorted_files:
        parts = rel.split("/")
        if "__tests__" in parts[:-1]:
            counts["__tests__/"] += 1
        js = _JS_TEST.fullmatch(parts[-1])
        if js:
            counts[f"js:*.{js.group(1)}.{js.group(2)}"] += 1
            continue
        label = next((lb for lb, rx in _TEST_PATTERNS if rx.fullmatch(parts[-1])), "")
        if not label:
            continue
        counts[label] += 1
        if label.endswith(".py") and len(parts) > 1 and parts[0] in ("tests", "test"):
            counts[f"dir:{parts[0]}"] += 1
    _python_test_layout(ctx, counts)
    _other_test_layouts(ctx, counts)


_JS_TEST = re.compile(r".+\.(test|spec)\.(tsx?|jsx?|mjs|cjs|mts|cts)")
_TEST_PATTERNS = tuple(
    (label, re.compile(pattern))
    for label, pattern in (
        ("test_*.py", r"test_.+\.py"),
        ("*_test.py", r".+_test\.py"),
        ("*_test.go", r".+_test\.go"),
        ("*_spec.rb", r".+_spec\.rb"),
        ("*_test.rb", r".+_test\.rb"),
    )
)


def _python_test_layout(ctx: _Ctx, counts: Counter[str]) -> None:
    style = "test_*.py" if counts["test_*.py"] >= counts["*_test.py"] else "*_test.py"
    if not counts[style]:
        return
    folder = max(("tests", "test"), key=lambda d: counts[f"dir:{d}"])
    where = f"{folder}/ with " if counts[f"dir:{folder}"] else ""
    ctx.convention(_C_LAYOUT, f"Python tests: {where}{style} files")


def _other_test_layouts(ctx: _Ctx, counts: Counter[str]) -> None:
    if counts["*_test.go"]:
        ctx.convention(_C_LAYOUT, "Go tests: *_test.go files beside the code")
    js = sorted((-n, label[3:]) for label, n in counts.items() if label.startswith("js:"))
    if js and -js[0][0] >= counts["__tests__/"]:
        ctx.convention(_C_LAYOUT, f"JS/TS tests: {js[0][1]} files")
    elif counts["__tests__/"]:
        ctx.convention(_C_LAYOUT, "JS/TS tests: __tests__/ folders")
    if counts["*_spec.rb"]:
        ctx.convention(_C_LAYOUT, "Ruby tests: spec/ with *_spec.rb files (RSpec)")
    elif counts["*_test.rb"]:
        ctx.convention(_C_LAYOUT, "Ruby tests: test/ with *_test.rb files (Minitest)")
    if ctx.match(r"tests/[^/]+\.rs", "tests/"):
        ctx.convention(_C_LAYOUT, "Rust integration tests in tests/")


def _lockfiles(ctx: _Ctx) -> None:
    js_locks = [(lf, pm) for lf, pm in _LOCKFILES if ctx.has(lf)]
    pms = _dedupe(pm for _, pm in js_locks)
    if len(pms) > 1:
        found = ", ".join(lf for lf, _ in js_locks)
        ctx.convention(
            _C_LOCK, f"several JS lockfiles committed ({found}): check which one CI uses"
        )
    elif js_locks and pms[0] != "npm":
        ctx.convention(_C_LOCK, f"{js_locks[0][0]} is committed: use {pms[0]}, not npm")
    elif js_locks:
        ctx.convention(_C_LOCK, f"{js_locks[0][0]} is committed: install with npm ci")
    for lock, pm in (
        ("uv.lock", "uv"),
        ("poetry.lock", "poetry"),
        ("pdm.lock", "pdm"),
        ("Pipfile.lock", "pipenv"),
    ):
        if ctx.has(lock):
            ctx.convention(_C_LOCK, f"{lock} is committed: use {pm}, not pip; keep it in sync")
            break


def _tool_conventions(ctx: _Ctx) -> None:
    for role in _ROLES:
        if ctx.tools[role]:
            ctx.convention(_C_TOOLS, f"{role}: {', '.join(sorted(ctx.tools[role]))}")
    for length, tools in sorted(ctx.line_lengths.items(), key=lambda kv: _natural(kv[0])):
        ctx.convention(_C_STYLE, f"line length {length} ({', '.join(_dedupe(tools))})")


# ---------------------------------------------------------------------------
# languages
# ---------------------------------------------------------------------------

_EXT_LANG = {
    **dict.fromkeys(("py", "pyi"), "python"),
    **dict.fromkeys(("js", "mjs", "cjs", "jsx"), "javascript"),
    **dict.fromkeys(("ts", "mts", "cts"), "typescript"),
    "tsx": "tsx",
    "go": "go",
    "rs": "rust",
    "java": "java",
    **dict.fromkeys(("kt", "kts"), "kotlin"),
    "scala": "scala",
    **dict.fromkeys(("c", "h"), "c"),
    **dict.fromkeys(("cc", "cpp", "cxx", "hpp", "hh", "hxx"), "cpp"),
    "cs": "csharp",
    "fs": "fsharp",
    **dict.fromkeys(("rb", "rake", "gemspec"), "ruby"),
    "php": "php",
    **dict.fromkeys(("sh", "bash"), "bash"),
    "swift": "swift",
    "m": "objective-c",
    "dart": "dart",
    **dict.fromkeys(("ex", "exs"), "elixir"),
    "erl": "erlang",
    "hs": "haskell",
    "ml": "ocaml",
    "clj": "clojure",
    "lua": "lua",
    "zig": "zig",
    "jl": "julia",
    "r": "r",
    "pl": "perl",
    "vue": "vue",
    "svelte": "svelte",
    "groovy": "groovy",
}


def _count_languages(files: Iterable[str]) -> dict[str, int]:
    counts: Counter[str] = Counter()
    for rel in files:
        suffix = _suffix(rel)
        language = _EXT_LANG.get(suffix)
        if language:
            counts[language] += 1
    return dict(counts)


def _languages(counts: Mapping[str, int]) -> tuple[tuple[str, int], ...]:
    items = [(str(k), int(v)) for k, v in counts.items() if isinstance(v, int) and v > 0]
    return tuple(sorted(items, key=lambda kv: (-kv[1], kv[0])))
