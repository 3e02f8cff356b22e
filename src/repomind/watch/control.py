"""Start a watcher in the background, stop it, from another process (`--detach`, `--stop`)."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from repomind.errors import OperationError
from repomind.layout import Layout
from repomind.watch.daemon import LOG_ROTATE_BYTES, STOP_GRACE_SECONDS
from repomind.watch.state import (
    LOG_NAME,
    already_running_error,
    is_locked,
    pid_alive,
    read_status_file,
    watcher_status,
)
from repomind.watch.steps import TERM_GRACE_SECONDS

# how long --stop waits: the running step's grace, its SIGTERM grace, and some slack
STOP_WAIT_SECONDS = STOP_GRACE_SECONDS + TERM_GRACE_SECONDS + 10.0
START_WAIT_SECONDS = 15.0


def start_detached(
    layout: Layout,
    settle_seconds: float | None = None,
    idle_seconds: float | None = None,
) -> tuple[int, Path]:
    """Start a background watcher; returns its pid and log once it is watching."""
    if is_locked(layout):
        raise already_running_error(layout)
    layout.state.mkdir(parents=True, exist_ok=True)
    log_file = layout.state / LOG_NAME
    with contextlib.suppress(OSError):
        if log_file.stat().st_size > LOG_ROTATE_BYTES:
            os.replace(log_file, log_file.with_name(LOG_NAME + ".1"))
    command = [sys.executable, "-m", "repomind", "watch", "-C", str(layout.root)]
    command += ["--log-file", str(log_file)]
    if settle_seconds is not None:
        command += ["--settle-seconds", str(settle_seconds)]
    if idle_seconds is not None:
        command += ["--idle-seconds", str(idle_seconds)]
    offset = log_file.stat().st_size if log_file.exists() else 0
    with open(log_file, "ab") as sink:
        proc = subprocess.Popen(
            command,
            cwd=str(layout.root),
            stdin=subprocess.DEVNULL,
            stdout=sink,
            stderr=sink,
            start_new_session=True,
        )
    deadline = time.monotonic() + START_WAIT_SECONDS
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise OperationError(f"repomind watch did not start: {_log_tail(log_file, offset)}")
        data = read_status_file(layout)
        if data.get("pid") == proc.pid and data.get("state") != "starting":
            proc.returncode = 0  # it outlives us on purpose: no "still running" warning
            return proc.pid, log_file
        time.sleep(0.05)
    proc.returncode = 0
    return proc.pid, log_file  # slow to start, but running: --status will tell


def _log_tail(log_file: Path, offset: int) -> str:
    try:
        with open(log_file, "rb") as handle:
            handle.seek(offset)
            text = handle.read().decode("utf-8", "replace")
    except OSError:
        return "no log"
    lines = [line for line in text.strip().splitlines() if line.strip()]
    last = lines[-1] if lines else "exited without a message"
    return last.removeprefix("repomind: error: ")


@dataclass(slots=True)
class StopReport:
    was_running: bool
    pid: int | None = None
    killed: bool = False  # it did not stop within the wait and was killed


def stop_watcher(layout: Layout, wait: float = STOP_WAIT_SECONDS) -> StopReport:
    """Ask the running watcher to stop (SIGTERM) and wait for it; kill it if it hangs."""
    status = watcher_status(layout)
    if not status.running or status.pid is None:
        return StopReport(False)
    pid = status.pid
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if not pid_alive(pid):
            return StopReport(True, pid)
        time.sleep(0.05)
    child = read_status_file(layout).get("child_pid")
    for target in (pid, child):
        if isinstance(target, int):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(target, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
    return StopReport(True, pid, killed=True)
