"""Write every derived memory file from the index; returns the files whose bytes changed."""

from __future__ import annotations

from repomind.commands import ProjectFacts
from repomind.config import Config
from repomind.errors import UsageError
from repomind.layout import Layout
from repomind.memory import cochange, commands, repomap
from repomind.memory.document import write_generated
from repomind.store import Store

REPO_MAP = "repo-map.md"
COMMANDS = "commands.md"
COCHANGE = "cochange.md"
MEMORY_FILES = (COMMANDS, REPO_MAP, COCHANGE)


def write_memory(
    layout: Layout,
    store: Store,
    facts: ProjectFacts,
    config: Config,
    keep: frozenset[str] = frozenset(),
) -> list[str]:
    """Render and write the memory files; those named in `keep` (whose inputs did not change)
    are left as they are when they exist. Returns the files whose bytes changed."""
    indexed = {p for p, row in store.files().items() if row.skip is None}
    renderers = {
        COMMANDS: lambda: (commands.DESCRIPTION, commands.render_commands(facts)),
        REPO_MAP: lambda: (
            repomap.DESCRIPTION,
            repomap.render_repo_map(store, config.memory.repo_map_tokens),
        ),
        COCHANGE: lambda: (
            cochange.DESCRIPTION,
            cochange.render_cochange(cochange.strongest_rules(store, config.memory, indexed)),
        ),
    }
    documents = {
        name: render()
        for name, render in renderers.items()
        if name not in keep or not (layout.memory / name).exists()
    }
    changed: list[str] = []
    for name, (description, content) in sorted(documents.items()):
        path = layout.memory / name
        try:
            if write_generated(path, description, content):
                changed.append(path.relative_to(layout.root).as_posix())
        except UnicodeDecodeError:
            raise UsageError(f"{path} is not UTF-8 text; fix or delete it") from None
        except UsageError as exc:
            raise UsageError(f"{path.relative_to(layout.root)}: {exc}") from None
    return changed
