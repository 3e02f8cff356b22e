"""Build/test/lint commands and conventions, from manifests and CI config.

`detect_project` reads (never executes) the manifests, task-runner files and CI
workflows of a repository and answers: how do I build, test, lint, format,
type-check, run and install this project, typed at the repository root?  It also
collects the conventions an agent should respect (line length, layout, tool
choices, versions, lockfiles) and the frameworks in use.

Ranking inside a kind (best first):
  1. root commands before commands of monorepo packages;
  2. explicit task runners the project wrote (Makefile, justfile, Taskfile,
     package.json / composer scripts, tox, nox, hatch, pdm, poe) before commands
     inferred from tool configuration or manifests;
  3. inside a tier: confirmed by CI, then CI-only, then unconfirmed;
  4. ties by source path, then the script named exactly like its kind
     (`make test` before `make test-unit`), then line, fragment and command.
"""

from __future__ import annotations

import bisect
import configparser
import dataclasses
import json
import posixpath
import re
import shlex
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

__all__ = ["KINDS", "MAX_PER_KIND", "Command", "ProjectFacts", "detect_project"]

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
_DETAIL_MAX = 120
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


# ---------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _pairs(text: str) -> dict[str, str]:
    """`"a=x b=y"` → {"a": "x", "b": "y"} (compact lookup tables)."""
    return dict(item.split("=", 1) for item in text.split())


def _ancestors(files: Iterable[str]) -> set[str]:
    """Every directory that contains an indexed file ("a/b/c.py" → "a", "a/b")."""
    out: set[str] = set()
    for rel in files:
        cut = rel.rfind("/")
        while cut > 0 and rel[:cut] not in out:
            out.add(rel[:cut])
            cut = rel.rfind("/", 0, cut)
    return out


def _parent(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else "."


def _suffix(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""


def _clean_rel(path: str) -> str:
    path = path.replace("\\", "/").strip()
    while path.startswith("./"):
        path = path[2:]
    return path.strip("/")


def _line_of(message: str) -> str:
    m = re.search(r"line (\d+)", message)
    return f" (line {m.group(1)})" if m else ""


def _parse_ini(
    text: str, rel: str, warn: Callable[[str], None]
) -> configparser.ConfigParser | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        if line is None and isinstance(exc, configparser.ParsingError) and exc.errors:
            line = exc.errors[0][0]
        warn(f"{rel}: invalid INI{f' (line {line})' if line else ''}, skipped")
        return None
    return parser


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 3].rstrip() + "..."


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _table(value: object, *keys: str) -> dict[str, Any]:
    """Nested table lookup tolerant of missing keys and wrong types: {} when absent."""
    for key in keys:
        value = _dict(value).get(key)
    return _dict(value)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strs(value: object) -> list[str]:
    """A string or list of strings (TOML/JSON/YAML) as a list of strings."""
    if isinstance(value, str):
        return [value]
    return [v for v in _list(value) if isinstance(v, str)]


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


def _split_source(source: str) -> tuple[str, int, str]:
    m = re.fullmatch(r"(.*?):(\d+)", source)
    if m:
        return m.group(1), int(m.group(2)), ""
    path, _, frag = source.partition("#")
    return path, 0, frag


def _tokens(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=False, posix=True)
    except ValueError:
        return command.split()


def _req_name(spec: str) -> str:
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return re.sub(r"[-_.]+", "-", m.group(1)).lower() if m else ""


def _section_line(text: str, header: str) -> int:
    """1-based line of an INI `[header]` (0 when absent)."""
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip() == f"[{header}]":
            return i
    return 0


def _key_line(text: str, key: str, start: int = 0) -> int:
    """1-based line of the first `key =`/`key:` at or after line `start`."""
    rx = re.compile(rf"\s*{re.escape(key)}\s*[=:]")
    for i, line in enumerate(text.splitlines()[start:], start + 1):
        if rx.match(line):
            return i
    return 0


def _glob_regex(glob: str) -> re.Pattern[str]:
    glob = _clean_rel(glob)
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            if glob.startswith("/", i):
                out[-1] = "(?:.*/)?"
                i += 1
            continue
        ch = glob[i]
        out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out))


def _expand_braces(text: str) -> list[str]:
    m = re.search(r"\{([^{}]*)\}", text)
    if not m:
        return [text]
    head, tail = text[: m.start()], text[m.end() :]
    out: list[str] = []
    for option in m.group(1).split(","):
        out.extend(_expand_braces(head + option.strip() + tail))
    return out


