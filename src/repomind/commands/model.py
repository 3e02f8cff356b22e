"""What detection yields (`Command`, `ProjectFacts`), candidates, and `_Ctx`: the
files, parsed manifests and findings of one run.
"""

from __future__ import annotations

import bisect
import configparser
import json
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from repomind.commands.helpers import _ancestors, _clean_rel, _line_of, _parse_ini, _short

KINDS: tuple[str, ...] = (
    "build",
    "test",
    "lint",
    "format",
    "typecheck",
    "run",
    "install",
    "other",
)
MAX_PER_KIND = 6
MAX_FILE_BYTES = 1_000_000
_MAX_PACKAGES = 40
_SKIP_PACKAGE_DIRS = re.compile(
    r"(^|/)(node_modules|vendor|fixtures?|__fixtures__|testdata|examples?|third_party)(/|$)"
)
_CI_KINDS = frozenset({"build", "test", "lint", "format", "typecheck"})


@dataclass(frozen=True, slots=True)
class Command:
    """One command a developer types at the repository root."""

    kind: str  # build | test | lint | format | typecheck | run | install | other
    command: str  # exactly as typed at the repo root
    source: str  # "Makefile:12", "package.json#scripts.lint", ".github/workflows/ci.yml:40"
    detail: str = ""  # short note, e.g. "runs: pytest -q; also in CI (...)"
    scope: str = ""  # "Rust code only": the tool of a language that is a small part of the repo


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    """Everything `detect_project` learned about how to work on a repository."""

    commands: tuple[Command, ...]
    languages: tuple[tuple[str, int], ...]
    frameworks: tuple[str, ...]
    package_managers: tuple[str, ...]
    conventions: tuple[str, ...]
    warnings: tuple[str, ...] = ()


# ---------------------------------------------------------------------------
# candidates and context
# ---------------------------------------------------------------------------

TIER_EXPLICIT = 0  # task runners the project wrote
TIER_INFERRED = 1  # implied by tool config / manifests, and CI-only commands


@dataclass(slots=True)
class _Cand:
    kind: str
    command: str
    source: str
    detail: str = ""
    tier: int = TIER_INFERRED
    root: bool = True
    from_ci: bool = False
    ci_loc: str = ""  # CI location that confirms this manifest command
    ci_as: str = ""  # the CI spelling when it differs from `command`


# Convention categories, rendered in this order.
_C_VERSION, _C_LAYOUT, _C_TOOLS, _C_STYLE, _C_HOOKS, _C_COMMITS, _C_LOCK = range(7)
_ROLES = ("formatter", "linter", "type checker")


