"""What goes into the rule files: short and actionable (exact commands, files that change
together, non-default conventions, where to find more); never overviews or trees."""

from __future__ import annotations

from repomind.commands import ProjectFacts
from repomind.memory.cochange import CochangeRule

KIND_ORDER = ("test", "lint", "format", "typecheck", "build", "run", "install")
PER_KIND = 1
MAX_RULES = 10
MAX_CONVENTIONS = 8
MAX_LESSONS = 10

HEADER = "## Repository memory (maintained by repomind)"
FOOTER = (
    'More: `repomind query "<task>"` lists the files a task needs; '
    "`repomind related <file>` lists what usually changes with a file; "
    "details live in `.repomind/memory/`."
)


def render_rules(
    facts: ProjectFacts,
    rules: list[CochangeRule],
    max_chars: int,
    lessons: list[str] | None = None,
) -> str:
    """The block's markdown, trimmed (least important lines first) to fit `max_chars`.
    `lessons`: lesson texts learned from sessions, strongest first."""
    commands = _commands(facts)
    learned = [f"- {_one_line(text)}" for text in (lessons or [])[:MAX_LESSONS]]
    together = [
        f"- `{r.a}` → `{r.b}` (together in {r.together} of {r.commits_a} commits)"
        for r in rules[:MAX_RULES]  # strongest first, as memory ranks them
    ]
    conventions = [f"- {c}" for c in facts.conventions[:MAX_CONVENTIONS]]
    while True:
        text = _assemble(commands, learned, together, conventions)
        if len(text) <= max_chars or not (conventions or together or learned or len(commands) > 1):
            return text if len(text) <= max_chars else text[:max_chars]
        if conventions:
            conventions.pop()
        elif together:
            together.pop()
        elif learned:
            learned.pop()
        else:
            commands.pop()


def _commands(facts: ProjectFacts) -> list[str]:
    lines: list[str] = []
    for kind in KIND_ORDER:
        for command in [c for c in facts.commands if c.kind == kind][:PER_KIND]:
            label = f"{kind} ({command.scope})" if command.scope else kind
            lines.append(f"- {label}: `{command.command}`")
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _assemble(
    commands: list[str], learned: list[str], together: list[str], conventions: list[str]
) -> str:
    parts = [HEADER, ""]
    if commands:
        parts += ["Commands (run from the repository root):", *commands, ""]
    if learned:
        parts += ["Lessons from past sessions (`.repomind/memory/lessons.md`):", *learned, ""]
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
