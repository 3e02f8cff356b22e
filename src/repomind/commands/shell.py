"""Command lines: tokens, segments, which kind of work a tool does (`_tool_kind`), and
the normal form (`_norm_key`) that merges manifest and CI spellings.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping

from repomind.commands.helpers import _pairs, _tokens, _words

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
