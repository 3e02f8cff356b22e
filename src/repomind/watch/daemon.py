"""The watcher process: its loop over settle and idle deadlines, signals, and self-repair.

The loop sleeps in `select` on a wake-up pipe (written by the observer thread on the first
event of a burst, and by signal handlers) with a timeout set to the next thing that is due:
the settle deadline, the idle deadline, a step's retry, or a slow health check. Idle, it
costs nothing but an occasional wake-up.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any

from repomind.layout import Layout
from repomind.watch import steps as st
from repomind.watch.observer import Activity, GitDirs, TreeWatcher, find_git_dirs, unignored
from repomind.watch.state import (
    LOG_NAME,
    STATUS_NAME,
    WatchLock,
    already_running_error,
    pid_alive,
    process_cmdline,
    read_status_file,
    utc_now,
)

LOG_ROTATE_BYTES = 1 << 20
HEALTH_SECONDS = 60.0  # how often an idle watcher checks that its folders and lock still exist
GIT_SETTLE_SECONDS = 0.25  # settle time when the newest event is a ref update
HEALTH_DELAY_SECONDS = 0.5  # after a deletion event, before the check
MISSING_ROOT_SECONDS = 5.0  # how often it looks for a deleted repository coming back
STOP_GRACE_SECONDS = 20.0  # a running step may finish this long after a stop request
INTERNAL_ERROR_PAUSE_SECONDS = 5.0
BATCH_POLL_SECONDS = 600.0  # while idle, look for finished wiki batches this often (or idle)

CONFIG_PATH = ".repomind/config.yaml"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)  # SIGHUP: the terminal closed

log = logging.getLogger("repomind.watch")


@dataclass(frozen=True, slots=True)
class WatchTimes:
    """Seconds of quiet before re-indexing, and of inactivity before sleep-time work."""

    settle: float
    idle: float


def watch_times(
    layout: Layout, settle_seconds: float | None = None, idle_seconds: float | None = None
) -> WatchTimes:
    """The config's `watch` settings (env overrides included), or the hidden test overrides."""
    from repomind.config import load_config

    config = load_config(layout.config).watch
    settle = float(config.settle_seconds) if settle_seconds is None else settle_seconds
    idle = float(config.idle_minutes) * 60 if idle_seconds is None else idle_seconds
    return WatchTimes(max(settle, 0.05), max(idle, 0.0))


# --- the watcher itself ---------------------------------------------------------------------


class Waker:
    """A self-pipe: anything (a thread, a signal handler) can end the loop's `select`."""

    def __init__(self) -> None:
        self.read_fd, self.write_fd = os.pipe()
        os.set_blocking(self.read_fd, False)
        os.set_blocking(self.write_fd, False)

    def wake(self) -> None:
        with contextlib.suppress(BlockingIOError, OSError):
            os.write(self.write_fd, b"\0")

    def wait(self, timeout: float | None) -> None:
        with contextlib.suppress(InterruptedError):
            select.select([self.read_fd], [], [], timeout)
        with contextlib.suppress(BlockingIOError, InterruptedError):
            while os.read(self.read_fd, 4096):
                pass

    def close(self) -> None:
        os.close(self.read_fd)
        os.close(self.write_fd)


@dataclass(slots=True)
class _LoopState:
    last_activity: float
    tree_due: bool = True  # index + export at start: the tree may have changed unwatched
    tree_forced: bool = True  # run even if the burst's paths all turn out ignored
    tree_retry_at: float = 0.0
    sleep_due: set[str] = field(default_factory=lambda: {s.name for s in st.SLEEP_STEPS})
    idle_announced: bool = False


