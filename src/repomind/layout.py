"""Where repomind keeps things inside a repository: one place that names every path."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from repomind.errors import UsageError

REPOMIND_DIR = ".repomind"


@dataclass(frozen=True, slots=True)
class Layout:
    """Absolute paths of a repository's repomind files."""

    root: Path  # the work tree root (a worktree's own root for linked worktrees)

    @property
    def base(self) -> Path:
        return self.root / REPOMIND_DIR

    @property
    def config(self) -> Path:
        return self.base / "config.yaml"

    @property
    def gitignore(self) -> Path:
        return self.base / ".gitignore"

    @property
    def memory(self) -> Path:
        return self.base / "memory"

    @property
    def lessons(self) -> Path:
        """What `repomind reflect` learned (memory.lessons.LESSONS)."""
        return self.memory / "lessons.md"

    @property
    def wiki(self) -> Path:
        return self.base / "wiki"

    @property
    def cache(self) -> Path:
        return self.base / "cache"

    @property
    def state(self) -> Path:
        return self.base / "state"

    @property
    def index_db(self) -> Path:
        return self.cache / "index.sqlite"

    @property
    def index_lock(self) -> Path:
        return self.state / "index.lock"


def find_root(start: Path | None = None) -> Path:
    """The work-tree root containing `start` (default: the current directory).

    Walks up looking for `.git` (a directory, or a file for worktrees and submodules) without
    starting git, because hook-driven commands run on every agent prompt.
    """
    here = (start or Path.cwd()).resolve()
    if here.is_file():
        here = here.parent
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    raise UsageError(f"not a git repository (or any parent up to /): {here}")


def relative_path(root: Path, path: str | Path) -> str:
    """`path` (absolute, or relative to the current directory) as a repo-relative POSIX path."""
    p = Path(path)
    absolute = p if p.is_absolute() else Path.cwd() / p
    absolute = Path(_normalise(absolute))
    try:
        rel = absolute.relative_to(root)
    except ValueError:
        try:
            rel = absolute.resolve().relative_to(root.resolve())
        except ValueError:
            raise UsageError(f"path is outside the repository {root}: {path}") from None
    return rel.as_posix()


def _normalise(path: Path) -> str:
    import os.path

    return os.path.normpath(str(path))