def _split_top_level(text: str) -> list[str]:
    """Split on commas/newlines outside `{...}` (tox envlists: `py{310,311}, lint`)."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if ch in ",\n" and depth <= 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return [p for p in parts if p]


def _script_label(body: object) -> str:
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        return "; ".join(_script_label(b) for b in body if _script_label(b))
    if isinstance(body, dict):
        for key in ("cmd", "shell", "call", "script", "composite", "sequence", "ref"):
            if key in body:
                return _script_label(body[key])
    return ""


def _runs(body: str) -> str:
    return f"runs: {body}" if body.strip() else ""


# ---------------------------------------------------------------------------
# classifying names and command lines
# ---------------------------------------------------------------------------

_NAME_PARTS: tuple[tuple[str, frozenset[str]], ...] = tuple(
    (kind, frozenset(_words(words)))
    for kind, words in (
        ("typecheck", "typecheck typechecks types type typing mypy pyright tsc"),
        ("format", "fmt format formatting prettier black isort"),
        ("lint", "lint lints linting eslint flake8 ruff clippy vet style"),
        ("test", "test tests testing spec specs unit unittest e2e integration coverage cov check"),
        ("build", "build all compile dist bundle package wheel"),
        ("run", "run serve server dev start watch preview"),
        ("install", "install setup deps bootstrap sync venv"),
    )
)
_WEAK_NAMES = frozenset({"check", "checks", "ci", "verify", "validate", "qa", "all", "default"})


def _name_kind(name: str) -> str | None:
    """Kind of a task/script/target name (`test:unit` → test), or None."""
    parts = [p for p in re.split(r"[:_\-./\s]+", name.lower()) if p]
    if not parts:
        return None
    if re.fullmatch(r"(py|pypy)\d*", parts[0]):
        return "test"
    strong = [p for p in parts if p not in ("check", "checks", "all")] or parts
    for part in strong:
        for kind, words in _NAME_PARTS:
            if part in words:
                return kind
    return None


def _script_kind(name: str, body: str, context: str = "") -> str:
    """Kind of a named script: strong name, else what its body runs, else context."""
    by_name = _name_kind(name)
    if by_name and name.lower() not in _WEAK_NAMES:
        return by_name
    for line in body.splitlines() or [body]:
        by_body = _line_kind(line)
        if by_body and by_body != "other":
            return by_body
    by_context = _name_kind(context) if context else None
    return by_context or by_name or "other"


def _line_kind(line: str) -> str | None:
    for segment in _segments(line):
        kind = _tool_kind(_tokens(segment))
        if kind:
            return kind
    return None


def _segments(line: str) -> list[str]:
    """Simple commands in a shell line: split on && and ;, cut at || and pipes."""
    out = []
    for part in re.split(r"\s*(?:&&|;)\s*", line):
        part = re.split(r"\s\|\|?\s", f" {part} ")[0].strip()
        part = _REDIRECTS.sub("", part).strip()  # `swift test 2>&1`: where CI keeps output
        if part:
            out.append(part)
    return out


_REDIRECTS = re.compile(r"(?:\s+(?:\d?>>?|&>|<)\s*(?:&\d|[^\s&|;<>]+))+\s*$")


_ENV_ASSIGN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=.*")
_PYTHON = re.compile(r"(python[\d.]*|py|pypy[\d.]*|\$[({]?PYTHON\w*[)}]?)")
_FLAG_WITH_VALUE = frozenset(
    _words(
        "--with --python -p --extra --group --package --directory --project --env-file "
        "--filter -F -w --workspace -C --dir --prefix -f --file -e -s"
    )
)
_RUNNERS_2 = frozenset(
    tuple(pair.split("/"))
    for pair in _words(
        "uv/run poetry/run pdm/run pipenv/run rye/run pixi/run hatch/run bundle/exec "
        "pnpm/exec pnpm/dlx npm/exec yarn/dlx yarn/exec pipx/run"
    )
)
_RUNNERS_1 = frozenset({"npx", "bunx", "time", "xvfb-run", "env", "sudo", "nice", "exec", "poe"})
_SCRIPT_RUNNERS = frozenset({"pdm", "hatch", "rye", "pixi", "poe"})


def _prog(token: str) -> str:
    token = re.sub(r"^\$[({]MAKE[)}]$", "make", token)
    base = token.rsplit("/", 1)[-1].lower()
    return base.removesuffix(".exe").removesuffix(".cmd")


def _strip_wrappers(tokens: list[str]) -> tuple[list[str], bool]:
    """Drop env assignments and runner prefixes; True when a script runner was seen."""
    toks = list(tokens)
    via_script_runner = False
    while toks:
        head = _prog(toks[0])
        if _ENV_ASSIGN.fullmatch(toks[0]):
            toks = toks[1:]
        elif len(toks) > 1 and (head, toks[1]) in _RUNNERS_2:
            via_script_runner |= head in _SCRIPT_RUNNERS
            toks = _drop_flags(toks[2:])
        elif head in _RUNNERS_1:
            via_script_runner |= head == "poe"
            toks = _drop_flags(toks[1:])
        elif _PYTHON.fullmatch(toks[0].rsplit("/", 1)[-1]) and toks[1:2] == ["-m"]:
            toks = toks[2:]
        else:
            break
    return toks, via_script_runner


def _drop_flags(toks: list[str]) -> list[str]:
    while toks and toks[0].startswith("-"):
        flag = toks.pop(0)
        if flag in _FLAG_WITH_VALUE and toks and "=" not in flag:
            toks.pop(0)
    return toks


def _positionals(args: list[str]) -> list[str]:
    out = []
    skip = False
    for arg in args:
        if skip:
            skip = False
            continue
        if arg.startswith("-"):
            skip = arg in _FLAG_WITH_VALUE
            continue
        out.append(arg)
    return out


def _flag_value(args: list[str], *flags: str) -> str:
    for i, arg in enumerate(args):
        for flag in flags:
            if arg == flag and i + 1 < len(args):
                return args[i + 1]
            if arg.startswith(flag + "=") or (
                len(flag) == 2 and arg.startswith(flag) and arg != flag
            ):
                return arg[len(flag) :].lstrip("=")
    return ""


_SIMPLE_TOOLS: dict[str, str] = {
    **dict.fromkeys(
        _words(
            "pytest py.test unittest nose2 ward vitest jest mocha ava jasmine karma tap c8 nyc "
            "rspec phpunit pest ctest bats gotestsum cucumber behave"
        ),
        "test",
    ),
    **dict.fromkeys(
        _words(
            "flake8 pylint pyflakes pycodestyle pydocstyle bandit codespell vulture semgrep eslint "
            "oxlint stylelint markdownlint markdownlint-cli2 shellcheck hadolint yamllint rubocop "
            "standardrb golangci-lint staticcheck revive ktlint detekt swiftlint phpcs actionlint "
            "typos cpplint clang-tidy xo deptry pre-commit"
        ),
        "lint",
    ),
    **dict.fromkeys(
        _words("mypy pyright basedpyright pytype pyre vue-tsc svelte-check phpstan psalm flow ty"),
        "typecheck",
    ),
    **dict.fromkeys(
        _words(
            "black isort autopep8 yapf autoflake docformatter prettier gofmt goimports gofumpt "
            "rustfmt clang-format dprint php-cs-fixer ktfmt swiftformat stylua shfmt"
        ),
        "format",
    ),
    **dict.fromkeys(
        _words("webpack rollup esbuild tsup parcel pyinstaller ninja build"),
        "build",
    ),
    **dict.fromkeys(
        _words("node ts-node tsx nodemon uvicorn gunicorn hypercorn daphne streamlit"),
        "run",
    ),
    **dict.fromkeys(_words("sphinx-build mkdocs typedoc twine docker-compose"), "other"),
}

_JS_FRAMEWORK_CLI = frozenset(
    _words(
        "next nuxt nuxi vite astro remix gatsby ng vue-cli-service react-scripts svelte-kit expo"
    )
)
_PM_BUILTINS = frozenset(
    _words(
        "add remove update upgrade outdated publish pack link unlink store audit why list ls env "
        "setup create licenses patch config fetch import rebuild prune deploy info init version "
        "cache login logout dedupe require dump-autoload self-update show validate diagnose "
        "global help bin root"
    )
)


def _tool_kind(tokens: list[str]) -> str | None:
    """Kind of a simple command line (tokens), or None when not recognised."""
    toks, via_script_runner = _strip_wrappers(tokens)
    if not toks:
        return None
    prog = _prog(toks[0])
    args = toks[1:]
    kind = _SIMPLE_TOOLS.get(prog) or _complex_tool_kind(prog, args)
    if kind is None and via_script_runner:
        kind = _name_kind(toks[0].split(":")[-1])
    return kind


def _complex_tool_kind(prog: str, args: list[str]) -> str | None:
    handler = _HANDLERS.get(prog)
    if handler is not None:
        return handler(args)
    if prog in _JS_FRAMEWORK_CLI:
        return _js_cli_kind(args)
    if _PYTHON.fullmatch(prog):
        return _python_cli_kind(args)
    return None


def _sub(args: list[str]) -> str:
    pos = _positionals(args)
    return pos[0] if pos else ""


def _js_cli_kind(args: list[str]) -> str | None:
    sub = _sub(args)
    if sub in ("build", "export", "generate"):
        return "build"
    if sub == "test":
        return "test"
    if sub == "lint":
        return "lint"
    return "run"


def _python_cli_kind(args: list[str]) -> str | None:
    pos = _positionals(args)
    if pos[:1] in (["manage.py"], ["./manage.py"]) or pos[:1] == ["setup.py"]:
        return _manage_py_kind(pos[1:])
    return None


def _manage_py_kind(args: list[str]) -> str | None:
    sub = _sub(args)
    return {"test": "test", "runserver": "run", "build": "build", "check": "lint"}.get(sub)


def _tox_kind(args: list[str]) -> str | None:
    env = _flag_value(args, "-e", "--env")
    return (_name_kind(env.split(",")[0]) or "other") if env else "test"


def _nox_kind(args: list[str]) -> str | None:
    session = _flag_value(args, "-s", "--session", "--sessions", "-e")
    return (_name_kind(session) or "other") if session else "test"


def _ruff_kind(args: list[str]) -> str | None:
    return "format" if _sub(args) == "format" else "lint"


def _biome_kind(args: list[str]) -> str | None:
    return "format" if _sub(args) == "format" else "lint"


_CARGO_SUBCOMMANDS = _pairs(
    "build=build b=build test=test t=test nextest=test clippy=lint fmt=format "
    "check=typecheck c=typecheck run=run r=run bench=other doc=other fetch=install"
)
_GO_SUBCOMMANDS = _pairs(
    "build=build install=build test=test vet=lint fmt=format run=run generate=other"
)


def _cargo_kind(args: list[str]) -> str | None:
    return _CARGO_SUBCOMMANDS.get(_sub(args))


def _go_kind(args: list[str]) -> str | None:
    sub = _sub(args)
    if sub == "mod":
        return "install" if "download" in args else "other"
    return _GO_SUBCOMMANDS.get(sub)


def _target_kind(args: list[str]) -> str | None:
    target = _sub(args)
    return (_name_kind(target) or "other") if target else None


def _make_kind(args: list[str]) -> str | None:
    return _target_kind(args) or "build"


def _rake_kind(args: list[str]) -> str | None:
    return _target_kind(args) or "test"


def _npm_kind(args: list[str]) -> str | None:
    pos = _positionals(args)
    sub = pos[0] if pos else ""
    if sub in ("test", "t", "tst"):
        return "test"
    if sub in ("start", "restart"):
        return "run"
    if sub in ("ci", "install", "i", "clean-install"):
        return "install"
    if sub in ("run", "run-script", "rum", "urn") and len(pos) > 1:
        return _name_kind(pos[1]) or "other"
    return None


def _pnpm_like_kind(args: list[str], *, bun: bool) -> str | None:
    pos = _positionals(args)
    if not pos:
        return "install"
    sub = pos[0]
    if sub in ("install", "i", "ci"):
        return "install"
    if sub in ("test", "t"):
        return "test"
    if sub == "start":
        return "run"
    if sub == "run" and len(pos) > 1:
        return _name_kind(pos[1]) or "other"
    if sub in ("workspace", "workspaces") and len(pos) > 2:
        return _name_kind(pos[-1]) or "other"
    if sub == "build" and bun:
        return "build"  # `bun build` is the bundler
    if sub in _PM_BUILTINS or sub == "run":
        return None
    return _name_kind(sub) or "other"


def _pnpm_kind(args: list[str]) -> str | None:
    return _pnpm_like_kind(args, bun=False)


def _bun_kind(args: list[str]) -> str | None:
    return _pnpm_like_kind(args, bun=True)


def _mvn_kind(args: list[str]) -> str | None:
    goals = [g for g in _positionals(args) if g != "clean"]
    if any(g in ("test", "verify") for g in goals) and "-DskipTests" not in args:
        return "test"
    for goal in goals:
        if goal.startswith("spotless:") or goal.startswith("fmt:"):
            return "format"
        if any(t in goal for t in ("checkstyle", "pmd", "spotbugs")):
            return "lint"
        if goal in ("spring-boot:run", "exec:java", "quarkus:dev", "jetty:run"):
            return "run"
        if goal in ("package", "install", "compile", "verify", "deploy"):
            return "build"
    return None


def _gradle_kind(args: list[str]) -> str | None:
    for task in (t.rsplit(":", 1)[-1] for t in _positionals(args)):
        if task in ("test", "check") or task.endswith("Test"):
            return "test"
        if task in ("build", "assemble", "jar", "bootJar", "shadowJar", "compileJava"):
            return "build"
        if task.startswith("spotless") or task.startswith("ktfmt"):
            return "format"
        if task in ("detekt", "ktlintCheck", "lint") or task.startswith("checkstyle"):
            return "lint"
        if task in ("run", "bootRun"):
            return "run"
    return None


def _cmake_kind(args: list[str]) -> str | None:
    return (
        "build" if any(a in ("--build", "-S", "-B") or a.startswith("-B") for a in args) else None
    )


def _subcommand_table(table: Mapping[str, str]) -> Callable[[list[str]], str | None]:
    def kind(args: list[str]) -> str | None:
        return table.get(_sub(args))

    return kind


def _composer_kind(args: list[str]) -> str | None:
    pos = _positionals(args)
    sub = pos[0] if pos else ""
    if sub in ("install", "i"):
        return "install"
    if sub == "test":
        return "test"
    if sub in ("run-script", "run") and len(pos) > 1:
        return _name_kind(pos[1]) or "other"
    if not sub or sub in _PM_BUILTINS:
        return None
    return _name_kind(sub) or "other"


def _pre_commit_kind(args: list[str]) -> str | None:
    return "lint" if _sub(args) in ("run", "") else None


def _hatch_kind(args: list[str]) -> str | None:
    return {"test": "test", "fmt": "format", "build": "build"}.get(_sub(args))


def _pm_py_kind(args: list[str]) -> str | None:
    sub = _sub(args)
    if sub == "pip":
        return "install" if "install" in args else None
    return {"build": "build", "install": "install", "sync": "install"}.get(sub)


def _pip_kind(args: list[str]) -> str | None:
    return "install" if _sub(args) == "install" else None


def _tsc_kind(args: list[str]) -> str | None:
    return "typecheck" if ("--noEmit" in args or "-noEmit" in args) else "build"


def _coverage_kind(args: list[str]) -> str | None:
    return "test" if _sub(args) in ("run", "") else None


def _build_test_table(**extra: str) -> Callable[[list[str]], str | None]:
    return _subcommand_table({"build": "build", "test": "test", "run": "run", **extra})


_HANDLERS: dict[str, Callable[[list[str]], str | None]] = {
    "tox": _tox_kind,
    "nox": _nox_kind,
    "ruff": _ruff_kind,
    "biome": _biome_kind,
    "cargo": _cargo_kind,
    "go": _go_kind,
    "make": _make_kind,
    "gmake": _make_kind,
    "just": _target_kind,
    "task": _target_kind,
    "mage": _target_kind,
    "invoke": _target_kind,
    "inv": _target_kind,
    "rake": _rake_kind,
    "npm": _npm_kind,
    "pnpm": _pnpm_kind,
    "yarn": _pnpm_kind,
    "bun": _bun_kind,
    "mvn": _mvn_kind,
    "mvnw": _mvn_kind,
    "gradle": _gradle_kind,
    "gradlew": _gradle_kind,
    "cmake": _cmake_kind,
    "composer": _composer_kind,
    "pre-commit": _pre_commit_kind,
    "hatch": _hatch_kind,
    "uv": _pm_py_kind,
    "poetry": _pm_py_kind,
    "pdm": _pm_py_kind,
    "pipenv": _pm_py_kind,
    "pip": _pip_kind,
    "pip3": _pip_kind,
    "tsc": _tsc_kind,
    "coverage": _coverage_kind,
    "deno": _subcommand_table(
        _pairs("test=test lint=lint fmt=format check=typecheck run=run task=other compile=build")
    ),
    "manage.py": _manage_py_kind,
    "playwright": _subcommand_table({"test": "test"}),
    "cypress": _subcommand_table({"run": "test"}),
    "dotnet": _build_test_table(format="format", restore="install"),
    "rails": _subcommand_table(
        {"test": "test", "spec": "test", "server": "run", "s": "run", "assets:precompile": "build"}
    ),
    "bundle": _subcommand_table({"install": "install", "": "install"}),
    "flask": _subcommand_table({"run": "run"}),
    "fastapi": _subcommand_table({"dev": "run", "run": "run"}),
    "meson": _subcommand_table({"test": "test", "compile": "build", "setup": "build"}),
    "swift": _build_test_table(),
    "zig": _build_test_table(),
    "mix": _subcommand_table(
        {"test": "test", "format": "format", "compile": "build", "credo": "lint"}
    ),
    "dart": _subcommand_table({"test": "test", "analyze": "lint", "format": "format"}),
    "flutter": _subcommand_table({"test": "test", "analyze": "lint", "build": "build"}),
    "cabal": _build_test_table(),
    "stack": _build_test_table(),
    "dune": _build_test_table(fmt="format"),
}


# ---------------------------------------------------------------------------
# normalising commands to merge manifest and CI spellings
# ---------------------------------------------------------------------------

_NOISE_FLAGS = frozenset(
    {"-q", "--quiet", "-B", "--batch-mode", "-ntp", "--no-transfer-progress", "--no-color"}
)


def _norm_key(command: str) -> tuple[str, ...]:
    toks = _tokens(command)
    while toks and _ENV_ASSIGN.fullmatch(toks[0]):
        toks = toks[1:]
    changed = True
    while changed and toks:
        changed = False
        if len(toks) > 1 and (toks[0], toks[1]) in {
            ("uv", "run"),
            ("poetry", "run"),
            ("pdm", "run"),
            ("pipenv", "run"),
            ("rye", "run"),
            ("bundle", "exec"),
        }:
            toks, changed = _drop_flags(toks[2:]), True
        elif len(toks) > 1 and _PYTHON.fullmatch(toks[0]) and toks[1] == "-m":
            toks, changed = toks[2:], True
    toks = [t for t in toks if t not in _NOISE_FLAGS]
    if toks[:1] == ["./mvnw"]:
        toks[0] = "mvn"
    if toks[:1] == ["./gradlew"]:
        toks[0] = "gradle"
    if toks[:2] in (["npm", "run"], ["npm", "run-script"]) and toks[2:3] in (["test"], ["start"]):
        toks = ["npm", *toks[2:]]
    elif toks[:1] in (["pnpm"], ["yarn"]) and "run" in toks[1:-1]:
        toks.remove("run")  # `pnpm --filter x run build` is `pnpm --filter x build`
    elif toks[:2] == ["cargo", "fmt"]:
        toks = [t for t in toks if t != "--"]
    return tuple(toks)


_SHORT_VALUED = frozenset(_words("-k -m -n -j -o -c -t -r"))
_SCOPE_FLAGS = {  # flags that narrow a command to one package or directory
    "cargo": frozenset(_words("-p --package --manifest-path")),
    "pnpm": frozenset(_words("--filter -F -C --dir")),
    "npm": frozenset(_words("-w --workspace --prefix")),
    "yarn": frozenset(_words("--cwd")),
    "bun": frozenset(_words("--filter --cwd")),
    "mvn": frozenset(_words("-pl --projects -f --file")),
    "gradle": frozenset(_words("-p --project-dir")),
    "make": frozenset(_words("-C --directory -f --file")),
}


def _confirms(base: tuple[str, ...], ci: tuple[str, ...]) -> bool:
    """True when CI runs `base` with extra flags only (`pytest` ← `pytest -q --cov`)."""
    if base == ci:
        return True
    if not base or not ci or base[0] != ci[0] or not set(base) <= set(ci):
        return False
    known = set(base)
    scope = _SCOPE_FLAGS.get(ci[0], frozenset())
    if any(t.split("=")[0] in scope for t in ci if t not in known):
        return False  # CI ran it for one package/dir only
    passthrough = ci.index("--") if "--" in ci and "--" not in known else len(ci)
    for i, tok in enumerate(ci):
        if tok in known or tok.startswith("-") or i > passthrough:
            continue
        prev = ci[i - 1] if i else ""
        takes_value = prev.startswith("--") or prev in _FLAG_WITH_VALUE or prev in _SHORT_VALUED
        if takes_value and prev not in known and "=" not in prev:
            continue
        return False
    base_pos = [t for t in base if not t.startswith("-")]
    ci_pos = [t for t in ci if t in known and not t.startswith("-")]
    return _dedupe(ci_pos) == _dedupe(base_pos)


def _dedupe(items: Iterable[str]) -> list[str]:
    seen: list[str] = []
    for item in items:
        if item not in seen:
            seen.append(item)
    return seen


# ---------------------------------------------------------------------------
# YAML node helpers (composed nodes keep line numbers)
# ---------------------------------------------------------------------------


def _yitems(node: yaml.Node | None) -> list[tuple[str, yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    out: list[tuple[str, yaml.Node, yaml.Node]] = []
    seen: set[str] = set()
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value not in seen:
            seen.add(key.value)
            out.append((str(key.value), key, value))
    return out


def _ymap(node: yaml.Node | None) -> dict[str, yaml.Node]:
    return {name: value for name, _, value in _yitems(node)}


def _yseq(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _ystr(node: yaml.Node | None) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _yline(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar_lines(node: yaml.Node) -> list[tuple[int, str]]:
    """(1-based line, text) of each line of a scalar; block scalars start below `|`."""
    text = _ystr(node)
    first = _yline(node) + (1 if getattr(node, "style", None) in ("|", ">") else 0)
    return [(first + i, line) for i, line in enumerate(text.splitlines())]


# ---------------------------------------------------------------------------
# Python: pyproject.toml, setup.cfg, requirements, tox, nox
# ---------------------------------------------------------------------------

_PY_FRAMEWORKS = {
    **{
        n: n
        for n in _words(
            "django flask fastapi starlette aiohttp tornado pyramid sanic litestar streamlit "
            "gradio pytest hypothesis celery sqlalchemy pydantic typer click scrapy tensorflow "
            "jax dash"
        )
    },
    "torch": "pytorch",
    "djangorestframework": "django-rest-framework",
}
_PY_RUN = {"uv": "uv run ", "poetry": "poetry run ", "pdm": "pdm run ", "pipenv": "pipenv run "}


def _requirement_files(ctx: _Ctx) -> list[str]:
    return ctx.match_root(r"requirements[^/]*\.(txt|in)") + ctx.match(
        r"requirements/[^/]+\.(txt|in)", "requirements/"
    )


def _python_project(ctx: _Ctx) -> None:
    """Which Python package manager runs the project (prefix for tool commands)."""
    py = ctx.toml("pyproject.toml")
    ctx.pyproject = py or {}
    tool = _dict(ctx.pyproject.get("tool"))
    pdm = _dict(tool.get("pdm"))
    is_python = bool(
        ctx.has("pyproject.toml")
        or ctx.first("setup.py", "setup.cfg", "Pipfile")
        or _requirement_files(ctx)
    )
    if not is_python:
        return
    hatch_envs = bool(_dict(tool.get("hatch")).get("envs")) or ctx.has("hatch.toml")
    if ctx.has("uv.lock"):
        ctx.py_pm = "uv"
    elif ctx.has("poetry.lock") or "poetry" in tool:
        ctx.py_pm = "poetry"
    elif ctx.has("pdm.lock") or "scripts" in pdm or "dev-dependencies" in pdm:
        ctx.py_pm = "pdm"
    elif ctx.first("Pipfile", "Pipfile.lock"):
        ctx.py_pm = "pipenv"
    elif hatch_envs:
        ctx.py_pm = "hatch"
    else:
        ctx.py_pm = "pip"
    ctx.py_run = _PY_RUN.get(ctx.py_pm, "")
    ctx.pms.add(ctx.py_pm)
    if hatch_envs:
        ctx.pms.add("hatch")
    _python_deps(ctx)
    _python_version(ctx)


def _python_deps(ctx: _Ctx) -> None:
    def note(names: Iterable[str], source: str) -> None:
        for name in names:
            if name:
                ctx.py_deps.setdefault(name, source)

    project = _dict(ctx.pyproject.get("project"))
    tool = _dict(ctx.pyproject.get("tool"))
    note(map(_req_name, _strs(project.get("dependencies"))), "pyproject.toml#project.dependencies")
    for extra, specs in sorted(_dict(project.get("optional-dependencies")).items()):
        note(map(_req_name, _strs(specs)), f"pyproject.toml#project.optional-dependencies.{extra}")
    for group, specs in sorted(_dict(ctx.pyproject.get("dependency-groups")).items()):
        note(map(_req_name, _strs(specs)), f"pyproject.toml#dependency-groups.{group}")
    poetry = _dict(tool.get("poetry"))
    note(map(_req_name, _dict(poetry.get("dependencies"))), "pyproject.toml#tool.poetry")
    note(map(_req_name, _dict(poetry.get("dev-dependencies"))), "pyproject.toml#tool.poetry")
    for group, table in sorted(_dict(poetry.get("group")).items()):
        deps = _table(table, "dependencies")
        note(map(_req_name, deps), f"pyproject.toml#tool.poetry.group.{group}")
    for group, specs in sorted(_table(tool, "pdm", "dev-dependencies").items()):
        note(map(_req_name, _strs(specs)), f"pyproject.toml#tool.pdm.dev-dependencies.{group}")
    envs = _table(tool, "hatch", "envs")
    for env, table in sorted(envs.items(), key=lambda kv: (kv[0] != "default", kv[0])):
        specs = _strs(_dict(table).get("dependencies")) + _strs(
            _dict(table).get("extra-dependencies")
        )
        note(map(_req_name, specs), f"pyproject.toml#tool.hatch.envs.{env}")
        for name in map(_req_name, specs):
            ctx.hatch_dep_env.setdefault(name, env)
    for rel in _requirement_files(ctx):
        text = ctx.text(rel) or ""
        names = [_req_name(ln) for ln in text.splitlines() if not ln.strip().startswith(("-", "#"))]
        note(names, rel)
    _setup_cfg_deps(ctx, note)
    pipfile = ctx.toml("Pipfile") or {}
    note(map(_req_name, _dict(pipfile.get("packages"))), "Pipfile")
    note(map(_req_name, _dict(pipfile.get("dev-packages"))), "Pipfile")
    ctx.framework_from(ctx.py_deps, _PY_FRAMEWORKS)


def _setup_cfg_deps(ctx: _Ctx, note: Callable[[Iterable[str], str], None]) -> None:
    cfg = ctx.ini("setup.cfg")
    if cfg is None or not cfg.has_section("options"):
        return
    lines = cfg.get("options", "install_requires", fallback="").splitlines()
    if cfg.has_section("options.extras_require"):
        for _, value in cfg.items("options.extras_require"):
            lines += value.splitlines()
    note((_req_name(ln) for ln in lines), "setup.cfg")


def _python_version(ctx: _Ctx) -> None:
    project = _dict(ctx.pyproject.get("project"))
    requires = _str(project.get("requires-python"))
    poetry_py = _str(_table(ctx.pyproject, "tool", "poetry", "dependencies").get("python"))
    if requires:
        ctx.convention(_C_VERSION, f"Python {requires} (requires-python)")
    elif poetry_py:
        ctx.convention(_C_VERSION, f"Python {poetry_py} (tool.poetry.dependencies)")
    pinned = ctx.first_line(".python-version")
    if pinned:
        ctx.convention(_C_VERSION, f"Python {pinned} (.python-version)")


def _py_prefix(ctx: _Ctx, tool: str) -> str:
    """How to invoke a Python tool: `uv run `, `poetry run `, `hatch run ENV:`, or bare."""
    if ctx.py_pm != "hatch":
        return ctx.py_run
    env = ctx.hatch_dep_env.get(tool, "")
    if not env:
        return ""
    return "hatch run " if env == "default" else f"hatch run {env}:"


def _hatch_scripts(ctx: _Ctx) -> None:
    """[tool.hatch.envs.ENV.scripts] (or hatch.toml [envs...]) → `hatch run [ENV:]NAME`."""
    sources = [
        (
            "pyproject.toml",
            "tool.hatch.envs",
            _table(ctx.pyproject, "tool", "hatch").get("envs"),
        )
    ]
    hatch_toml = ctx.toml("hatch.toml")
    if hatch_toml:
        sources.append(("hatch.toml", "envs", hatch_toml.get("envs")))
    for rel, prefix, envs in sources:
        for env, table in sorted(_dict(envs).items()):
            if env == "hatch-test":
                ctx.add("test", "hatch test", f"{rel}#{prefix}.hatch-test", tier=TIER_EXPLICIT)
            if env == "hatch-static-analysis":
                ctx.add("format", "hatch fmt", f"{rel}#{prefix}.{env}", tier=TIER_EXPLICIT)
            for name, body in sorted(_table(table, "scripts").items()):
                label = _script_label(body)
                command = f"hatch run {name}" if env == "default" else f"hatch run {env}:{name}"
                kind = _script_kind(name, label, context=env)
                source = f"{rel}#{prefix}.{env}.scripts.{name}"
                ctx.add(kind, command, source, _runs(label), tier=TIER_EXPLICIT)


def _pdm_scripts(ctx: _Ctx) -> None:
    scripts = _table(ctx.pyproject, "tool", "pdm", "scripts")
    for name, body in sorted(scripts.items()):
        if name.startswith("_") or re.match(r"(pre|post)_", name):
            continue
        label = _script_label(body)
        source = f"pyproject.toml#tool.pdm.scripts.{name}"
        kind = _script_kind(name, label)
        ctx.add(kind, f"pdm run {name}", source, _runs(label), tier=TIER_EXPLICIT)


def _poe_tasks(ctx: _Ctx) -> None:
    tasks = _table(ctx.pyproject, "tool", "poe", "tasks")
    for name, body in sorted(tasks.items()):
        if name.startswith("_"):
            continue
        label = _script_label(body)
        source = f"pyproject.toml#tool.poe.tasks.{name}"
        kind = _script_kind(name, label)
        ctx.add(kind, f"{ctx.py_run}poe {name}", source, _runs(label), tier=TIER_EXPLICIT)


def _tox(ctx: _Ctx) -> None:
    """tox.ini / setup.cfg [tox:tox] / pyproject legacy_tox_ini / native TOML → `tox -e ENV`."""
    if ctx.has("tox.ini"):
        cfg = ctx.ini("tox.ini")
        if cfg is not None:
            _tox_ini(ctx, cfg, "tox.ini", "tox", ctx.text("tox.ini") or "")
    cfg_setup = ctx.ini("setup.cfg")
    if cfg_setup is not None and cfg_setup.has_section("tox:tox"):
        _tox_ini(ctx, cfg_setup, "setup.cfg", "tox:tox", ctx.text("setup.cfg") or "")
    tox_tool = _table(ctx.pyproject, "tool", "tox")
    legacy = _str(tox_tool.get("legacy_tox_ini"))
    if legacy:
        cfg = _parse_ini(legacy, "pyproject.toml#tool.tox.legacy_tox_ini", ctx.warn)
        if cfg is not None:
            _tox_ini(ctx, cfg, "pyproject.toml#tool.tox", "tox", "")
    elif tox_tool:
        _tox_toml(ctx, tox_tool, "pyproject.toml", "tool.tox.")
    tox_toml = ctx.toml("tox.toml")
    if tox_toml:
        _tox_toml(ctx, tox_toml, "tox.toml", "")


def _tox_ini(ctx: _Ctx, cfg: configparser.ConfigParser, rel: str, main: str, text: str) -> None:
    raw = cfg.get(main, "envlist", fallback="") or cfg.get(main, "env_list", fallback="")
    envs = [e for chunk in _split_top_level(raw) for e in _expand_braces(chunk) if e]
    default = set(envs)  # what plain `tox` runs; other envs are opt-in and rank lower
    for section in cfg.sections():
        if section.startswith("testenv:") and "{" not in section:
            envs.append(section.split(":", 1)[1].strip())
    base = cfg.get("testenv", "commands", fallback="")
    envlist_line = _key_line(text, "envlist") or _key_line(text, "env_list")
    for env in _dedupe(envs):
        section = f"testenv:{env}"
        body = cfg.get(section, "commands", fallback="") if cfg.has_section(section) else ""
        body = (body or base).strip()
        line = _section_line(text, section) or envlist_line
        source = f"{rel}:{line}" if line and ":" not in rel and "#" not in rel else rel
        first = body.splitlines()[0] if body else ""
        tier = TIER_EXPLICIT if env in default or not default else TIER_INFERRED
        ctx.add(_tox_env_kind(env, body), f"tox -e {env}", source, _runs(first), tier=tier)


def _tox_toml(ctx: _Ctx, table: dict[str, Any], rel: str, prefix: str) -> None:
    default = set(_strs(table.get("env_list")))  # what plain `tox` runs
    envs = _strs(table.get("env_list")) + sorted(_dict(table.get("env")))
    base = _tox_toml_commands(_dict(table.get("env_run_base")).get("commands"))
    for env in _dedupe(envs):
        body = _tox_toml_commands(_table(table, "env", env).get("commands")) or base
        source = (
            f"{rel}#{prefix}env.{env}"
            if env in _dict(table.get("env"))
            else f"{rel}#{prefix}env_list"
        )
        first = body.splitlines()[0] if body else ""
        tier = TIER_EXPLICIT if env in default or not default else TIER_INFERRED
        ctx.add(_tox_env_kind(env, body), f"tox -e {env}", source, _runs(first), tier=tier)


def _tox_toml_commands(value: object) -> str:
    lines = []
    for cmd in _list(value):
        if isinstance(cmd, list):
            lines.append(" ".join(str(part) for part in cmd if isinstance(part, str)))
    return "\n".join(lines)


def _tox_env_kind(env: str, body: str) -> str:
    first = env.split("-")[0]
    if re.fullmatch(r"(py|pypy)\d*", first):
        return "test"
    return _script_kind(env, body)


def _nox(ctx: _Ctx) -> None:
    """`@nox.session` functions in noxfile.py → `nox -s NAME`."""
    text = ctx.text("noxfile.py") if ctx.has("noxfile.py") else None
    if not text:
        return
    lines = text.splitlines()
    pending: tuple[int, str] | None = None
    for i, line in enumerate(lines):
        deco = re.match(r"\s*@(?:nox\.)?session\b(.*)", line)
        if deco:
            tail = " ".join(lines[i : i + 5]) if "(" in deco.group(1) else ""
            renamed = re.search(r"\bname\s*=\s*[\"']([^\"']+)[\"']", tail.split("def ")[0])
            pending = (i + 1, renamed.group(1) if renamed else "")
            continue
        func = re.match(r"\s*def\s+(\w+)\s*\(", line)
        if func and pending:
            name = pending[1] or func.group(1)
            body = _nox_body(lines[i + 1 :])
            kind = _script_kind(name, body)
            ctx.add(
                kind, f"nox -s {name}", f"noxfile.py:{pending[0]}", _runs(body), tier=TIER_EXPLICIT
            )
            pending = None


def _nox_body(lines: list[str]) -> str:
    for line in lines:
        if re.match(r"(@|def |class )", line):
            break
        m = re.search(r"session\.run\((.*)", line)
        if m:
            parts = re.findall(r"[\"']([^\"']*)[\"']", m.group(1))
            return " ".join(parts)
    return ""


def _python_tools(ctx: _Ctx) -> None:
    """Commands implied by tool configuration (pytest, ruff, black, isort, mypy, ...)."""
    if not ctx.py_pm:
        return
    tool = _dict(ctx.pyproject.get("tool"))
    _pytest(ctx, tool)
    _ruff(ctx, tool)
    _black_isort(ctx, tool)
    _mypy(ctx, tool)
    _pyright(ctx, tool)
    _flake8(ctx)
    _coverage(ctx, tool)
    if "pylint" in tool or ctx.first(".pylintrc", "pylintrc"):
        ctx.tool("linter", "pylint")


def _pytest(ctx: _Ctx, tool: dict[str, Any]) -> None:
    run = _py_prefix(ctx, "pytest")
    source = ""
    detail = ""
    pytest_tool = _dict(tool.get("pytest"))
    if pytest_tool:
        source = "pyproject.toml#tool.pytest"
        opts = _dict(pytest_tool.get("ini_options")) or pytest_tool
        paths = " ".join(_strs(opts.get("testpaths")))
        addopts = " ".join(_strs(opts.get("addopts")))
        detail = "; ".join(
            p
            for p in (
                f"testpaths: {paths}" if paths else "",
                f"addopts: {addopts}" if addopts else "",
            )
            if p
        )
    else:
        source = _ini_tool_source(
            ctx, (("pytest.ini", "pytest"), ("setup.cfg", "tool:pytest"), ("tox.ini", "pytest"))
        )
    if not source and "pytest" in ctx.py_deps and (ctx.has_dir("tests") or ctx.has_dir("test")):
        source = ctx.py_deps["pytest"]
    if not source and ctx.first("conftest.py", "tests/conftest.py", "test/conftest.py"):
        source = ctx.first("conftest.py", "tests/conftest.py", "test/conftest.py") or ""
    if source:
        ctx.add("test", f"{run}pytest", source, detail)
        ctx.frameworks.add("pytest")


def _ini_tool_source(ctx: _Ctx, candidates: Iterable[tuple[str, str]]) -> str:
    for rel, section in candidates:
        cfg = ctx.ini(rel)
        if cfg is not None and cfg.has_section(section):
            line = _section_line(ctx.text(rel) or "", section)
            return f"{rel}:{line}" if line else rel
    return ""


def _ruff(ctx: _Ctx, tool: dict[str, Any]) -> None:
    table: dict[str, Any] = {}
    source = ""
    for rel in ("ruff.toml", ".ruff.toml"):
        if ctx.has(rel):
            table, source = ctx.toml(rel) or {}, rel
            break
    if not source and "ruff" in tool:
        table, source = _dict(tool.get("ruff")), "pyproject.toml#tool.ruff"
    if not source:
        return
    run = _py_prefix(ctx, "ruff")
    ctx.add("lint", f"{run}ruff check .", source)
    ctx.tool("linter", "ruff")
    ctx.line_length(table.get("line-length"), "ruff")
    uses_format = "format" in table or "ruff-format" in ctx.hook_ids or ctx.mentions("ruff format")
    if uses_format:
        ctx.add("format", f"{run}ruff format .", source)
        ctx.tool("formatter", "ruff")


def _black_isort(ctx: _Ctx, tool: dict[str, Any]) -> None:
    if "black" in tool:
        ctx.add("format", f"{_py_prefix(ctx, 'black')}black .", "pyproject.toml#tool.black")
        ctx.tool("formatter", "black")
        ctx.line_length(_dict(tool.get("black")).get("line-length"), "black")
    isort_source = "pyproject.toml#tool.isort" if "isort" in tool else ""
    isort_source = isort_source or _ini_tool_source(
        ctx, ((".isort.cfg", "settings"), ("setup.cfg", "isort"), ("tox.ini", "isort"))
    )
    if isort_source:
        ctx.add("format", f"{_py_prefix(ctx, 'isort')}isort .", isort_source)
        ctx.tool("formatter", "isort")


def _mypy(ctx: _Ctx, tool: dict[str, Any]) -> None:
    source = ""
    files: list[str] = []
    strict = False
    if "mypy" in tool:
        table = _dict(tool.get("mypy"))
        source = "pyproject.toml#tool.mypy"
        files = _strs(table.get("files"))
        strict = table.get("strict") is True
    else:
        for rel, section in (("mypy.ini", "mypy"), (".mypy.ini", "mypy"), ("setup.cfg", "mypy")):
            cfg = ctx.ini(rel)
            if cfg is not None and cfg.has_section(section):
                source = _ini_tool_source(ctx, ((rel, section),))
                files = [
                    f.strip()
                    for f in re.split(r"[,\s]+", cfg.get(section, "files", fallback=""))
                    if f.strip()
                ]
                strict = cfg.get(section, "strict", fallback="").strip().lower() in (
                    "true",
                    "1",
                    "yes",
                )
                break
    if not source:
        return
    if files:
        command, detail = f"{_py_prefix(ctx, 'mypy')}mypy", f"checks: {' '.join(files)}"
    else:
        target = (
            "src" if ctx.has_dir("src") and ctx.match(r"src/[^/]+/__init__\.py", "src/") else "."
        )
        command, detail = f"{_py_prefix(ctx, 'mypy')}mypy {target}", ""
    ctx.add(
        "typecheck",
        command,
        source,
        detail + ("; strict" if strict and detail else "strict" if strict else ""),
    )
    ctx.tool("type checker", "mypy (strict)" if strict else "mypy")


def _pyright(ctx: _Ctx, tool: dict[str, Any]) -> None:
    source = "pyproject.toml#tool.pyright" if "pyright" in tool else ""
    mode = _str(_dict(tool.get("pyright")).get("typeCheckingMode"))
    if not source and ctx.has("pyrightconfig.json"):
        source = "pyrightconfig.json"
        mode = _str(_dict(ctx.json("pyrightconfig.json")).get("typeCheckingMode"))
    if not source:
        return
    prefix = _py_prefix(ctx, "pyright") if "pyright" in ctx.py_deps else ""
    ctx.add("typecheck", f"{prefix}pyright", source, f"mode: {mode}" if mode else "")
    ctx.tool("type checker", f"pyright ({mode})" if mode else "pyright")


def _flake8(ctx: _Ctx) -> None:
    for rel, section in ((".flake8", "flake8"), ("setup.cfg", "flake8"), ("tox.ini", "flake8")):
        cfg = ctx.ini(rel)
        if cfg is None or not cfg.has_section(section):
            continue
        ctx.add(
            "lint", f"{_py_prefix(ctx, 'flake8')}flake8", _ini_tool_source(ctx, ((rel, section),))
        )
        ctx.tool("linter", "flake8")
        length = cfg.get(section, "max-line-length", fallback="") or cfg.get(
            section, "max_line_length", fallback=""
        )
        ctx.line_length(length, "flake8")
        return


def _coverage(ctx: _Ctx, tool: dict[str, Any]) -> None:
    source = "pyproject.toml#tool.coverage" if "coverage" in tool else ""
    source = source or _ini_tool_source(
        ctx, ((".coveragerc", "run"), ("setup.cfg", "coverage:run"))
    )
    if source:
        runner = "pytest" if "pytest" in ctx.frameworks else "unittest"
        ctx.add(
            "test",
            f"{_py_prefix(ctx, 'coverage')}coverage run -m {runner}",
            source,
            "then: coverage report",
        )


def _python_build_install(ctx: _Ctx) -> None:
    if not ctx.py_pm:
        return
    pm = ctx.py_pm
    if "build-system" in ctx.pyproject or ctx.has("setup.py"):
        source = "pyproject.toml#build-system" if "build-system" in ctx.pyproject else "setup.py"
        build = {
            "uv": "uv build",
            "poetry": "poetry build",
            "pdm": "pdm build",
            "hatch": "hatch build",
        }
        ctx.add("build", build.get(pm, "python -m build"), source)
    _python_install(ctx)
    _python_entry_points(ctx)
    _uv_workspace_members(ctx)


def _uv_workspace_members(ctx: _Ctx) -> None:
    """[tool.uv.workspace] members with tests → `cd MEMBER && uv run pytest`."""
    workspace = _table(ctx.pyproject, "tool", "uv", "workspace")
    include = [_glob_regex(g) for g in _strs(workspace.get("members"))]
    exclude = [_glob_regex(g) for g in _strs(workspace.get("exclude"))]
    for rel in ctx.named("pyproject.toml")[:_MAX_PACKAGES]:
        directory = _parent(rel)
        if directory == "." or not any(rx.fullmatch(directory) for rx in include):
            continue
        if any(rx.fullmatch(directory) for rx in exclude):
            continue
        member = ctx.toml(rel) or {}
        has_tests = ctx.has_dir(f"{directory}/tests") or "pytest" in _dict(member.get("tool"))
        if has_tests:
            ctx.add("test", f"cd {directory} && {ctx.py_run}pytest", rel, root=False)


def _python_install(ctx: _Ctx) -> None:
    pm = ctx.py_pm
    fixed = {
        "uv": ("uv sync", "uv.lock"),
        "poetry": (
            "poetry install",
            "poetry.lock" if ctx.has("poetry.lock") else "pyproject.toml#tool.poetry",
        ),
        "pdm": ("pdm install", "pdm.lock" if ctx.has("pdm.lock") else "pyproject.toml#tool.pdm"),
        "pipenv": ("pipenv install --dev", "Pipfile"),
        "hatch": ("hatch env create", "pyproject.toml#tool.hatch.envs"),
    }
    if pm in fixed:
        ctx.add("install", *fixed[pm])
        return
    extras = _table(ctx.pyproject, "project", "optional-dependencies")
    extra = next((e for e in ("dev", "test", "tests", "testing") if e in extras), "")
    if extra:
        ctx.add(
            "install",
            f'pip install -e ".[{extra}]"',
            f"pyproject.toml#project.optional-dependencies.{extra}",
        )
    elif "project" in ctx.pyproject or ctx.has("setup.py"):
        ctx.add(
            "install",
            "pip install -e .",
            "pyproject.toml#project" if "project" in ctx.pyproject else "setup.py",
        )
    for rel in ctx.match_root(r"requirements[^/]*\.txt"):
        ctx.add("install", f"pip install -r {rel}", rel)


def _python_entry_points(ctx: _Ctx) -> None:
    project = _dict(ctx.pyproject.get("project"))
    poetry = _table(ctx.pyproject, "tool", "poetry")
    for table, prefix in ((project, "project.scripts"), (poetry, "tool.poetry.scripts")):
        for name, target in sorted(_dict(table.get("scripts")).items()):
            detail = f"entry point: {target}" if isinstance(target, str) else ""
            ctx.add("run", f"{ctx.py_run}{name}", f"pyproject.toml#{prefix}.{name}", detail)
    if ctx.has("manage.py"):
        ctx.add("run", f"{ctx.py_run}python manage.py runserver", "manage.py")
        if "pytest" not in ctx.frameworks:
            ctx.add("test", f"{ctx.py_run}python manage.py test", "manage.py")


# ---------------------------------------------------------------------------
# Make, just, Task
# ---------------------------------------------------------------------------

_MAKE_RULE = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.\-/ \t]*?)\s*(::?)(?!=)\s*(.*)$")
_MAKE_ASSIGN = re.compile(
    r"^\s*(?:export\s+|override\s+)?[A-Za-z0-9_.\-]+\s*(?::{1,3}=|\?=|\+=|!=|=)"
)
_SKIP_TARGETS = frozenset({"help", "default", "FORCE", "list"})
_MAKE_DIRECTIVE = re.compile(r"\s*-?(ifn?eq|ifn?def|else|endif|s?include|export|unexport)\b")


def _makefile(ctx: _Ctx) -> None:
    rel = ctx.first("GNUmakefile", "makefile", "Makefile")
    text = ctx.text(rel) if rel else None
    if not rel or text is None:
        return
    for target, line, recipe, prereqs in _make_targets(text):
        body = "\n".join(recipe)
        kind = _script_kind(target, body)
        if recipe:
            detail = _runs(recipe[0])
        elif prereqs:
            detail = f"runs: make {' '.join(prereqs)}"
        else:
            detail = ""
        ctx.add(kind, f"make {target}", f"{rel}:{line}", detail, tier=TIER_EXPLICIT)


def _make_targets(text: str) -> list[tuple[str, int, list[str], list[str]]]:
    """(target, line, recipe lines, prerequisites) for each explicit, phony-looking target."""
    targets: dict[str, tuple[int, list[str], list[str]]] = {}
    current: list[str] = []
    in_define = False
    lines = _join_continuations(enumerate(text.splitlines(), 1))
    for number, raw in lines:
        if in_define:
            in_define = not raw.strip().startswith("endef")
            continue
        if raw.startswith("\t"):
            step = raw.strip().lstrip("@-+").strip()
            for target in current:
                if step and not step.startswith("#"):
                    targets[target][1].append(step)
            continue
        stripped = raw.split("#", 1)[0].rstrip()
        if re.match(r"\s*define\b", stripped):
            in_define, current = True, []
            continue
        if not stripped.strip() or _MAKE_DIRECTIVE.match(stripped):
            continue  # blank/comment lines and conditionals do not end a recipe
        if _MAKE_ASSIGN.match(stripped):
            current = []
            continue
        m = _MAKE_RULE.match(stripped)
        if not m:
            current = []
            continue
        names, rest = m.group(1).split(), m.group(3)
        if _MAKE_ASSIGN.match(rest):
            continue
        deps, _, inline = rest.partition(";")
        current = []
        for name in names:
            if (
                name.startswith(".")
                or "%" in name
                or "/" in name
                or "." in name
                or name in _SKIP_TARGETS
            ):
                continue
            entry = targets.setdefault(name, (number, [], []))
            if not entry[2]:
                entry[2].extend(
                    d for d in deps.split() if "$" not in d and "/" not in d and "." not in d
                )
            if inline.strip():
                entry[1].append(inline.strip())
            current.append(name)
    return [(name, line, recipe, deps) for name, (line, recipe, deps) in targets.items()]


def _join_continuations(lines: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join backslash-continued lines; each result keeps its first line number and indent."""
    out: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, line in lines:
        if not buffer:
            start = number
        piece = line.rstrip() if not buffer else " " + line.strip()
        if piece.endswith("\\"):
            buffer += piece[:-1].rstrip()
            continue
        out.append((start, buffer + piece))
        buffer = ""
    if buffer:
        out.append((start, buffer))
    return out


