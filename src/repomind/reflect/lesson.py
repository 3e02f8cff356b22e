"""A lesson learned from a session: what agents should do next time, what it cites, its evidence."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

# command:    a command failed and a similar one then worked ("use Y, not X")
# correction: the user corrected the agent or stated a preference ("always run pytest -q")
# cochange:   files that had to be edited together in one session
# loop:       the agent went round in circles (same file edited many times, same failing command)
# confirmed:  a test/lint/build command that was run and passed (confirms or adds a command)
LessonKind = Literal["command", "correction", "cochange", "loop", "confirmed"]

QUOTE_CHARS = 160


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a lesson came from: enough for a human to find the moment in the transcript."""

    session_id: str
    agent: str  # "claude_code" | "codex" | "gemini" | "aider" | "human"
    date: str  # YYYY-MM-DD of the session, "" when unknown
    quote: str  # the line that shows it: one line, redacted, at most QUOTE_CHARS characters


@dataclass(frozen=True, slots=True)
class Lesson:
    """One thing to remember.

    `topic` decides identity: two lessons with the same topic are about the same thing, so the
    newer one reinforces (same advice) or supersedes (different advice) the older one. Topics are
    normalized and stable: `command:test` (how to run the tests), `confirmed:pytest -q`,
    `cochange:src/a.py|src/b.py` (sorted), `loop:src/x.py`, `correction:<sorted key words>`.
    """

    kind: LessonKind
    topic: str
    text: str  # one markdown line for agents, imperative, at most ~200 characters
    files: tuple[str, ...] = ()  # repo-relative, forward slashes
    symbols: tuple[str, ...] = ()
    commands: tuple[str, ...] = ()  # only commands that were actually run in the session
    evidence: tuple[Evidence, ...] = field(default=())


def one_line(text: str, limit: int = QUOTE_CHARS) -> str:
    """`text` collapsed to one line of at most `limit` characters (an ellipsis marks a cut)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
