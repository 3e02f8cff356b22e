"""Shell command lines as lessons see them: the core command, its normal form and its purpose."""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

Purpose = str  # "test" | "lint" | "format" | "typecheck" | "build" | "install" | "run"

# Segments that only set the stage for the real command.
_SETUP = frozenset({"cd", "pushd", "popd", "source", ".", "export", "set", "true", "echo", "clear"})
# Wrappers whose first argument is the real command.
_WRAPPERS = frozenset({"time", "timeout", "env", "nice", "exec", "command", "sudo", "xvfb-run"})
# Runners that execute a tool from the project's environment: `uv run pytest`, `npx jest`.
_RUNNERS = {
    ("uv", "run"),
    ("poetry", "run"),
    ("pdm", "run"),
    ("hatch", "run"),
    ("pipenv", "run"),
    ("rye", "run"),
    ("bundle", "exec"),
    ("npm", "exec"),
    ("pnpm", "exec"),
    ("pnpm", "dlx"),
    ("yarn", "dlx"),
}
_SINGLE_RUNNERS = frozenset({"npx", "bunx", "pipx"})
# Tools a runner may start directly (the rest of a `hatch run X` is a project script).
KNOWN_TOOLS_EARLY = frozenset(
    {
        "pytest",
        "python",
        "python3",
        "mypy",
        "ruff",
        "black",
        "flake8",
        "pylint",
        "isort",
        "tox",
        "nox",
        "pyright",
        "coverage",
        "sphinx-build",
    }
)
_ENV_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
# Redirections and pagers that do not change what a command does.
_NOISE_SUFFIX = re.compile(
    r"(?:\s*\|\s*(?:tail|head|less|more|cat|tee)(?:\s+-[-\w=]+(?:\s+\d+)?)*(?:\s+\S+)?"
    r"|\s*[12]?>&[12]|\s*[12]?>\s*/dev/null|\s*;\s*echo\s+\S*\$\?\S*)+\s*$"
)

# `time`, `timeout 60`, `nice`: how long or how nicely, not what; left out of cited commands.
_TIMING_WRAPPER = re.compile(
    r"^((?:[A-Za-z_][A-Za-z0-9_]*=\S*\s+)*)(?:time|timeout(?:\s+-[\w-]+(?:[= ]\d+[smhd]?)?)*"
    r"\s+\d+(?:\.\d+)?[smhd]?"
    r"|nice(?:\s+-n\s*-?\d+)?)\s+(?=\S)"
)
_PYTHON = re.compile(r"^(?:python|python3|python3\.\d+|py)$")

