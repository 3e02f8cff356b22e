"""What goes into the rule files: short and actionable (exact commands, files that change
together, non-default conventions, where to find more); never overviews or trees."""

from __future__ import annotations

from repomind.commands import ProjectFacts
from repomind.memory.cochange import CochangeRule

KIND_ORDER = ("test", "lint", "format", "typecheck", "build", "run", "install")
PER_KIND = 1
MAX_RULES = 10
MAX_CONVENTIONS = 8

HEADER = "## Repository memory (maintained by repomind)"
FOOTER = (
    'More: `repomind query "<task>"` lists the files a task needs; '
    "`repomind related <file>` lists what usually changes with a file; "
    "details live in `.repomind/memory/`."
)


def render_rules(facts: ProjectFacts, rules: list[CochangeRule], max_chars: int) -> str:
    """The block's markdown, trimmed (least important lines first) to fit `max_chars`."""
    commands = _commands(facts)
    together = [
        f"- `{r.a}` → `{r.b}` (together in {r.together} of {r.commits_a} commits)"
        for r in rules[:MAX_RULES]  # strongest first, as memory ranks them
    ]
    conventions = [f"- {c}" for c in facts.conventions[:MAX_CONVENTIONS]]
    while True:
        text = _assemble(commands, together, conventions)
        if len(text) <= max_chars or not (conventions or together or len(commands) > 1):
            return text if len(text) <= max_chars else text[:max_chars]
        if conventions:
            conventions.pop()
        elif together:
            together.pop()
        else:
            commands.pop()


def _commands(facts: ProjectFacts) -> list[str]:
    lines: list[str] = []
    for kind in KIND_ORDER:
        for command in [c for c in facts.commands if c.kind == kind][:PER_KIND]:
            lines.append(f"- {kind}: `{command.command}`")
    return lines


def _assemble(commands: list[str], together: list[str], conventions: list[str]) -> str:
    parts = [HEADER, ""]
    if commands:
        parts += ["Commands (run from the repository root):", *commands, ""]
    if together:
        parts += [
            "Files that change together: when you edit the first, check the second.",
            *together,
            "",
        ]
    if conventions:
        parts += ["Conventions:", *conventions, ""]
    parts.append(FOOTER)
    return "\n".join(parts) + "\n"
