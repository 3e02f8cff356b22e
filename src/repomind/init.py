"""`repomind init`: create `.repomind/` with its config and ignore rules, idempotently."""

from __future__ import annotations

from dataclasses import dataclass

from repomind.config import default_config_text
from repomind.fsutil import write_text_atomic
from repomind.layout import Layout

GITIGNORE_TEXT = """\
# repomind: derived data and per-machine state are never committed
cache/
state/
"""


@dataclass(frozen=True, slots=True)
class InitReport:
    created: tuple[str, ...]
    kept: tuple[str, ...]


def init_repo(layout: Layout, agents: list[str]) -> InitReport:
    """Create what is missing; never overwrite a file a human may have edited.

    `agents`: the rule-file targets to record in the new config.
    """
    created: list[str] = []
    kept: list[str] = []
    config_text = default_config_text(export_targets=agents)
    for path, text in ((layout.config, config_text), (layout.gitignore, GITIGNORE_TEXT)):
        rel = path.relative_to(layout.root).as_posix()
        if path.exists():
            kept.append(rel)
            continue
        write_text_atomic(path, text)
        created.append(rel)
    return InitReport(created=tuple(created), kept=tuple(kept))


def ensure_private_dirs(layout: Layout) -> None:
    """`cache/` and `state/` exist and are git-ignored, even when `init` was never run."""
    layout.cache.mkdir(parents=True, exist_ok=True)
    layout.state.mkdir(parents=True, exist_ok=True)
    if not layout.gitignore.exists():
        write_text_atomic(layout.gitignore, GITIGNORE_TEXT)