_TOOL_PURPOSE: dict[str, Purpose] = {
    # test
    "pytest": "test",
    "py.test": "test",
    "tox": "test",
    "nox": "test",
    "jest": "test",
    "vitest": "test",
    "mocha": "test",
    "ava": "test",
    "rspec": "test",
    "phpunit": "test",
    "ctest": "test",
    "karma": "test",
    "playwright": "test",
    "cypress": "test",
    "nosetests": "test",
    "trial": "test",
    "bats": "test",
    # lint
    "ruff": "lint",
    "flake8": "lint",
    "pylint": "lint",
    "eslint": "lint",
    "golangci-lint": "lint",
    "rubocop": "lint",
    "shellcheck": "lint",
    "stylelint": "lint",
    "hadolint": "lint",
    "markdownlint": "lint",
    "pre-commit": "lint",
    "biome": "lint",
    "oxlint": "lint",
    "staticcheck": "lint",
    "bandit": "lint",
    "yamllint": "lint",
    # format
    "black": "format",
    "isort": "format",
    "prettier": "format",
    "gofmt": "format",
    "goimports": "format",
    "rustfmt": "format",
    "clang-format": "format",
    "autopep8": "format",
    "yapf": "format",
    # typecheck
    "mypy": "typecheck",
    "pyright": "typecheck",
    "tsc": "typecheck",
    "pytype": "typecheck",
    "vue-tsc": "typecheck",
}
_PYTHON_MODULE_PURPOSE: dict[str, Purpose] = {
    "pytest": "test",
    "unittest": "test",
    "nose": "test",
    "tox": "test",
    "nox": "test",
    "ruff": "lint",
    "flake8": "lint",
    "pylint": "lint",
    "black": "format",
    "isort": "format",
    "mypy": "typecheck",
    "pyright": "typecheck",
    "build": "build",
    "pip": "install",
}
# Subcommands of multi-tool CLIs.
_SUBCOMMAND_PURPOSE: dict[str, dict[str, Purpose]] = {
    "go": {
        "test": "test",
        "vet": "lint",
        "fmt": "format",
        "build": "build",
        "run": "run",
        "generate": "build",
        "install": "build",
        "get": "install",
        "mod": "install",
    },
    "cargo": {
        "test": "test",
        "nextest": "test",
        "clippy": "lint",
        "fmt": "format",
        "build": "build",
        "check": "typecheck",
        "run": "run",
        "fetch": "install",
    },
    "dotnet": {
        "test": "test",
        "build": "build",
        "format": "format",
        "run": "run",
        "restore": "install",
    },
    "mvn": {
        "test": "test",
        "verify": "test",
        "package": "build",
        "compile": "build",
        "install": "build",
    },
    "gradle": {"test": "test", "check": "test", "build": "build", "assemble": "build"},
    "deno": {"test": "test", "lint": "lint", "fmt": "format", "check": "typecheck", "run": "run"},
    "swift": {"test": "test", "build": "build"},
    "mix": {"test": "test", "format": "format", "compile": "build", "deps.get": "install"},
    "rake": {"test": "test", "spec": "test"},
    "rails": {"test": "test"},
    "pip": {"install": "install"},
    "pip3": {"install": "install"},
    "uv": {"sync": "install", "pip": "install", "add": "install"},
    "poetry": {"install": "install", "add": "install", "build": "build"},
    "pdm": {"install": "install", "sync": "install"},
    "bundle": {"install": "install"},
    "composer": {"install": "install", "test": "test"},
    "php": {"artisan": "run"},
    "bazel": {"test": "test", "build": "build"},
    "bazelisk": {"test": "test", "build": "build"},
    "stack": {"test": "test", "build": "build"},
    "cabal": {"test": "test", "build": "build"},
    "sbt": {"test": "test", "compile": "build", "scalafmtCheck": "format"},
    "lein": {"test": "test", "uberjar": "build"},
    "flutter": {"test": "test", "analyze": "lint", "build": "build", "pub": "install"},
    "dart": {"test": "test", "analyze": "lint", "format": "format", "pub": "install"},
    "zig": {"build": "build", "test": "test"},
    "ember": {"test": "test", "build": "build"},
}
_PACKAGE_MANAGERS = frozenset({"npm", "yarn", "pnpm", "bun"})
_MAKE_LIKE = frozenset({"make", "just", "task", "invoke", "inv", "gmake", "mage"})
KNOWN_TOOLS = frozenset(
    {
        *_TOOL_PURPOSE,
        *_SUBCOMMAND_PURPOSE,
        *_PACKAGE_MANAGERS,
        *_MAKE_LIKE,
        *_SINGLE_RUNNERS,
        "node",
        "nodejs",
        "python",
        "python3",
        "py",
        "pip",
        "pip3",
        "uv",
        "bun",
        "deno",
        "gradlew",
        "mvnw",
    }
)


@dataclass(frozen=True, slots=True)
class Core:
    """The part of a command line that does the work, as tokens (env assignments kept apart)."""

    env: tuple[str, ...]
    argv: tuple[str, ...]


def split_segments(command: str) -> list[str]:
    """`a && b; c | d` → ["a", "b", "c | d"]: pipelines stay whole, sequences split."""
    parts = re.split(r"\s*(?:&&|\|\||;|\n)\s*", command.strip())
    return [p for p in parts if p]


def tokens(segment: str) -> list[str]:
    return list(_tokens(segment))


@functools.lru_cache(maxsize=4096)
def _tokens(segment: str) -> tuple[str, ...]:
    try:
        return tuple(shlex.split(segment, comments=True))
    except ValueError:
        return tuple(segment.split())


