"""Merging, ranking and scoping the candidates; the detection steps and `detect_project`."""

from __future__ import annotations

import dataclasses
import posixpath
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from repomind.commands.ci import _github_actions, _pre_commit
from repomind.commands.cmake import _cmake
from repomind.commands.conventions import (
    _EXT_LANG,
    _commit_convention,
    _count_languages,
    _editorconfig,
    _languages,
    _layout,
    _lockfiles,
    _tool_conventions,
)
from repomind.commands.dotnet import _dotnet
from repomind.commands.elixir import _mix
from repomind.commands.go import _go
from repomind.commands.helpers import _natural, _split_source, _tokens
from repomind.commands.jvm import _gradle, _maven
from repomind.commands.model import (
    _CI_KINDS,
    KINDS,
    MAX_PER_KIND,
    Command,
    ProjectFacts,
    _Cand,
    _Ctx,
)
from repomind.commands.node import _node
from repomind.commands.php import _composer, _php_tools
from repomind.commands.python import (
    _hatch_scripts,
    _nox,
    _pdm_scripts,
    _poe_tasks,
    _python_build_install,
    _python_project,
    _python_tools,
    _tox,
)
from repomind.commands.ruby import _ruby
from repomind.commands.runners import _justfile, _makefile, _taskfile
from repomind.commands.rust import _cargo
from repomind.commands.shell import _confirms, _norm_key

_CANONICAL = {
    "build": frozenset({"build"}),
    "test": frozenset({"test", "tests"}),
    "lint": frozenset({"lint"}),
    "format": frozenset({"format", "fmt"}),
    "typecheck": frozenset({"typecheck", "type-check", "types", "typing", "mypy"}),
    "run": frozenset({"dev", "start", "serve", "run"}),
    "install": frozenset({"install"}),
}


def _canonical(cand: _Cand) -> bool:
    """`make test`, `pnpm run lint`: the script named exactly like its kind."""
    last = re.split(r"[\s:]+", cand.command.strip())[-1]
    return last in _CANONICAL.get(cand.kind, frozenset())


def _rank(cand: _Cand) -> tuple[Any, ...]:
    ci_rank = 1 if cand.from_ci else (0 if cand.ci_loc else 2)
    path, line, frag = _split_source(cand.source)
    return (
        0 if cand.root else 1,
        cand.tier,
        0 if _canonical(cand) else 1,  # `npm test` is the test command, whatever CI runs
        ci_rank,
        path,
        line,
        frag,
        _natural(cand.command),
    )


def _merge(cands: list[_Cand], ci: list[_Cand]) -> list[_Cand]:
    """Dedupe manifest commands, fold CI confirmations into them, keep CI-only ones."""
    best: dict[tuple[str, ...], _Cand] = {}
    for cand in sorted(cands, key=_rank):
        best.setdefault(_norm_key(cand.command), cand)
    merged = list(best.values())
    ci_only: dict[tuple[str, ...], _Cand] = {}
    for run in sorted(ci, key=lambda c: (_split_source(c.source), c.command)):
        key = _norm_key(run.command)
        target = best.get(key) or next(
            (c for c in merged if _confirms(_norm_key(c.command), key)), None
        )
        if target is not None:
            if not target.ci_loc:
                target.ci_loc = run.source
                target.ci_as = "" if _norm_key(target.command) == key else run.command
            continue
        if run.kind in _CI_KINDS and key not in ci_only:
            ci_only[key] = run
    return merged + list(ci_only.values())


def _to_command(cand: _Cand) -> Command:
    detail = cand.detail
    if cand.ci_loc:
        note = f"also in CI ({cand.ci_loc})"
        if cand.ci_as:
            note += f" as: {cand.ci_as}"
        detail = f"{detail}; {note}" if detail else note
    return Command(cand.kind, cand.command, cand.source, detail)


def _assemble(ctx: _Ctx, main: str, minor: Mapping[str, str]) -> tuple[Command, ...]:
    """Per kind: commands of the main language's tools (or of none: make, just) first, then
    other languages', then those of a language that is a small part of the repository."""
    merged = _merge(ctx.cands, ctx.ci)
    out: list[Command] = []
    for kind in KINDS:
        ranked = []
        for cand in (c for c in merged if c.kind == kind):
            family = _family(cand.command)
            scope = minor.get(family[0], "") if family else ""
            order = 0 if not (main and family) or main in family else (2 if scope else 1)
            ranked.append((order, _rank(cand), cand, scope))
        ranked.sort(key=lambda r: r[:2])
        out.extend(
            dataclasses.replace(_to_command(cand), scope=scope)
            for _, _, cand, scope in ranked[:MAX_PER_KIND]
        )
    return tuple(out)