class Watcher:
    """The foreground watcher loop for one repository."""

    def __init__(
        self,
        layout: Layout,
        times: WatchTimes,
        log_file: Path | None = None,
        overrides: tuple[float | None, float | None] = (None, None),
    ) -> None:
        self.layout = layout
        self.root = layout.root
        self.times = times
        self.overrides = overrides
        self.log_file = log_file
        self.lock = WatchLock(layout)
        self.activity = Activity()
        self.waker = Waker()
        self.backoff = st.Backoff()
        self.stop_reason: str | None = None
        self.stop_at = 0.0
        self.status: dict[str, Any] = {}
        self.dirs: GitDirs | None = None
        self.tree: TreeWatcher | None = None
        self.root_missing = False

    # -- lifecycle --

    def run(self) -> int:
        if not self.lock.acquire():
            raise already_running_error(self.layout)
        self._reap_stale_step()
        previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_signal)
        self.status = {
            "pid": os.getpid(),
            "started": utc_now(),
            "root": str(self.root),
            "state": "starting",
            "settle_seconds": self.times.settle,
            "idle_seconds": self.times.idle,
            "log": str(self.log_file) if self.log_file else None,
            "child_pid": None,
        }
        self._write_status()
        try:
            try:
                self._start_observer()
            except Exception as exc:  # retried by the health check
                log.error("cannot watch the tree yet: %s", exc)
                self.tree = None
            log.info(
                "watching %s (settle %.1f s, idle %.0f s, pid %d)",
                self.root,
                self.times.settle,
                self.times.idle,
                os.getpid(),
            )
            self._loop()
        finally:
            if self.tree is not None:
                self.tree.stop()
            self.status.update(state="stopped", stopped=utc_now(), child_pid=None)
            with contextlib.suppress(OSError):
                self._write_status()
            self.lock.release()
            self.waker.close()
            for sig, handler in previous.items():
                if handler is not None:  # None: a handler not set from Python
                    signal.signal(sig, handler)
            log.info("stopped (%s)", self.stop_reason or "loop ended")
        return 0

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        # Only a flag and a pipe write: no locks are taken inside a signal handler.
        if self.stop_reason is None:
            self.stop_reason = signal.Signals(signum).name
            self.stop_at = time.monotonic()
        self.waker.wake()

    def _reap_stale_step(self) -> None:
        """A step left running by a watcher that was killed (normally PDEATHSIG ends it)."""
        data = read_status_file(self.layout)
        pid = data.get("child_pid")
        if not isinstance(pid, int) or not pid_alive(pid):
            return
        cmdline = process_cmdline(pid)
        if b"repomind.watch.child" in cmdline and str(self.root).encode() in cmdline:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(pid, signal.SIGTERM)
            log.warning("ended step pid %d left behind by a previous watcher", pid)

    def _start_observer(self) -> None:
        self.dirs = find_git_dirs(self.root)
        self.tree = TreeWatcher(self.root, self.dirs, self.activity, self.waker.wake)
        self.tree.start()
        if self.tree.degraded:
            log.warning("%s", self.tree.degraded)

    def _write_status(self) -> None:
        from repomind.fsutil import write_text_atomic

        if not self._repo_present() or not self._ensure_lock():
            return  # never recreate a deleted repository's folders
        self.layout.state.mkdir(parents=True, exist_ok=True)
        path = self.layout.state / STATUS_NAME
        write_text_atomic(path, json.dumps(self.status, indent=1, sort_keys=True) + "\n")

    def _repo_present(self) -> bool:
        return (self.root / ".git").exists()

    def _ensure_lock(self) -> bool:
        """Hold the lock again if its file was deleted; False when another watcher took it."""
        if self.lock.intact() or not self._repo_present():
            return True
        self._reopen_log()
        if self.lock.acquire():
            log.warning("state folder was deleted; lock and status recreated")
            return True
        log.error("another watcher took the lock after the state folder was deleted; exiting")
        self.stop_reason = self.stop_reason or "lock lost"
        self.waker.wake()
        return False

    def _rotate_log(self) -> None:
        """Keep the log under LOG_ROTATE_BYTES: the previous part moves to watch.log.1."""
        if self.log_file is None or not self._repo_present():
            return
        try:
            if self.log_file.stat().st_size <= LOG_ROTATE_BYTES:
                return
            os.replace(self.log_file, self.log_file.with_name(LOG_NAME + ".1"))
        except OSError:
            return
        _redirect_output(self.log_file)

    def _reopen_log(self) -> None:
        if self.log_file is None or not self._repo_present():
            return
        if not self.log_file.exists():
            _redirect_output(self.log_file)
            log.warning("log file was deleted; reopened")

    def _set_state(self, state: str) -> None:
        if self.status.get("state") != state:
            self.status["state"] = state
            with contextlib.suppress(OSError):
                self._write_status()

    # -- the loop --

    def _loop(self) -> None:
        loop = _LoopState(last_activity=time.monotonic())
        while self.stop_reason is None:
            try:
                self._run_loop(loop)
            except Exception:  # a bug in the watcher itself: log it, keep watching
                log.exception("internal error in the watch loop; continuing")
                self.waker.wait(INTERNAL_ERROR_PAUSE_SECONDS)

    def _run_loop(self, loop: _LoopState) -> None:
        now = time.monotonic()
        next_health = now + HEALTH_SECONDS
        while self.stop_reason is None:
            now = time.monotonic()
            with self.activity.lock:
                pending, last_event = self.activity.pending, self.activity.last_event
                # a commit, checkout or pull ends with its ref update: no need to wait long
                settle = (
                    min(self.times.settle, GIT_SETTLE_SECONDS)
                    if self.activity.git_last
                    else self.times.settle
                )
                queued, self.activity.queue_changed = self.activity.queue_changed, False
                health, self.activity.health = self.activity.health, False
            if health:  # let a folder removal finish before repairing what it took
                next_health = min(next_health, now + HEALTH_DELAY_SECONDS)
            if now >= next_health or self.root_missing or not self._repo_present():
                self._check_health()
                next_health = now + HEALTH_SECONDS
                if self.root_missing:
                    self._set_state("waiting for the repository folder to come back")
                    self.waker.wait(MISSING_ROOT_SECONDS)
                    continue
            if pending:
                loop.last_activity = max(loop.last_activity, last_event)
                loop.sleep_due = {s.name for s in st.SLEEP_STEPS}
                loop.idle_announced = False
            if queued:
                loop.sleep_due.add(st.REFLECT.name)
            if pending and now - last_event >= settle:
                self._tree_cycle(loop, *self.activity.take())
                continue
            if not pending and loop.tree_due and now >= loop.tree_retry_at:
                self._tree_cycle(loop, set(), False, False)
                continue
            idle_at = loop.last_activity + self.times.idle
            if not pending and not loop.tree_due and now >= idle_at:
                due = [s for s in st.SLEEP_STEPS if s.name in loop.sleep_due]
                ready = [s for s in due if self.backoff.ready(s, now)]
                if ready:
                    self._sleep_cycle(loop, ready, now - loop.last_activity)
                    continue
            self._set_state("watching" if now < idle_at else "idle")
            deadlines = [next_health]
            if pending:
                deadlines.append(last_event + settle)
            elif loop.tree_due:
                deadlines.append(loop.tree_retry_at)
            elif loop.sleep_due:
                due = [s for s in st.SLEEP_STEPS if s.name in loop.sleep_due]
                deadlines.append(max(idle_at, self.backoff.next_time(due)))
            self.waker.wait(max(0.0, min(deadlines) - time.monotonic()))

    def _tree_cycle(self, loop: _LoopState, paths: set[str], overflow: bool, moved: bool) -> None:
        forced = loop.tree_forced or overflow or moved
        if not forced and paths:
            relevant = unignored(self.root, paths)
            if not relevant:
                log.debug("only git-ignored paths changed; nothing to do")
                return
        loop.tree_forced = False
        if CONFIG_PATH in paths:
            self._reload_times()
        what = "HEAD moved" if moved else f"{len(paths)} path(s) changed" if paths else "start"
        log.info("tree settled (%s): index + export", what)
        for step in st.TREE_STEPS:
            if self.stop_reason is not None:
                loop.tree_due = True
                return
            result = self._run(step)
            if result.outcome == st.INTERRUPTED:
                loop.tree_due = True
                return
            if result.outcome != st.OK:
                delay = self.backoff.next_time([step]) - time.monotonic()
                loop.tree_due, loop.tree_forced = True, True
                loop.tree_retry_at = time.monotonic() + max(delay, 0.0)
                log.info("index + export will be retried in %.0f s or on the next change", delay)
                return
        loop.tree_due = False

    def _reload_times(self) -> None:
        from repomind.errors import UsageError

        try:
            times = watch_times(self.layout, *self.overrides)
        except UsageError as exc:
            log.warning("config not reloaded: %s", exc)
            return
        if times != self.times:
            self.times = times
            self.status.update(settle_seconds=times.settle, idle_seconds=times.idle)
            log.info("settings reloaded: settle %.1f s, idle %.0f s", times.settle, times.idle)

    def _sleep_cycle(self, loop: _LoopState, ready: list[st.Step], idle_for: float) -> None:
        if not loop.idle_announced:
            log.info("developer idle for %.0f s: sleep-time work", idle_for)
            loop.idle_announced = True
        for step in ready:
            if self.stop_reason is not None:
                return
            with self.activity.lock:
                if self.activity.pending:
                    return  # the developer is back: sleep-time work waits for the next idle
            result = self._run(step, interrupt_on_activity=True)
            done = result.outcome in (st.OK, st.RETRY_LATER)
            if done and step is st.WIKI and self._batches_pending():
                # a batch was submitted (or is still running): come back to collect it
                poll = min(BATCH_POLL_SECONDS, max(self.times.idle, 1.0))
                self.backoff.defer(step, time.monotonic() + poll)
                log.info("wiki: a batch is pending; collecting in %.0f s", poll)
            elif result.outcome in (st.OK, st.UNAVAILABLE):
                loop.sleep_due.discard(step.name)
            elif result.outcome == st.INTERRUPTED:
                return

    def _batches_pending(self) -> bool:
        try:
            from repomind.llm.batches import pending_batches

            return bool(pending_batches(self.layout))
        except Exception as exc:  # the LLM layer's state is not ours to crash on
            log.debug("cannot read pending batches: %s", exc)
            return False

    def _run(self, step: st.Step, interrupt_on_activity: bool = False) -> st.StepResult:
        """One step as a child process; logged, recorded in the status file, never raising."""

        def should_stop() -> str | None:
            if self.stop_reason is not None:
                if time.monotonic() - self.stop_at > STOP_GRACE_SECONDS:
                    return "stopping"
                return None  # let the step finish: nothing is left half-done
            if interrupt_on_activity:
                with self.activity.lock:
                    if self.activity.pending:
                        return "developer activity"
            return None

        def started(pid: int) -> None:
            self.status["child_pid"] = pid
            with contextlib.suppress(OSError):
                self._write_status()

        self._set_state(f"running {step.name}")
        with self.activity.lock:
            self.activity.step_running = True
        try:
            result = st.run_step(self.root, step, self.waker.read_fd, should_stop, started)
        except Exception as exc:  # a bug here must not end the watcher
            result = st.StepResult(step.name, st.FAILED, 0.0, None, f"{type(exc).__name__}: {exc}")
        finally:
            with self.activity.lock:
                self.activity.step_running = False
        delay = self.backoff.record(step, result, time.monotonic())
        record = {
            "name": step.name,
            "outcome": result.outcome,
            "at": utc_now(),
            "seconds": round(result.seconds, 3),
        }
        self.status["child_pid"] = None
        self.status["last_step"] = record
        if result.outcome == st.OK:
            log.info("%s", result.summary())
            for line in result.output.splitlines()[:-1]:
                log.info("  %s: %s", step.name, line)  # warnings printed by a successful step
        elif result.outcome == st.UNAVAILABLE:
            log.info("%s: not available in this repomind version; skipped", step.name)
        else:
            message = result.summary()
            if delay:
                message += f" — retry in {delay:.0f} s"
            log.warning("%s", message)
            for line in result.output.splitlines()[:-1]:
                log.warning("  %s: %s", step.name, line)
            self.status["last_error"] = {
                **record,
                "message": (result.output.strip().splitlines() or [result.outcome])[-1][:300],
            }
        with contextlib.suppress(OSError):
            self._write_status()
        self._rotate_log()
        return result

    # -- surviving deleted folders --

    def _check_health(self) -> None:
        """Repair what deleting folders broke: lock, status file, log, the observer."""
        if not (self.root / ".git").exists():
            if not self.root_missing:
                log.warning("the repository folder %s is gone; waiting for it", self.root)
                if self.tree is not None:
                    self.tree.stop()
                    self.tree = None
            self.root_missing = True
            return
        self._reopen_log()
        if self.root_missing:
            log.info("the repository folder is back")
            self.root_missing = False
            with self.activity.lock:
                self.activity.pending = True
                self.activity.last_event = time.monotonic()
        self._reopen_log()
        if not self._ensure_lock():
            return
        if not (self.layout.state / STATUS_NAME).exists():
            with contextlib.suppress(OSError):
                self._write_status()
        if self.tree is None or not self.tree.alive():
            if self.tree is not None:
                self.tree.stop()
                log.warning("file observer stopped; restarting it")
            try:
                self._start_observer()
            except Exception as exc:
                log.error("cannot watch the tree: %s", exc)
                self.tree = None