@functools.lru_cache(maxsize=4096)
def core(segment: str) -> Core:
    """The env assignments and real argv of one segment (wrappers and runners peeled off)."""
    words = tokens(_NOISE_SUFFIX.sub("", segment).split("|")[0])
    env: list[str] = []
    while words and _ENV_ASSIGNMENT.match(words[0]):
        env.append(words.pop(0))
    while words and words[0] in _WRAPPERS:
        words.pop(0)
        while words and (
            words[0].startswith("-")
            or words[0].replace(".", "").isdigit()
            or _ENV_ASSIGNMENT.match(words[0])
        ):
            if _ENV_ASSIGNMENT.match(words[0]):
                env.append(words[0])
            words.pop(0)
    if len(words) >= 2 and (words[0], words[1]) in _RUNNERS:
        runner, words = words[0], words[2:]
        if runner in ("hatch", "pdm", "rye") and words and words[0] not in KNOWN_TOOLS_EARLY:
            words[0] = f"{runner}-script:{words[0]}"  # `hatch run test`: a project script
    elif words and words[0] in _SINGLE_RUNNERS:
        words = [w for w in words[1:] if w not in ("--yes", "-y")]
    if words and "/" in words[0] and not words[0].startswith(("./", "../")):
        words[0] = words[0].rsplit("/", 1)[1]  # /usr/bin/python3 → python3, .venv/bin/pytest
    elif words and words[0].startswith(("./", "../")) and words[0].count("/") > 1:
        head, name = words[0].rsplit("/", 1)
        if head.endswith("bin"):
            words[0] = name
    return Core(tuple(env), tuple(words))


@functools.lru_cache(maxsize=4096)
def purpose(command: str) -> Purpose | None:
    """What a command line is for: the purpose of its last segment that has one."""
    found: Purpose | None = None
    for segment in split_segments(command):
        segment_purpose = _segment_purpose(core(segment).argv)
        if segment_purpose is not None:
            found = segment_purpose
    return found


def _segment_purpose(argv: tuple[str, ...]) -> Purpose | None:
    if not argv:
        return None
    tool, args = argv[0], argv[1:]
    if tool in _SETUP:
        return None
    if "-script:" in tool:
        return _name_purpose(tool.split(":", 1)[1])
    if _PYTHON.match(tool):
        if len(args) >= 2 and args[0] == "-m":
            return _PYTHON_MODULE_PURPOSE.get(args[1])
        if args and args[0] in ("manage.py", "setup.py"):
            return "test" if len(args) > 1 and args[1] == "test" else None
        if args and args[0].endswith(".py") and not args[0].startswith("-"):
            name = args[0].rsplit("/", 1)[-1]
            return "test" if name.startswith(("test", "runtests")) else "run"
        return None
    if tool == "ruff":
        return "format" if args[:1] == ("format",) else "lint"
    if tool in ("node", "nodejs"):
        return "test" if "--test" in args else None
    if tool in ("gradlew", "./gradlew"):
        tool = "gradle"
    if tool in ("./mvnw", "mvnw"):
        tool = "mvn"
    if tool in ("tox", "nox") and _option(args, ("-e", "-s", "--session")):
        return _name_purpose(_option(args, ("-e", "-s", "--session")) or "") or "test"
    if tool in _TOOL_PURPOSE:
        return _TOOL_PURPOSE[tool]
    if tool in _PACKAGE_MANAGERS:
        return _package_script_purpose(tool, args)
    if tool in _MAKE_LIKE:
        targets = _positional(args, takes_value=("-C", "-f", "-j", "--directory", "--file"))
        if not targets:
            return "build"
        return _name_purpose(targets[-1])
    if tool == "cmake":
        return "build" if "--build" in args else None
    if tool in ("bash", "sh", "zsh") and args and not args[0].startswith("-"):
        return _script_purpose(args[0])
    if tool.endswith("manage.py"):
        return "test" if args[:1] == ("test",) else None
    if "/" in tool or tool.endswith((".sh", ".bash")):
        return _script_purpose(tool)  # ./scripts/run_tests.sh, bin/lint
    if tool in _SUBCOMMAND_PURPOSE:
        sub = next((a for a in args if not a.startswith("-")), "")
        if (tool, sub) == ("php", "artisan"):
            return "test" if "test" in args else None
        return _SUBCOMMAND_PURPOSE[tool].get(sub)
    return None


