"""Rust: Cargo.toml, workspace members, dependencies, edition and toolchain."""

from __future__ import annotations

from typing import Any

from repomind.commands.helpers import _dict, _glob_regex, _parent, _str, _strs, _table, _words
from repomind.commands.model import _C_VERSION, _MAX_PACKAGES, _Ctx

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