# A toolchain's language: its commands and conventions are scoped when that language is a
# small part of the repository (git's few Rust files next to its C and shell).
MINOR_SHARE = 0.1
_TOOL_LANGUAGES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("cargo", "rustfmt", "rustup", "clippy-driver"), ("rust",)),
    **dict.fromkeys(("go", "gofmt", "golangci-lint", "staticcheck"), ("go",)),
    **dict.fromkeys(
        (
            "npm",
            "npx",
            "pnpm",
            "yarn",
            "bun",
            "bunx",
            "node",
            "deno",
            "tsc",
            "eslint",
            "prettier",
            "jest",
            "vitest",
            "biome",
        ),
        ("javascript", "typescript", "tsx", "vue", "svelte"),
    ),
    **dict.fromkeys(
        (
            "python",
            "python3",
            "pytest",
            "tox",
            "nox",
            "ruff",
            "mypy",
            "uv",
            "poetry",
            "hatch",
            "pdm",
            "black",
            "isort",
            "flake8",
            "pyright",
            "pip",
            "pylint",
            "maturin",
        ),
        ("python",),
    ),
    **dict.fromkeys(
        ("mvn", "./mvnw", "mvnw", "gradle", "./gradlew", "gradlew"),
        ("java", "kotlin", "scala", "groovy"),
    ),
    **dict.fromkeys(("bundle", "rake", "rspec", "rubocop", "ruby"), ("ruby",)),
    **dict.fromkeys(("composer", "phpunit", "php", "phpstan", "vendor/bin/phpunit"), ("php",)),
    "dotnet": ("csharp", "fsharp"),
    "swift": ("swift",),
    **dict.fromkeys(("dart", "flutter"), ("dart",)),
    "mix": ("elixir",),
}
_LANGUAGE_NAMES = {
    "rust": "Rust",
    "go": "Go",
    "javascript": "JavaScript/TypeScript",
    "python": "Python",
    "java": "JVM",
    "ruby": "Ruby",
    "php": "PHP",
    "csharp": ".NET",
    "swift": "Swift",
    "dart": "Dart",
    "elixir": "Elixir",
}
# Conventions that name their language first ("Rust edition 2021", "Go 1.22 (go.mod)").
_CONVENTION_LANGUAGE = (
    ("Rust ", "rust"),
    ("Go ", "go"),
    ("Python ", "python"),
    ("Node", "javascript"),
    ("TypeScript", "javascript"),
    ("Java ", "java"),
    ("Kotlin", "java"),
    ("Ruby ", "ruby"),
    ("PHP ", "php"),
    (".NET", "csharp"),
    ("C# ", "csharp"),
)


_CODE_LANGUAGES = frozenset(_EXT_LANG.values())


def _minor_languages(counts: Mapping[str, int]) -> dict[str, str]:
    """Toolchain language -> scope label, for each language family with some but under
    MINOR_SHARE of the code files while another family leads."""
    code = {lang: n for lang, n in counts.items() if lang in _CODE_LANGUAGES}
    total = sum(code.values())
    if not total:
        return {}
    top = max(code, key=lambda k: (code[k], k))
    out: dict[str, str] = {}
    for family in set(_TOOL_LANGUAGES.values()):
        share = sum(counts.get(lang, 0) for lang in family) / total
        if 0 < share < MINOR_SHARE and top not in family:  # none: nothing to tell apart
            out[family[0]] = f"{_LANGUAGE_NAMES.get(family[0], family[0])} code only"
    return out


def _main_language(counts: Mapping[str, int]) -> str:
    code = {lang: n for lang, n in counts.items() if lang in _CODE_LANGUAGES}
    return max(code, key=lambda k: (code[k], k)) if code else ""


def _family(command: str) -> tuple[str, ...] | None:
    """The languages of the tool a command runs (`cd web && npm test`: JavaScript's)."""
    tokens = _tokens(command)
    if tokens[:1] == ["cd"] and "&&" in tokens:
        tokens = tokens[tokens.index("&&") + 1 :]
    if not tokens:
        return None
    return _TOOL_LANGUAGES.get(tokens[0]) or _TOOL_LANGUAGES.get(posixpath.basename(tokens[0]))


def _scoped_conventions(conventions: tuple[str, ...], minor: Mapping[str, str]) -> tuple[str, ...]:
    out = []
    for text in conventions:
        language = next((lang for head, lang in _CONVENTION_LANGUAGE if text.startswith(head)), "")
        out.append(f"{text} ({minor[language]})" if language in minor else text)
    return tuple(out)


_STEPS: tuple[Callable[[_Ctx], None], ...] = (
    _python_project,
    _makefile,
    _justfile,
    _taskfile,
    _node,
    _hatch_scripts,
    _pdm_scripts,
    _poe_tasks,
    _tox,
    _nox,
    _composer,
    _pre_commit,
    _github_actions,
    _python_tools,
    _python_build_install,
    _cargo,
    _go,
    _mix,
    _maven,
    _gradle,
    _cmake,
    _ruby,
    _php_tools,
    _dotnet,
    _editorconfig,
    _commit_convention,
    _layout,
    _lockfiles,
    _tool_conventions,
)


def detect_project(
    root: Path, files: Sequence[str], languages: Mapping[str, int] | None = None
) -> ProjectFacts:
    """Read the repo's manifests and CI config (never executing anything) into facts.

    `files` are repo-relative POSIX paths of the indexed files; only those are
    considered.  Problems with individual files become `warnings`, never errors.
    """
    ctx = _Ctx(Path(root), files)
    for step in _STEPS:
        try:
            step(ctx)
        except Exception as exc:  # safety net: odd repo content must never crash indexing
            ctx.warn(f"{step.__name__.strip('_')}: analysis failed ({type(exc).__name__}), partial")
    # Which language leads is judged on every file by extension: the index's counts cover
    # only the languages it parses (not Elixir, say).
    by_extension = _count_languages(ctx.sorted_files)
    counted = _languages(by_extension if languages is None else languages)
    minor = _minor_languages(by_extension)
    return ProjectFacts(
        commands=_assemble(ctx, _main_language(by_extension), minor),
        languages=counted,
        frameworks=tuple(sorted(ctx.frameworks)),
        package_managers=tuple(sorted(ctx.pms)),
        conventions=_scoped_conventions(ctx.conventions(), minor),
        warnings=tuple(sorted(ctx.warnings)),
    )
