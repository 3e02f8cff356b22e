"""Path-scoped rule files: co-change knowledge that belongs to one part of the tree, loaded by
agents only when they work there (Claude `paths:`, Cursor `globs`, Copilot `applyTo`)."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from repomind.exports.targets import Target
from repomind.memory.cochange import CochangeRule

MIN_RULES = 3  # an area needs at least this many rules of its own to deserve a file
MAX_RULES = 15
MAX_AREAS = 6  # scoped files are cheap for agents, but each is one more file for humans
CONTAINERS = {
    "src",
    "lib",
    "packages",
    "apps",
    "crates",
    "modules",
    "services",
    "libs",
    "cmd",
    "internal",
    "pkg",
}
PREFIX = "repomind-"
SCOPED_DIRS = {
    "claude": ".claude/rules",
    "cursor": ".cursor/rules",
    "copilot": ".github/instructions",
}


def area_of(path: str) -> str:
    """The part of the tree a file belongs to: its top directory, or the package below a
    container directory (`src/shop`, `packages/web`, `crates/core`)."""
    parts = path.split("/")[:-1]
    if len(parts) >= 2 and parts[0] in CONTAINERS:
        return "/".join(parts[:2])
    return parts[0] if parts else ""


def scoped_rules(rules: list[CochangeRule], shown: set[tuple[str, str]]) -> dict[str, list[str]]:
    """area -> rule lines for areas with enough rules not already in the always-loaded files."""
    by_area: dict[str, list[CochangeRule]] = defaultdict(list)
    for rule in rules:
        area = area_of(rule.a)
        if area and (rule.a, rule.b) not in shown:
            by_area[area].append(rule)
    out: dict[str, list[str]] = {}
    biggest = sorted(by_area.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:MAX_AREAS]
    for area, found in sorted(biggest):
        if len(found) >= MIN_RULES:
            out[area] = [
                f"- `{r.a}` → `{r.b}` (together in {r.together} of {r.commits_a} commits)"
                for r in found[:MAX_RULES]
            ]
    return out


def render_scoped(area: str, lines: list[str]) -> str:
    return (
        "\n".join(
            [
                f"## Files that change together in `{area}/` (maintained by repomind)",
                "",
                "When you edit the first file, check whether the second needs the same change:",
                *lines,
            ]
        )
        + "\n"
    )


def slug(area: str) -> str:
    return PREFIX + re.sub(r"[^A-Za-z0-9_]+", "-", area).strip("-").lower()


def scoped_target(kind: str, area: str) -> Target:
    glob = f"{area}/**"
    name = slug(area)
    if kind == "claude":
        return Target(
            kind, f".claude/rules/{name}.md", 12_000, f'---\npaths:\n  - "{glob}"\n---\n\n'
        )
    if kind == "cursor":
        return Target(
            kind,
            f".cursor/rules/{name}.mdc",
            12_000,
            f"---\ndescription: Files that change together in {area}/ (repomind)\n"
            f"globs: {glob}\nalwaysApply: false\n---\n\n",
        )
    return Target(
        kind,
        f".github/instructions/{name}.instructions.md",
        4_000,
        f'---\napplyTo: "{glob}"\n---\n\n',
    )


def stale_scoped_files(root: Path, kinds: list[str], wanted: set[str]) -> list[str]:
    """repomind-made scoped files (our prefix and our block) that no area needs any more."""
    out = []
    for kind in kinds:
        directory = root / SCOPED_DIRS[kind]
        if not directory.is_dir():
            continue
        for path in sorted(directory.glob(f"{PREFIX}*")):
            rel = path.relative_to(root).as_posix()
            if rel in wanted or not path.is_file() or path.is_symlink():
                continue
            try:
                ours = b"<!-- repomind:begin rules -->" in path.read_bytes()
            except OSError:
                continue
            if ours:
                out.append(rel)
    return out