class _Ctx:
    """Shared state of one detection run: files, parsed manifests, findings."""

    def __init__(self, root: Path, files: Sequence[str]) -> None:
        self.root = root
        clean = {_clean_rel(f) for f in files}
        clean.discard("")
        self.files: frozenset[str] = frozenset(clean)
        self.sorted_files: tuple[str, ...] = tuple(sorted(self.files))
        self.root_files: tuple[str, ...] = tuple(f for f in self.sorted_files if "/" not in f)
        self.by_name: dict[str, list[str]] = {}
        for rel in self.sorted_files:
            self.by_name.setdefault(rel.rsplit("/", 1)[-1], []).append(rel)
        self.dirs: frozenset[str] = frozenset(_ancestors(self.files))
        self.warnings: set[str] = set()
        self.cands: list[_Cand] = []
        self.ci: list[_Cand] = []
        self.frameworks: set[str] = set()
        self.pms: set[str] = set()
        self._conventions: list[tuple[int, str]] = []
        self.tools: dict[str, set[str]] = {role: set() for role in _ROLES}
        self.line_lengths: dict[str, list[str]] = {}
        self.hook_ids: list[str] = []
        self.pyproject: dict[str, Any] = {}
        self.py_pm = ""
        self.py_run = ""
        self.py_deps: dict[str, str] = {}
        self.hatch_dep_env: dict[str, str] = {}
        self._text: dict[str, str | None] = {}
        self._parsed: dict[tuple[str, str], Any] = {}

    # -- files -------------------------------------------------------------
    def has(self, rel: str) -> bool:
        return rel in self.files

    def has_dir(self, rel: str) -> bool:
        return rel in self.dirs

    def first(self, *names: str) -> str | None:
        return next((n for n in names if n in self.files), None)

    def match(self, pattern: str, under: str = "") -> list[str]:
        """Files (sorted) matching `pattern`, scanning only paths starting with `under`."""
        rx = re.compile(pattern)
        start = bisect.bisect_left(self.sorted_files, under)
        out = []
        for rel in self.sorted_files[start:]:
            if not rel.startswith(under):
                break
            if rx.fullmatch(rel):
                out.append(rel)
        return out

    def match_root(self, pattern: str) -> list[str]:
        """Root-level files (sorted) matching `pattern`."""
        rx = re.compile(pattern)
        return [f for f in self.root_files if rx.fullmatch(f)]

    def named(self, *names: str, max_depth: int = 0) -> list[str]:
        """Files (sorted) whose base name is one of `names`, optionally at most N dirs deep."""
        found = sorted(f for n in names for f in self.by_name.get(n, ()))
        return [f for f in found if not max_depth or f.count("/") <= max_depth]

    def warn(self, message: str) -> None:
        self.warnings.add(message)

    def text(self, rel: str) -> str | None:
        if rel not in self._text:
            self._text[rel] = self._read(rel)
        return self._text[rel]

    def first_line(self, rel: str) -> str:
        """First non-blank line of a small pin file (.nvmrc, .python-version), or ""."""
        text = self.text(rel) if self.has(rel) else None
        return next((ln.strip() for ln in (text or "").splitlines() if ln.strip()), "")

    def _read(self, rel: str) -> str | None:
        path = self.root / rel
        try:
            real = path.resolve()
            if not real.is_relative_to(self.root.resolve()):
                self.warn(f"{rel}: points outside the repository, skipped")
                return None
            if not path.is_file():
                self.warn(f"{rel}: not a readable file, skipped")
                return None
            if path.stat().st_size > MAX_FILE_BYTES:
                self.warn(f"{rel}: larger than 1 MB, skipped")
                return None
            data = path.read_bytes()
        except OSError as exc:
            self.warn(f"{rel}: unreadable ({type(exc).__name__}), skipped")
            return None
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            self.warn(f"{rel}: not valid UTF-8, skipped")
            return None

    def _cached(self, fmt: str, rel: str, parse: Callable[[str], Any]) -> Any:
        key = (fmt, rel)
        if key not in self._parsed:
            text = self.text(rel)
            self._parsed[key] = None if text is None else parse(text)
        return self._parsed[key]

    def toml(self, rel: str) -> dict[str, Any] | None:
        def parse(text: str) -> dict[str, Any] | None:
            try:
                return tomllib.loads(text)
            except tomllib.TOMLDecodeError as exc:
                self.warn(f"{rel}: invalid TOML{_line_of(str(exc))}, skipped")
                return None

        return self._cached("toml", rel, parse) if self.has(rel) else None

    def json(self, rel: str) -> Any:
        def parse(text: str) -> Any:
            try:
                return json.loads(text)
            except json.JSONDecodeError as exc:
                self.warn(f"{rel}: invalid JSON (line {exc.lineno}), skipped")
                return None
            except RecursionError:
                self.warn(f"{rel}: invalid JSON (nested too deeply), skipped")
                return None

        return self._cached("json", rel, parse) if self.has(rel) else None

    def json_object(self, rel: str) -> dict[str, Any] | None:
        """A JSON file that must hold an object (package.json, composer.json)."""
        value = self.json(rel)
        if value is None or isinstance(value, dict):
            return value
        self.warn(f"{rel}: expected a JSON object, skipped")
        return None

    def yaml(self, rel: str) -> yaml.Node | None:
        def parse(text: str) -> yaml.Node | None:
            try:
                return yaml.compose(text, Loader=yaml.SafeLoader)
            except yaml.MarkedYAMLError as exc:
                mark = exc.problem_mark or exc.context_mark
                where = f" (line {mark.line + 1})" if mark is not None else ""
                self.warn(f"{rel}: invalid YAML{where}, skipped")
            except (yaml.YAMLError, RecursionError):
                self.warn(f"{rel}: invalid YAML, skipped")
            return None

        return self._cached("yaml", rel, parse) if self.has(rel) else None

    def ini(self, rel: str) -> configparser.ConfigParser | None:
        def parse(text: str) -> configparser.ConfigParser | None:
            return _parse_ini(text, rel, self.warn)

        return self._cached("ini", rel, parse) if self.has(rel) else None

    # -- findings ----------------------------------------------------------
    def add(
        self,
        kind: str,
        command: str,
        source: str,
        detail: str = "",
        *,
        tier: int = TIER_INFERRED,
        root: bool = True,
    ) -> None:
        self.cands.append(_Cand(kind, command, source, _short(detail), tier, root))

    def convention(self, category: int, text: str) -> None:
        self._conventions.append((category, text))

    def tool(self, role: str, name: str) -> None:
        self.tools[role].add(name)

    def line_length(self, value: object, tool: str) -> None:
        if isinstance(value, int | str) and str(value).strip().isdigit():
            self.line_lengths.setdefault(str(value).strip(), []).append(tool)

    def framework_from(self, names: Iterable[str], table: Mapping[str, str]) -> None:
        for name in names:
            low = name.lower()
            if low in table:
                self.frameworks.add(table[low])

    def mentions(self, needle: str) -> bool:
        haystack = [c.command + " " + c.detail for c in self.cands + self.ci]
        return any(needle in h for h in haystack)

    def conventions(self) -> tuple[str, ...]:
        ordered = sorted(enumerate(self._conventions), key=lambda p: (p[1][0], p[0]))
        seen: list[str] = []
        for _, (_, text) in ordered:
            if text not in seen:
                seen.append(text)
        return tuple(seen)