_JUST_RECIPE = re.compile(r"@?([A-Za-z_][\w-]*)(?:\s+[^:]*?)?\s*:(?!=)")


def _justfile(ctx: _Ctx) -> None:
    rel = ctx.first("justfile", "Justfile", ".justfile", "JUSTFILE")
    text = ctx.text(rel) if rel else None
    if not rel or text is None:
        return
    private = False
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"\[(.*\b)?private\b", line):
            private = True
            continue
        m = _JUST_RECIPE.match(line)
        if not m or re.match(r"(set|alias|export|import|mod)\b", line):
            if line.strip() and not line.startswith((" ", "\t", "[", "#")):
                private = False
            continue
        name = m.group(1)
        if private or name.startswith("_"):
            private = False
            continue
        body = _indented_body(lines[i + 1 :])
        first = next((b for b in body if not b.startswith("#!")), "")
        kind = _script_kind(name, "\n".join(body))
        ctx.add(
            kind, f"just {name}", f"{rel}:{i + 1}", _runs(first.lstrip("@-")), tier=TIER_EXPLICIT
        )


def _indented_body(lines: list[str]) -> list[str]:
    body = []
    for line in lines:
        if line.strip() and not line.startswith((" ", "\t")):
            break
        if (line.strip() and not line.strip().startswith("#")) or line.strip().startswith("#!"):
            body.append(line.strip())
    return body


