"""`memory/commands.md`: exact build/test/lint commands and conventions, for agents to copy."""

from __future__ import annotations

from repomind.commands import ProjectFacts

DESCRIPTION = (
    "How to build, test, lint, format, type-check and run this repository (exact commands and "
    "where each came from), plus conventions that differ from defaults. Written by repomind index."
)
KIND_ORDER = ("install", "build", "test", "lint", "format", "typecheck", "run", "other")
PER_KIND = 3


def render_commands(facts: ProjectFacts) -> str:
    lines = ["# Commands", ""]
    by_kind: dict[str, list] = {}
    for command in facts.commands:
        by_kind.setdefault(command.kind, []).append(command)
    if not by_kind:
        lines.append("No build, test or lint command was found in the manifests or CI config.")
    for kind in sorted(by_kind, key=lambda k: (KIND_ORDER.index(k) if k in KIND_ORDER else 99, k)):
        for command in by_kind[kind][:PER_KIND]:
            note = f" — {command.detail}" if command.detail else ""
            label = f"{kind} ({command.scope})" if command.scope else kind
            lines.append(f"- {label}: `{command.command}` ({command.source}){note}")
    if facts.conventions:
        lines += ["", "## Conventions", ""]
        lines += [f"- {c}" for c in facts.conventions]
    stack = []
    if facts.languages:
        stack.append("languages: " + ", ".join(f"{lang} ({n})" for lang, n in facts.languages[:8]))
    if facts.frameworks:
        stack.append("frameworks and tools: " + ", ".join(facts.frameworks))
    if facts.package_managers:
        stack.append("package managers: " + ", ".join(facts.package_managers))
    if stack:
        lines += ["", "## Stack", ""]
        lines += [f"- {s}" for s in stack]
    return "\n".join(lines) + "\n"
