"""pre-commit hooks and GitHub Actions workflows: CI runs confirm manifest commands or
add CI-only ones.
"""

from __future__ import annotations

import posixpath

import yaml

from repomind.commands.helpers import _scalar_lines, _tokens, _yline, _ymap, _yseq, _ystr
from repomind.commands.model import _C_HOOKS, _Cand, _Ctx
from repomind.commands.runners import _join_continuations
from repomind.commands.shell import _segments, _tool_kind

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