def _taskfile(ctx: _Ctx) -> None:
    rel = ctx.first("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")
    doc = ctx.yaml(rel) if rel else None
    if not rel or doc is None:
        return
    for name, key, task in _yitems(_ymap(doc).get("tasks")):
        spec = _ymap(task)
        if _ystr(spec.get("internal")).lower() == "true" or name.startswith("_"):
            continue
        cmds = _yseq(spec.get("cmds")) if spec else _yseq(task) or [task]
        body = [_ystr(c) or _ystr(_ymap(c).get("cmd")) or _task_ref(c) for c in cmds]
        body = [b for b in body if b]
        kind = _script_kind(name, "\n".join(body))
        detail = _runs(body[0]) if body else _ystr(spec.get("desc"))
        ctx.add(kind, f"task {name}", f"{rel}:{_yline(key)}", detail, tier=TIER_EXPLICIT)


def _task_ref(node: yaml.Node) -> str:
    ref = _ystr(_ymap(node).get("task"))
    return f"task {ref}" if ref else ""


# ---------------------------------------------------------------------------
# JavaScript / TypeScript: package.json, workspaces
# ---------------------------------------------------------------------------

_JS_FRAMEWORKS = {
    **{
        n: n
        for n in _words(
            "react next vue nuxt svelte express fastify koa hono electron astro gatsby preact "
            "jest vitest mocha cypress vite react-native expo prisma"
        )
    },
    "@sveltejs/kit": "sveltekit",
    "@angular/core": "angular",
    "@nestjs/core": "nestjs",
    "solid-js": "solid",
    "@remix-run/react": "remix",
    "@playwright/test": "playwright",
}
_LOCKFILES = (
    ("pnpm-lock.yaml", "pnpm"),
    ("yarn.lock", "yarn"),
    ("bun.lockb", "bun"),
    ("bun.lock", "bun"),
    ("package-lock.json", "npm"),
    ("npm-shrinkwrap.json", "npm"),
)
_LIFECYCLE = frozenset(
    _words(
        "install preinstall postinstall prepare prepublish prepublishOnly prepack postpack "
        "preversion version postversion dependencies"
    )
)
_SKIP_PACKAGE_DIRS = re.compile(
    r"(^|/)(node_modules|vendor|fixtures?|__fixtures__|testdata|examples?|third_party)(/|$)"
)
_EXEC = {"npm": "npx", "pnpm": "pnpm exec", "yarn": "yarn", "bun": "bunx"}


