"""The watcher's lock and status file: who runs for a repository, readable from any process."""

from __future__ import annotations

import json
import os
import time
from dataclasses import asdict, dataclass
from typing import Any

from repomind.errors import OperationError
from repomind.layout import Layout

LOCK_NAME = "watch.lock"
STATUS_NAME = "watch.json"
LOG_NAME = "watch.log"


@dataclass(slots=True)
class WatchStatus:
    """What `watch --status` and `repomind status` report (from the watcher's status file)."""

    running: bool
    pid: int | None = None
    started: str | None = None
    state: str = "not running"
    last_step: dict[str, Any] | None = None
    last_error: dict[str, Any] | None = None
    log: str | None = None
    settle_seconds: float | None = None
    idle_seconds: float | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def describe(self) -> str:
        """One line for humans."""
        if not self.running:
            text = "not running — start it with `repomind watch --detach`"
            if self.last_error:
                text += f" (last error: {self.last_error.get('step')}: "
                text += f"{self.last_error.get('message', '')})"
            return text
        text = f"running (pid {self.pid}, since {self.started}): {self.state}"
        if self.last_step:
            text += f"; last step {self.last_step.get('name')} {self.last_step.get('outcome')}"
            text += f" at {self.last_step.get('at')}"
        return text


def utc_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


class WatchLock:
    """An exclusive flock on `.repomind/state/watch.lock`, released by the kernel on any exit.

    So a crashed watcher never blocks the next start; the status file beside it only tells
    who holds the lock.
    """

    def __init__(self, layout: Layout) -> None:
        self.path = layout.state / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> bool:
        import fcntl

        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.release()
        self._fd = fd
        return True

    def intact(self) -> bool:
        """False when the lock file we hold was deleted or replaced (folder removed)."""
        if self._fd is None:
            return False
        try:
            return os.stat(self.path).st_ino == os.fstat(self._fd).st_ino
        except OSError:
            return False

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None


def is_locked(layout: Layout) -> bool:
    """Whether some process holds the watch lock (probing takes it for an instant)."""
    lock = WatchLock(layout)
    if not lock.path.exists():
        return False
    try:
        if lock.acquire():
            lock.release()
            return False
    except OSError:  # cannot open it (read-only checkout): the pid check has to do
        return False
    return True


def read_status_file(layout: Layout) -> dict[str, Any]:
    try:
        data = json.loads((layout.state / STATUS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie (exited, not yet reaped) is gone for our purposes
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rpartition(")")[2].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def process_cmdline(pid: int) -> bytes:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            return handle.read()
    except OSError:
        return b""


def watcher_status(layout: Layout) -> WatchStatus:
    """Whether a watcher runs for this repository, and what it last did."""
    data = read_status_file(layout)
    pid = data.get("pid") if isinstance(data.get("pid"), int) else None
    # The lock is the truth; the command line covers the instant its file is being recreated.
    running = (
        pid is not None
        and pid_alive(pid)
        and (is_locked(layout) or b"watch" in process_cmdline(pid))
    )
    status = WatchStatus(
        running=running,
        pid=pid if running else None,
        started=data.get("started") if running else None,
        state=str(data.get("state", "")) if running else "not running",
        last_step=data.get("last_step"),
        last_error=data.get("last_error"),
        log=str(layout.state / LOG_NAME) if (layout.state / LOG_NAME).exists() else None,
        settle_seconds=data.get("settle_seconds") if running else None,
        idle_seconds=data.get("idle_seconds") if running else None,
    )
    return status


def already_running_error(layout: Layout) -> OperationError:
    data = read_status_file(layout)
    pid, since = data.get("pid", "?"), data.get("started", "?")
    return OperationError(
        f"repomind watch is already running in this repository (pid {pid}, since {since}); "
        "stop it with `repomind watch --stop`"
    )
