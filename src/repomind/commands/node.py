"""JavaScript / TypeScript: package.json scripts, package managers, workspaces, tool
configs and frameworks.
"""

from __future__ import annotations

import re
from typing import Any

from repomind.commands.helpers import (
    _dict,
    _glob_regex,
    _parent,
    _runs,
    _str,
    _strs,
    _words,
    _ymap,
    _yseq,
    _ystr,
)
from repomind.commands.model import (
    _C_COMMITS,
    _C_LAYOUT,
    _C_LOCK,
    _C_TOOLS,
    _C_VERSION,
    _MAX_PACKAGES,
    _SKIP_PACKAGE_DIRS,
    TIER_EXPLICIT,
    _Ctx,
)
from repomind.commands.shell import _PM_BUILTINS, _script_kind

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
