"""The agents' rule files repomind can keep a block in, their limits, and which ones a repo uses."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from repomind.errors import UsageError


@dataclass(frozen=True, slots=True)
class Target:
    name: str
    path: str  # repo-relative
    max_chars: int  # what the agent reads of it (the block is kept under this)
    frontmatter: str = ""  # written when repomind creates the file


CURSOR_FRONTMATTER = (
    "---\n"
    "description: Repository memory from repomind (commands, files that change together)\n"
    "globs:\n"
    "alwaysApply: true\n"
    "---\n\n"
)
WINDSURF_FRONTMATTER = "---\ntrigger: always_on\n---\n\n"

TARGETS: dict[str, Target] = {
    t.name: t
    for t in (
        Target("agents", "AGENTS.md", 32 * 1024),  # Codex reads 32 KiB across the chain
        Target("claude", "CLAUDE.md", 40_000),
        Target("cursor", ".cursor/rules/repomind.mdc", 12_000, CURSOR_FRONTMATTER),
        Target("copilot", ".github/copilot-instructions.md", 4_000),  # code review reads ~4k
        Target("gemini", "GEMINI.md", 40_000),
        Target("windsurf", ".windsurf/rules/repomind.md", 12_000, WINDSURF_FRONTMATTER),
        Target("cline", ".clinerules/repomind.md", 12_000),
    )
}


# Agents named instead of their rule file: Codex, opencode, Amp and Jules read AGENTS.md.
ALIASES = {
    "codex": "agents",
    "opencode": "agents",
    "amp": "agents",
    "jules": "agents",
    "agents.md": "agents",
    "claude-code": "claude",
    "claude.md": "claude",
    "gemini-cli": "gemini",
    "gemini.md": "gemini",
    "github-copilot": "copilot",
}


def chosen_targets(root: Path, configured: list[str], requested: list[str]) -> list[Target]:
    """Targets from the command line, else the config, else those the repo shows signs of.

    AGENTS.md is always among the detected ones: most agents read it. An agent's own name
    stands for the file it reads (`codex` → AGENTS.md).
    """
    names = [ALIASES.get(n.lower(), n.lower()) for n in requested or configured]
    if names:
        unknown = sorted(set(names) - set(TARGETS))
        if unknown:
            raise UsageError(
                f"unknown export target {', '.join(unknown)} (known: {', '.join(TARGETS)})"
            )
        return [TARGETS[n] for n in TARGETS if n in names]
    return [TARGETS[n] for n in detect_targets(root)]


def detect_targets(root: Path) -> list[str]:
    signs = {
        "agents": True,
        "claude": (root / "CLAUDE.md").exists() or (root / ".claude").is_dir(),
        "cursor": (root / ".cursor").is_dir() or (root / ".cursorrules").exists(),
        "copilot": (root / ".github" / "copilot-instructions.md").exists()
        or (root / ".github" / "instructions").is_dir(),
        "gemini": (root / "GEMINI.md").exists() or (root / ".gemini").is_dir(),
        "windsurf": (root / ".windsurf").is_dir() or (root / ".windsurfrules").exists(),
        "cline": (root / ".clinerules").exists(),
    }
    return [name for name, present in signs.items() if present]