def _option(args: tuple[str, ...], names: tuple[str, ...]) -> str | None:
    for i, arg in enumerate(args):
        if arg in names and i + 1 < len(args):
            return args[i + 1]
        for name in names:
            if arg.startswith(name + "="):
                return arg.split("=", 1)[1]
    return None


def _positional(args: tuple[str, ...], takes_value: tuple[str, ...]) -> list[str]:
    words, skip = [], False
    for arg in args:
        if skip:
            skip = False
        elif arg in takes_value:
            skip = True
        elif not arg.startswith("-") and "=" not in arg:
            words.append(arg)
    return words


def _script_purpose(path: str) -> Purpose | None:
    """A project script's purpose from its name: `scripts/run_tests.sh` tests, `bin/lint` lints."""
    name = path.rsplit("/", 1)[-1].split(".", 1)[0].lower()
    words = re.split(r"[:\-_.]", name)
    for wanted in ("lint", "format", "typecheck", "test", "build"):
        if any(_word_purpose(word) == wanted for word in words):
            return wanted
    return None


def _package_script_purpose(tool: str, args: tuple[str, ...]) -> Purpose | None:
    words = [a for a in args if not a.startswith("-")]
    if not words:
        return "install" if tool in ("yarn", "pnpm") else None
    sub = words[0]
    if sub in ("install", "i", "ci", "add"):
        return "install"
    if sub in ("test", "t", "tst"):
        return "test"
    if sub in ("run", "run-script") and len(words) > 1:
        return _name_purpose(words[1])
    if sub in ("start", "dev", "serve"):
        return "run"
    if tool in ("yarn", "pnpm", "bun"):
        # `pnpm vitest run`, `yarn tsc`: a script or a tool of the project
        return _name_purpose(sub) or _TOOL_PURPOSE.get(sub)
    return None


def _name_purpose(name: str) -> Purpose | None:
    """A script or make target's purpose from its name: `test:unit`, `check:lint`, `typecheck`.

    The most specific word wins: `check:lint` lints, `check` alone tests.
    """
    words = re.split(r"[:\-_.]", name.lower())
    for specific in ("lint", "format", "typecheck"):
        for word in words:
            if _word_purpose(word) == specific:
                return specific
    return _word_purpose(words[0])


def _word_purpose(head: str) -> Purpose | None:
    if head in (
        "test",
        "tests",
        "check",
        "spec",
        "specs",
        "ci",
        "unit",
        "e2e",
        "coverage",
        "cov",
        "integration",
    ):
        return "test"
    if head in ("lint", "eslint", "ruff", "flake8", "vet", "clippy", "stylelint"):
        return "lint"
    if head in ("fmt", "format", "prettier", "black", "pretty"):
        return "format"
    if head in ("typecheck", "types", "type", "tsc", "mypy", "typing", "pyright"):
        return "typecheck"
    if head in ("build", "compile", "dist", "bundle", "all", "package"):
        return "build"
    if head in ("install", "deps", "setup", "bootstrap", "vendor"):
        return "install"
    if head in ("start", "dev", "serve", "run"):
        return "run"
    return None


def normalize(command: str, place: Callable[[str], str | None] | None = None) -> str:
    """A command as memory should cite it: no pagers or redirections; one line.

    `cd <dir>` stays only when `place` maps the directory to a subdirectory of the repo (it
    returns the repo-relative path, "" for the repo root, None outside it). Env assignments stay
    (`PYTHONPATH=src pytest` differs from `pytest`).
    """
    segments = []
    for segment in split_segments(command):
        argv = tokens(segment)
        if argv and argv[0] in ("cd", "pushd"):
            where = place(argv[1]) if place is not None and len(argv) == 2 else None
            if where:
                segments.append(f"cd {where}")
            continue
        if argv and argv[0] == "clear":
            continue
        plain = " ".join(_NOISE_SUFFIX.sub("", segment).split())
        segments.append(_TIMING_WRAPPER.sub(r"\1", plain))
    while segments and segments[-1].startswith("cd "):
        segments.pop()
    return " && ".join(s for s in segments if s)


