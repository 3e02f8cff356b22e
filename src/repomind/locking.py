"""Cross-process locks, so `watch`, git hooks and manual runs never write at the same time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from repomind.errors import OperationError
from repomind.layout import Layout

INDEX_LOCK_WAIT_SECONDS = 20.0


@contextmanager
def index_lock(layout: Layout, wait: float = INDEX_LOCK_WAIT_SECONDS) -> Iterator[None]:
    """Hold the repository's index lock, waiting up to `wait` seconds for another run."""
    from filelock import FileLock, Timeout

    layout.state.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(layout.index_lock))
    try:
        lock.acquire(timeout=wait)
    except Timeout:
        raise OperationError(
            f"another repomind index is running in this repository (waited {wait:.0f}s); "
            "try again when it finishes"
        ) from None
    try:
        yield
    finally:
        lock.release()
