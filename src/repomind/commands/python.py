"""Python: pyproject.toml, setup.cfg, requirements, hatch / pdm / poe scripts, tox, nox
and tool configuration (pytest, ruff, black, isort, mypy, pyright, flake8, coverage).
"""

from __future__ import annotations

import configparser
import re
from collections.abc import Callable, Iterable
from typing import Any

from repomind.commands.helpers import (
    _dict,
    _expand_braces,
    _glob_regex,
    _key_line,
    _list,
    _parent,
    _parse_ini,
    _req_name,
    _runs,
    _script_label,
    _section_line,
    _split_top_level,
    _str,
    _strs,
    _table,
    _words,
)
from repomind.commands.model import _C_VERSION, _MAX_PACKAGES, TIER_EXPLICIT, TIER_INFERRED, _Ctx
from repomind.commands.shell import _dedupe, _script_kind

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