def _redirect_output(log_file: Path) -> None:
    """Point stdout and stderr at the log (append), so tracebacks land there too."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    sys.stdout.flush()
    sys.stderr.flush()
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    os.close(fd)


def _setup_logging(level: int = logging.INFO) -> None:
    handler = logging.StreamHandler(sys.stderr)
    formatter = logging.Formatter("%(asctime)s %(levelname)s %(message)s", "%Y-%m-%dT%H:%M:%SZ")
    formatter.converter = time.gmtime
    handler.setFormatter(formatter)
    log.handlers[:] = [handler]
    log.setLevel(level)
    log.propagate = False


def run_foreground(
    layout: Layout,
    settle_seconds: float | None = None,
    idle_seconds: float | None = None,
    log_file: Path | None = None,
    verbose: bool = False,
) -> int:
    """Run the watcher in this process until SIGTERM/SIGINT (exit 0).

    `settle_seconds` / `idle_seconds` override the config (tests); otherwise the config's
    `watch` section is read again whenever .repomind/config.yaml changes.
    """
    times = watch_times(layout, settle_seconds, idle_seconds)
    if log_file is not None:
        _redirect_output(log_file)
    _setup_logging(logging.DEBUG if verbose else logging.INFO)
    return Watcher(layout, times, log_file, (settle_seconds, idle_seconds)).run()