def _node_pm(ctx: _Ctx, directory: str, manifest: dict[str, Any]) -> str:
    declared = _str(manifest.get("packageManager")).split("@")[0]
    if declared in ("npm", "pnpm", "yarn", "bun"):
        return declared
    prefix = f"{directory}/" if directory else ""
    for lock, pm in _LOCKFILES:
        if ctx.has(prefix + lock):
            return pm
    return ""


def _script_command(pm: str, name: str) -> str:
    if pm == "bun":
        return f"bun run {name}"
    if name == "test" or (name == "start" and pm != "yarn"):
        return f"{pm} {name}"
    if pm == "yarn" and name not in _PM_BUILTINS and name != "run":
        return f"yarn {name}"
    return f"{pm} run {name}"


def _workspace_command(pm: str, package: str, directory: str, name: str) -> str:
    if not package:
        return f"cd {directory} && {_script_command(pm, name)}"
    if pm == "pnpm":
        return f"pnpm --filter {package} run {name}"
    if pm == "yarn":
        return f"yarn workspace {package} run {name}"
    if pm == "bun":
        return f"bun run --filter {package} {name}"
    verb = "test" if name == "test" else f"run {name}"
    return f"npm {verb} -w {package}"


# A script that only says it does not work: npm init's `echo "Error: no test specified" &&
# exit 1`, or "moved to /docs" placeholders. Telling an agent to run it helps nobody.
_STUB_SCRIPT = re.compile(r"^\s*echo\b[^&|;]*(?:&&|;)\s*exit\s+[1-9]\d*\s*$")


