"""Progress reporting between the core and the CLI: stages with optional counts."""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def stage(self, name: str, total: int | None = None) -> None: ...
    def advance(self, n: int = 1) -> None: ...


class Silent:
    """Progress that shows nothing (not a terminal, --quiet, or called from code)."""

    def stage(self, name: str, total: int | None = None) -> None:
        pass

    def advance(self, n: int = 1) -> None:
        pass