@functools.lru_cache(maxsize=4096)
def is_targeted(command: str) -> bool:
    """Whether a command runs only some tests or files (`pytest tests/test_x.py::t`, `-k x`),
    or changes files rather than checking them (`--fix`, `-u`)."""
    for segment in split_segments(command):
        for arg in _tool_args(core(segment).argv):
            if "::" in arg or arg in _SELECTING:
                return True
            if "=" in arg and arg.split("=", 1)[0] in _SELECTING:
                return True
            if not arg.startswith("-") and _is_source_file(arg):
                return True
    return False


def selects_tests(command: str) -> bool:
    """Whether a command picks tests by name (`::test_x`, `-k x`, `-run X`) or changes files,
    rather than running whole test files."""
    for segment in split_segments(command):
        for arg in _tool_args(core(segment).argv):
            if "::" in arg or arg in _SELECTING:
                return True
            if "=" in arg and arg.split("=", 1)[0] in _SELECTING:
                return True
    return False


def _tool_args(argv: tuple[str, ...]) -> tuple[str, ...]:
    """The arguments after the tool itself: `python3 -m pytest -q x` → ("-q", "x")."""
    if argv and _PYTHON.match(argv[0]):
        args = argv[1:]
        if len(args) >= 2 and args[0] == "-m":
            return args[2:]
        if args and args[0].endswith(".py"):
            return args[1:]
        return args
    return argv[1:]


# Flags that run part of a suite, or change files instead of checking them.
_SELECTING = frozenset(
    {
        "-k",
        "-m",
        "-run",
        "--run",
        "--grep",
        "-t",
        "--testNamePattern",
        "-g",
        "--ignore",
        "--deselect",
        "--lf",
        "--last-failed",
        "--only-changed",
        "--changed",
        "-u",
        "--updateSnapshot",
        "--update-snapshots",
        "--snapshot-update",
        "--fix",
        "--write",
        "--fix-only",
        "--unsafe-fixes",
        "--testPathPattern",
        "--filter",
        "--collect-only",
        "--co",
        "--help",
        "-h",
        "--version",
        "-V",
        "--list",
        "--listTests",
        "--dry-run",
    }
)
_SOURCE_FILE = re.compile(
    r"\.(?:py|pyi|js|jsx|mjs|cjs|ts|tsx|go|rs|rb|java|kt|php|cs|c|cc|cpp|h|hpp|swift|vue|svelte"
    r"|scala|ex|exs)$"
)


def _is_source_file(arg: str) -> bool:
    return bool(_SOURCE_FILE.search(arg))


# Flags that change how much a run prints or when it stops, not what it checks.
_DEBUG_FLAGS = re.compile(
    r"^(?:-x|--exitfirst|-v+|--verbose|-s|--capture=no|--tb=\S+|--no-header|-r[fEsxXpPaAwN]+"
    r"|--maxfail=\d+|--color=\S+|--durations=\d+|--bail|--no-cache|-count=1|--failfast)$"
)


def without_debug_flags(command: str) -> str:
    """`pytest -x -q --tb=short` → `pytest -q`: the same check, minus how it reports."""
    return " ".join(t for t in command.split(" ") if not _DEBUG_FLAGS.match(t))


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Levenshtein distance, cut off at `limit`."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
        if min(previous) >= limit:
            return limit
    return min(previous[-1], limit)


def is_typo_of(failed: str, worked: str) -> bool:
    """Whether two commands differ by one mistyped word (`make tets` → `make test`).

    Two real tools with close names (`pnpm`, `npm`) are not a typo of each other.
    """
    a, b = tokens(failed), tokens(worked)
    if len(a) != len(b):
        return False
    diffs = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    if len(diffs) != 1:
        return False
    x, y = diffs[0]
    return edit_distance(x, y) <= 2 and not (x in KNOWN_TOOLS and y in KNOWN_TOOLS)