def _js_scripts(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    scripts = _dict(manifest.get("scripts"))
    names = set(scripts)
    out = []
    for name, body in sorted(scripts.items()):
        if not isinstance(body, str) or name in _LIFECYCLE or _STUB_SCRIPT.match(body):
            continue
        hook = re.match(r"(pre|post)(.+)", name)
        if hook and hook.group(2) in names:
            continue
        out.append((name, body))
    return out


def _node(ctx: _Ctx) -> None:
    root_manifest = ctx.json_object("package.json")
    manifest = root_manifest or {}
    root_pm = ""
    if root_manifest is not None:
        root_pm = _node_pm(ctx, "", manifest) or "npm"
        _node_root(ctx, manifest, root_pm)
    members = _js_workspace_dirs(ctx, manifest)
    for directory in _js_package_dirs(ctx):
        rel = f"{directory}/package.json"
        sub = ctx.json_object(rel)
        if sub is None:
            continue
        _js_frameworks(ctx, sub)
        in_workspace = directory in members
        pm = (
            root_pm
            if in_workspace and root_pm
            else _node_pm(ctx, directory, sub) or root_pm or "npm"
        )
        ctx.pms.add(pm)
        package = _str(sub.get("name")) if in_workspace else ""
        for name, body in _js_scripts(sub):
            command = _workspace_command(pm, package, directory, name)
            ctx.add(
                _script_kind(name, body),
                command,
                f"{rel}#scripts.{name}",
                _runs(body),
                tier=TIER_EXPLICIT,
                root=False,
            )


def _node_root(ctx: _Ctx, manifest: dict[str, Any], pm: str) -> None:
    ctx.pms.add(pm)
    kinds: set[str] = set()
    for name, body in _js_scripts(manifest):
        kind = _script_kind(name, body)
        kinds.add(kind)
        ctx.add(
            kind,
            _script_command(pm, name),
            f"package.json#scripts.{name}",
            _runs(body),
            tier=TIER_EXPLICIT,
        )
    lock = next((lf for lf, p in _LOCKFILES if p == pm and ctx.has(lf)), "package.json")
    install = {"npm": "npm ci" if ctx.has("package-lock.json") else "npm install"}.get(
        pm, f"{pm} install"
    )
    ctx.add("install", install, lock)
    _js_frameworks(ctx, manifest)
    _js_tool_configs(ctx, manifest, pm, kinds)
    _node_conventions(ctx, manifest)


def _js_frameworks(ctx: _Ctx, manifest: dict[str, Any]) -> None:
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        ctx.framework_from(_dict(manifest.get(key)), _JS_FRAMEWORKS)


def _js_tool_configs(ctx: _Ctx, manifest: dict[str, Any], pm: str, kinds: set[str]) -> None:
    """Configured JS tools → commands, when no script of that kind exists."""
    run = _EXEC[pm]
    deps = {**_dict(manifest.get("dependencies")), **_dict(manifest.get("devDependencies"))}
    eslint = ctx.match_root(
        r"(eslint\.config\.(js|mjs|cjs|ts|mts|cts)|\.eslintrc(\.(js|cjs|json|ya?ml))?)"
    )
    if eslint or "eslintConfig" in manifest:
        ctx.tool("linter", "eslint")
        if "lint" not in kinds:
            ctx.add("lint", f"{run} eslint .", eslint[0] if eslint else "package.json#eslintConfig")
    biome = ctx.first("biome.json", "biome.jsonc")
    if biome:
        ctx.tool("linter", "biome")
        ctx.tool("formatter", "biome")
        if "lint" not in kinds:
            ctx.add("lint", f"{run} biome check .", biome)
    prettier = ctx.match_root(
        r"(\.prettierrc(\.(json|ya?ml|js|cjs|mjs|toml))?|prettier\.config\.(js|cjs|mjs|ts))"
    )
    if prettier or "prettier" in manifest:
        ctx.tool("formatter", "prettier")
        if "format" not in kinds:
            ctx.add(
                "format",
                f"{run} prettier --check .",
                prettier[0] if prettier else "package.json#prettier",
            )
    if ctx.has("tsconfig.json") and "typescript" in deps:
        ctx.tool("type checker", "tsc")
        if "typecheck" not in kinds:
            ctx.add("typecheck", f"{run} tsc --noEmit", "tsconfig.json")
    if "test" not in kinds:
        for tool, pattern in (("vitest", r"vitest\.config\.\w+"), ("jest", r"jest\.config\.\w+")):
            found = ctx.match_root(pattern)
            if found or tool in deps:
                ctx.add(
                    "test",
                    f"{run} {tool}{' run' if tool == 'vitest' else ''}",
                    found[0] if found else "package.json",
                )
                break


def _node_conventions(ctx: _Ctx, manifest: dict[str, Any]) -> None:
    node = _str(_dict(manifest.get("engines")).get("node"))
    if node:
        ctx.convention(_C_VERSION, f"Node {node} (package.json engines)")
    for rel in (".nvmrc", ".node-version"):
        pinned = ctx.first_line(rel)
        if pinned:
            ctx.convention(_C_VERSION, f"Node {pinned} ({rel})")
    declared = _str(manifest.get("packageManager"))
    if declared:
        ctx.convention(
            _C_LOCK, f"package manager pinned: {declared.split('+')[0]} (packageManager)"
        )
    if manifest.get("type") == "module":
        ctx.convention(_C_LAYOUT, 'ES modules ("type": "module" in package.json)')
    if "commitlint" in manifest:
        ctx.convention(_C_COMMITS, "commit messages: Conventional Commits (commitlint)")
    tsconfig = ctx.text("tsconfig.json") if ctx.has("tsconfig.json") else None
    if tsconfig and re.search(r'"strict"\s*:\s*true', tsconfig):
        ctx.convention(_C_TOOLS, "TypeScript strict mode (tsconfig.json)")


def _js_workspace_dirs(ctx: _Ctx, manifest: dict[str, Any]) -> set[str]:
    globs: list[str] = []
    pnpm = ctx.yaml("pnpm-workspace.yaml")
    globs += [_ystr(n) for n in _yseq(_ymap(pnpm).get("packages"))]
    ws = manifest.get("workspaces")
    globs += _strs(ws) + _strs(_dict(ws).get("packages"))
    include = [_glob_regex(g) for g in globs if g and not g.startswith("!")]
    exclude = [_glob_regex(g[1:]) for g in globs if g.startswith("!")]
    dirs = {_parent(f) for f in ctx.named("package.json")}
    return {
        d
        for d in dirs
        if any(rx.fullmatch(d) for rx in include) and not any(rx.fullmatch(d) for rx in exclude)
    }


def _js_package_dirs(ctx: _Ctx) -> list[str]:
    """Package dirs one or two levels down (workspace members or nested apps)."""
    dirs = [
        _parent(f)
        for f in ctx.named("package.json", max_depth=2)
        if "/" in f and not _SKIP_PACKAGE_DIRS.search(f)
    ]
    return dirs[:_MAX_PACKAGES]


# ---------------------------------------------------------------------------
# Rust, Go
# ---------------------------------------------------------------------------

_RUST_FRAMEWORKS = {
    **{
        n: n
        for n in _words("tokio axum rocket warp tauri bevy clap diesel sqlx tonic leptos yew hyper")
    },
    "actix-web": "actix",
}


def _cargo(ctx: _Ctx) -> None:
    manifest = ctx.toml("Cargo.toml")
    if manifest is None:
        return
    ctx.pms.add("cargo")
    workspace = _dict(manifest.get("workspace"))
    package = _dict(manifest.get("package"))
    members = _cargo_members(ctx, workspace)
    ws = " --workspace" if workspace else ""
    source = "Cargo.toml#workspace" if workspace else "Cargo.toml"
    ctx.add("build", f"cargo build{ws}", source)
    ctx.add("test", f"cargo test{ws}", source)
    ctx.add("lint", f"cargo clippy{ws} --all-targets", source)
    ctx.add("format", f"cargo fmt{' --all' if workspace else ''} --check", source)
    if package and (ctx.has("src/main.rs") or manifest.get("bin")):
        ctx.add("run", "cargo run", "Cargo.toml#package")
    _rust_deps(ctx, manifest)
    for directory, member in members:
        name = _str(_dict(member.get("package")).get("name"))
        if not name:
            continue
        rel = f"{directory}/Cargo.toml"
        ctx.add("test", f"cargo test -p {name}", rel, root=False)
        if ctx.has(f"{directory}/src/main.rs"):
            ctx.add("run", f"cargo run -p {name}", rel, root=False)
        _rust_deps(ctx, member)
    _rust_conventions(ctx, package, workspace)


def _cargo_members(ctx: _Ctx, workspace: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    include = [_glob_regex(g) for g in _strs(workspace.get("members"))]
    exclude = [_glob_regex(g) for g in _strs(workspace.get("exclude"))]
    out = []
    for rel in ctx.named("Cargo.toml"):
        directory = _parent(rel)
        if any(rx.fullmatch(directory) for rx in include) and not any(
            rx.fullmatch(directory) for rx in exclude
        ):
            member = ctx.toml(rel)
            if member is not None:
                out.append((directory, member))
    return out[:_MAX_PACKAGES]


def _rust_deps(ctx: _Ctx, manifest: dict[str, Any]) -> None:
    names: list[str] = []
    for key in ("dependencies", "dev-dependencies", "build-dependencies"):
        names += list(_dict(manifest.get(key)))
    names += list(_table(manifest, "workspace", "dependencies"))
    ctx.framework_from(names, _RUST_FRAMEWORKS)


def _rust_conventions(ctx: _Ctx, package: dict[str, Any], workspace: dict[str, Any]) -> None:
    shared = _dict(workspace.get("package"))
    edition = _str(package.get("edition")) or _str(shared.get("edition"))
    msrv = _str(package.get("rust-version")) or _str(shared.get("rust-version"))
    if edition:
        ctx.convention(_C_VERSION, f"Rust edition {edition}")
    if msrv:
        ctx.convention(_C_VERSION, f"Rust MSRV {msrv} (rust-version)")
    toolchain = ctx.toml("rust-toolchain.toml") or {}
    channel = _str(_dict(toolchain.get("toolchain")).get("channel"))
    if channel:
        ctx.convention(_C_VERSION, f"Rust toolchain {channel} (rust-toolchain.toml)")
    rustfmt_rel = ctx.first("rustfmt.toml", ".rustfmt.toml")
    rustfmt = ctx.toml(rustfmt_rel) if rustfmt_rel else None
    if rustfmt:
        ctx.line_length(rustfmt.get("max_width"), "rustfmt")


_GO_FRAMEWORKS = _pairs(  # module paths without their /vN major-version suffix
    "github.com/gin-gonic/gin=gin github.com/labstack/echo=echo github.com/gofiber/fiber=fiber "
    "github.com/go-chi/chi=chi github.com/gorilla/mux=gorilla-mux github.com/spf13/cobra=cobra "
    "google.golang.org/grpc=grpc gorm.io/gorm=gorm github.com/stretchr/testify=testify "
    "github.com/urfave/cli=urfave-cli"
)


def _go(ctx: _Ctx) -> None:
    text = ctx.text("go.mod") if ctx.has("go.mod") else None
    nested = [_parent(f) for f in ctx.named("go.mod", max_depth=1) if "/" in f]
    if text is None and not nested:
        return
    ctx.pms.add("go")
    if text is not None:
        ctx.add("build", "go build ./...", "go.mod")
        ctx.add("test", "go test ./...", "go.mod")
        ctx.add("lint", "go vet ./...", "go.mod")
        ctx.add("format", "gofmt -l .", "go.mod")
        _go_mod_facts(ctx, text)
        if ctx.has("main.go"):
            ctx.add("run", "go run .", "main.go")
        for main in ctx.match(r"cmd/[^/]+/main\.go", "cmd/"):
            ctx.add("run", f"go run ./{_parent(main)}", main)
    for directory in nested[:_MAX_PACKAGES]:
        ctx.add("test", f"cd {directory} && go test ./...", f"{directory}/go.mod", root=False)
        _go_mod_facts(ctx, ctx.text(f"{directory}/go.mod") or "", root=False)
    golangci = ctx.first(".golangci.yml", ".golangci.yaml", ".golangci.toml", ".golangci.json")
    if golangci:
        ctx.add("lint", "golangci-lint run", golangci)
        ctx.tool("linter", "golangci-lint")


def _go_mod_facts(ctx: _Ctx, text: str, *, root: bool = True) -> None:
    requires = re.findall(
        r"^\s*(?:require\s+)?([a-z0-9.\-]+\.[a-z]+/[^\s]+)\s+v[\w.\-+]+", text, re.M
    )
    ctx.framework_from((re.sub(r"/v\d+$", "", r) for r in requires), _GO_FRAMEWORKS)
    version = re.search(r"^go\s+(\d[\w.]*)", text, re.M)
    if version and root:
        ctx.convention(_C_VERSION, f"Go {version.group(1)} (go.mod)")


def _mix(ctx: _Ctx) -> None:
    """Elixir: mix.exs at the root (and mix projects one folder down, like Phoenix's)."""
    nested = [_parent(f) for f in ctx.named("mix.exs", max_depth=1) if "/" in f]
    text = ctx.text("mix.exs") if ctx.has("mix.exs") else None
    if text is None and not nested:
        return
    ctx.pms.add("mix")
    if text is not None:
        ctx.add("install", "mix deps.get", "mix.exs")
        ctx.add("build", "mix compile", "mix.exs")
        ctx.add("test", "mix test", "mix.exs")
        ctx.add("format", "mix format --check-formatted", "mix.exs")
        if re.search(r"\{:credo\b", text):
            ctx.add("lint", "mix credo", "mix.exs")
            ctx.tool("linter", "credo")
        if re.search(r"\{:dialyxir\b", text):
            ctx.add("typecheck", "mix dialyzer", "mix.exs")
        for dep, name in (("phoenix", "phoenix"), ("ecto", "ecto"), ("plug", "plug")):
            if re.search(rf"\{{:{dep}\b", text):
                ctx.frameworks.add(name)
        requirement = re.search(r'\belixir:\s*"([^"]+)"', text)
        if requirement is None:  # `elixir: @elixir_requirement`
            attribute = re.search(r"\belixir:\s*@(\w+)", text)
            requirement = attribute and re.search(
                rf'^\s*@{attribute.group(1)}\s+"([^"]+)"', text, re.M
            )
        if requirement:
            ctx.convention(_C_VERSION, f"Elixir {requirement.group(1)} (mix.exs)")
    for directory in nested[:_MAX_PACKAGES]:
        ctx.add("test", f"cd {directory} && mix test", f"{directory}/mix.exs", root=False)


# ---------------------------------------------------------------------------
# JVM, CMake, Ruby, PHP, .NET
# ---------------------------------------------------------------------------

_JVM_FRAMEWORKS = (
    ("org.springframework", "spring"),
    ("spring-boot", "spring"),
    ("io.quarkus", "quarkus"),
    ("io.micronaut", "micronaut"),
    ("junit", "junit"),
    ("org.testng", "testng"),
    ("io.ktor", "ktor"),
    ("com.android.application", "android"),
)


def _jvm_frameworks(ctx: _Ctx, text: str) -> None:
    for needle, name in _JVM_FRAMEWORKS:
        if needle in text:
            ctx.frameworks.add(name)


def _maven(ctx: _Ctx) -> None:
    text = ctx.text("pom.xml") if ctx.has("pom.xml") else None
    if text is None:
        return
    text = re.sub(r"<!--.*?-->", "", text, flags=re.S)
    ctx.pms.add("maven")
    mvn = "./mvnw" if ctx.has("mvnw") else "mvn"
    detail = "via the Maven wrapper" if mvn == "./mvnw" else ""
    ctx.add("build", f"{mvn} -q -DskipTests package", "pom.xml", detail)
    ctx.add("test", f"{mvn} -q test", "pom.xml", detail)
    if "spotless-maven-plugin" in text:
        ctx.add("format", f"{mvn} -q spotless:check", "pom.xml")
    if "maven-checkstyle-plugin" in text:
        ctx.add("lint", f"{mvn} -q checkstyle:check", "pom.xml")
    if "spring-boot-maven-plugin" in text:
        ctx.add("run", f"{mvn} spring-boot:run", "pom.xml")
    _jvm_frameworks(ctx, text)
    modules = re.findall(r"<module>\s*([^<\s]+)\s*</module>", text)
    for module in modules[:_MAX_PACKAGES]:
        ctx.add("test", f"{mvn} -q -pl {module} -am test", f"{module}/pom.xml", root=False)
    java = re.search(
        r"<(maven\.compiler\.release|java\.version|maven\.compiler\.source)>\s*([^<\s]+)", text
    )
    if java:
        ctx.convention(_C_VERSION, f"Java {java.group(2)} (pom.xml {java.group(1)})")


def _gradle(ctx: _Ctx) -> None:
    rel = ctx.first("build.gradle.kts", "build.gradle", "settings.gradle.kts", "settings.gradle")
    if not rel:
        return
    ctx.pms.add("gradle")
    gradle = "./gradlew" if ctx.has("gradlew") else "gradle"
    text = "\n".join(ctx.text(r) or "" for r in ("build.gradle.kts", "build.gradle") if ctx.has(r))
    ctx.add("build", f"{gradle} build", rel)
    ctx.add("test", f"{gradle} test", rel)
    if "spotless" in text:
        ctx.add("format", f"{gradle} spotlessCheck", rel)
    if "detekt" in text:
        ctx.add("lint", f"{gradle} detekt", rel)
    if "ktlint" in text:
        ctx.add("lint", f"{gradle} ktlintCheck", rel)
    if "org.springframework.boot" in text:
        ctx.add("run", f"{gradle} bootRun", rel)
    elif re.search(r"""["']application["']|^\s*application\b""", text, re.M):
        ctx.add("run", f"{gradle} run", rel)
    _jvm_frameworks(ctx, text)
    settings = ctx.first("settings.gradle.kts", "settings.gradle")
    includes = (
        re.findall(
            r"""["']:?([\w\-:]+)["']""",
            " ".join(re.findall(r"\binclude\b\s*\(?([^)\n]*)", ctx.text(settings) or "")),
        )
        if settings
        else []
    )
    for project in _dedupe(includes)[:_MAX_PACKAGES]:
        ctx.add("test", f"{gradle} :{project}:test", settings or rel, root=False)


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


_RUBY_FRAMEWORKS = _pairs(
    "rails=rails sinatra=sinatra hanami=hanami rspec=rspec rspec-rails=rspec "
    "minitest=minitest sidekiq=sidekiq"
)


def _ruby(ctx: _Ctx) -> None:
    text = ctx.text("Gemfile") if ctx.has("Gemfile") else None
    if text is None:
        return
    ctx.pms.add("bundler")
    gems = set(re.findall(r"""^\s*gem\s+["']([^"']+)["']""", text, re.M))
    ctx.framework_from(gems, _RUBY_FRAMEWORKS)
    ctx.add("install", "bundle install", "Gemfile.lock" if ctx.has("Gemfile.lock") else "Gemfile")
    rails = "rails" in gems and ctx.has("bin/rails")
    if ctx.has_dir("spec") or "rspec" in gems or "rspec-rails" in gems:
        ctx.add("test", "bundle exec rspec", "spec" if ctx.has_dir("spec") else "Gemfile")
    if rails and ctx.has_dir("test"):
        ctx.add("test", "bin/rails test", "bin/rails")
    elif ctx.has("Rakefile") and ctx.has_dir("test"):
        ctx.add("test", "bundle exec rake test", "Rakefile")
    if ctx.has(".rubocop.yml") or "rubocop" in gems:
        ctx.add(
            "lint", "bundle exec rubocop", ".rubocop.yml" if ctx.has(".rubocop.yml") else "Gemfile"
        )
        ctx.tool("linter", "rubocop")
    if rails:
        ctx.add("run", "bin/rails server", "bin/rails")
    version = re.search(r"""^\s*ruby\s+["']([^"']+)["']""", text, re.M)
    pinned = ctx.first_line(".ruby-version")
    if version:
        ctx.convention(_C_VERSION, f"Ruby {version.group(1)} (Gemfile)")
    elif pinned:
        ctx.convention(_C_VERSION, f"Ruby {pinned} (.ruby-version)")


_PHP_FRAMEWORKS = _pairs(
    "laravel/framework=laravel symfony/framework-bundle=symfony symfony/symfony=symfony "
    "slim/slim=slim phpunit/phpunit=phpunit pestphp/pest=pest cakephp/cakephp=cakephp "
    "yiisoft/yii2=yii"
)


def _composer(ctx: _Ctx) -> None:
    manifest = ctx.json_object("composer.json")
    if manifest is None:
        return
    ctx.pms.add("composer")
    for name, body in sorted(_dict(manifest.get("scripts")).items()):
        if re.match(r"(pre|post)-", name):
            continue
        label = _script_label(body)
        command = "composer test" if name == "test" else f"composer run-script {name}"
        kind = _script_kind(name, label)
        ctx.add(kind, command, f"composer.json#scripts.{name}", _runs(label), tier=TIER_EXPLICIT)
    ctx.add(
        "install",
        "composer install",
        "composer.lock" if ctx.has("composer.lock") else "composer.json",
    )
    deps = {**_dict(manifest.get("require")), **_dict(manifest.get("require-dev"))}
    ctx.framework_from(deps, _PHP_FRAMEWORKS)
    php = _str(_dict(manifest.get("require")).get("php"))
    if php:
        ctx.convention(_C_VERSION, f"PHP {php} (composer.json)")


def _php_tools(ctx: _Ctx) -> None:
    if not ctx.has("composer.json"):
        return
    phpunit = ctx.first("phpunit.xml", "phpunit.xml.dist")
    if ctx.has("tests/Pest.php"):
        ctx.add("test", "vendor/bin/pest", "tests/Pest.php")
    if phpunit:
        ctx.add("test", "vendor/bin/phpunit", phpunit)
    phpstan = ctx.first("phpstan.neon", "phpstan.neon.dist", "phpstan.dist.neon")
    if phpstan:
        ctx.add("typecheck", "vendor/bin/phpstan analyse", phpstan)
        ctx.tool("type checker", "phpstan")
    fixer = ctx.first(".php-cs-fixer.php", ".php-cs-fixer.dist.php")
    if fixer:
        ctx.add("format", "vendor/bin/php-cs-fixer fix --dry-run --diff", fixer)
        ctx.tool("formatter", "php-cs-fixer")
    phpcs = ctx.first("phpcs.xml", "phpcs.xml.dist", ".phpcs.xml", ".phpcs.xml.dist")
    if phpcs:
        ctx.add("lint", "vendor/bin/phpcs", phpcs)
        ctx.tool("linter", "phpcs")


# Deep inside a test folder, or in fixture/vendor folders: test data, not the project's own.
_TEST_DATA = re.compile(r"(^|/)tests?/[^/]+/[^/]+/")


def _dotnet(ctx: _Ctx) -> None:
    own = [
        f for f in ctx.sorted_files if not _SKIP_PACKAGE_DIRS.search(f) and not _TEST_DATA.search(f)
    ]
    all_solutions = [f for f in own if f.endswith((".sln", ".slnx"))]
    all_projects = [f for f in own if f.endswith((".csproj", ".fsproj", ".vbproj"))]
    solutions = [f for f in all_solutions if "/" not in f]
    projects = [f for f in all_projects if "/" not in f]
    anywhere = all_solutions or all_projects
    if not all_projects:
        return  # a solution of C++ projects only (zstd's build/VS2008): not .NET
    if len(solutions) == 1 or (not solutions and len(projects) == 1):
        target, source = "", (solutions or projects)[0]
    else:
        source = (solutions or anywhere)[0]
        target = f" {source}"
    ctx.add("build", f"dotnet build{target}", source)
    ctx.add("test", f"dotnet test{target}", source)
    ctx.add("format", f"dotnet format{target} --verify-no-changes", source)
    ctx.add("install", f"dotnet restore{target}", source)
    for rel in [p for p in all_projects if not p.endswith(".vbproj")][:_MAX_PACKAGES]:
        text = ctx.text(rel) or ""
        if "Microsoft.NET.Sdk.Web" in text:
            ctx.frameworks.add("aspnetcore")
        for needle, name in (("xunit", "xunit"), ("NUnit", "nunit"), ("MSTest", "mstest")):
            if f'Include="{needle}' in text:
                ctx.frameworks.add(name)
        target_fw = re.search(r"<TargetFrameworks?>([^<]+)<", text)
        if target_fw:
            ctx.convention(_C_VERSION, f".NET {target_fw.group(1)} ({rel})")


# ---------------------------------------------------------------------------
# pre-commit and CI workflows
# ---------------------------------------------------------------------------

_HOOK_TOOLS = {
    "ruff": ("linter", "ruff"),
    "ruff-check": ("linter", "ruff"),
    "ruff-format": ("formatter", "ruff"),
    "black": ("formatter", "black"),
    "isort": ("formatter", "isort"),
    "flake8": ("linter", "flake8"),
    "mypy": ("type checker", "mypy"),
    "prettier": ("formatter", "prettier"),
    "eslint": ("linter", "eslint"),
    "golangci-lint": ("linter", "golangci-lint"),
    "rubocop": ("linter", "rubocop"),
}


def _pre_commit(ctx: _Ctx) -> None:
    rel = ".pre-commit-config.yaml"
    doc = ctx.yaml(rel)
    if doc is None:
        return
    for repo in _yseq(_ymap(doc).get("repos")):
        for hook in _yseq(_ymap(repo).get("hooks")):
            hook_id = _ystr(_ymap(hook).get("id"))
            if hook_id and hook_id not in ctx.hook_ids:
                ctx.hook_ids.append(hook_id)
    ctx.add("lint", "pre-commit run --all-files", rel)
    if ctx.hook_ids:
        ctx.convention(_C_HOOKS, f"pre-commit hooks: {', '.join(ctx.hook_ids)}")
    for hook_id in ctx.hook_ids:
        if hook_id in _HOOK_TOOLS:
            ctx.tool(*_HOOK_TOOLS[hook_id])


_ACTION_COMMANDS = {
    "pre-commit/action": ("lint", "pre-commit run --all-files"),
    "golangci/golangci-lint-action": ("lint", "golangci-lint run"),
    "astral-sh/ruff-action": ("lint", "ruff check ."),
    "chartboost/ruff-action": ("lint", "ruff check ."),
    "psf/black": ("format", "black --check ."),
}


def _github_actions(ctx: _Ctx) -> None:
    for rel in ctx.match(r"\.github/workflows/[^/]+\.ya?ml", ".github/workflows/"):
        doc = ctx.yaml(rel)
        if doc is None:
            continue
        top = _ymap(doc)
        default_dir = _ystr(_ymap(_ymap(top.get("defaults")).get("run")).get("working-directory"))
        for _, job in _ymap(top.get("jobs")).items():
            spec = _ymap(job)
            job_dir = _ystr(_ymap(_ymap(spec.get("defaults")).get("run")).get("working-directory"))
            for step in _yseq(spec.get("steps")):
                _ci_step(ctx, rel, _ymap(step), job_dir or default_dir)


def _ci_step(ctx: _Ctx, rel: str, step: dict[str, yaml.Node], workdir: str) -> None:
    uses = _ystr(step.get("uses")).split("@")[0]
    if uses in _ACTION_COMMANDS:
        kind, command = _ACTION_COMMANDS[uses]
        ctx.ci.append(_Cand(kind, command, f"{rel}:{_yline(step['uses'])}", from_ci=True))
    run = step.get("run")
    if run is None:
        return
    workdir = _ystr(step.get("working-directory")) or workdir
    cwd = "" if workdir in ("", ".", "./") else workdir.rstrip("/")
    for line_no, line in _join_continuations(_scalar_lines(run)):
        for segment in _segments(line.strip()):
            toks = _tokens(segment)
            if toks[:1] == ["cd"]:
                cwd = _chdir(cwd, toks[1] if len(toks) > 1 else "")
                continue
            if "${{" in segment or "${{" in cwd or segment.startswith("#"):
                continue
            found = _tool_kind(toks)
            if found is None or _fetched_in_ci(ctx, cwd, toks):
                continue
            command = f"cd {cwd} && {segment}" if cwd else segment
            ctx.ci.append(_Cand(found, command, f"{rel}:{line_no}", root=not cwd, from_ci=True))


def _fetched_in_ci(ctx: _Ctx, cwd: str, toks: list[str]) -> bool:
    """`shellcheck-v0.7.1/shellcheck …`: a program run by path that the repository does not
    hold was downloaded by an earlier CI step; a developer cannot run the line as it is."""
    if cwd and not cwd.startswith("$") and not ctx.has_dir(cwd):
        return True  # `cd beanstalkd-1.13 && make`: a folder an earlier step unpacked
    program = toks[0] if toks else ""
    if "/" not in program or program.startswith(("/", "~", "$")):
        return False
    rel = posixpath.normpath(posixpath.join(cwd, program))
    top = rel.split("/", 1)[0]
    if top in ("node_modules", "vendor"):  # installed by the package manager, as locally
        return False
    return not ctx.has(rel) and top not in ctx.dirs


def _chdir(cwd: str, target: str) -> str:
    """Repo-relative directory after `cd target` from `cwd` ("" is the root)."""
    if target in ("", "~", "$GITHUB_WORKSPACE", "${GITHUB_WORKSPACE}"):
        return ""
    if target.startswith(("/", "$", "~")):
        return target
    joined = posixpath.normpath(posixpath.join(cwd or ".", target))
    return "" if joined == "." else joined


# ---------------------------------------------------------------------------
# conventions from layout and config files
# ---------------------------------------------------------------------------

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


def _languages(ctx: _Ctx, languages: Mapping[str, int] | None) -> tuple[tuple[str, int], ...]:
    counts = dict(languages) if languages is not None else _count_languages(ctx.sorted_files)
    items = [(str(k), int(v)) for k, v in counts.items() if isinstance(v, int) and v > 0]
    return tuple(sorted(items, key=lambda kv: (-kv[1], kv[0])))


# ---------------------------------------------------------------------------
# merging, ranking, assembling
# ---------------------------------------------------------------------------


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
    counted = _languages(ctx, languages)
    # Which language leads is judged on every file by extension: the index's counts cover
    # only the languages it parses (not Elixir, say).
    by_extension = _count_languages(ctx.sorted_files)
    minor = _minor_languages(by_extension)
    return ProjectFacts(
        commands=_assemble(ctx, _main_language(by_extension), minor),
        languages=counted,
        frameworks=tuple(sorted(ctx.frameworks)),
        package_managers=tuple(sorted(ctx.pms)),
        conventions=_scoped_conventions(ctx.conventions(), minor),
        warnings=tuple(sorted(ctx.warnings)),
    )
