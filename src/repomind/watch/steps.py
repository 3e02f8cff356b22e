"""What the watcher runs, each step a child process in its own process group, with backoff.

A step is `python -m repomind.watch.child <watcher pid> <root> <command> --quiet`: the
ordinary CLI command, which dies with the watcher (PDEATHSIG) and unwinds on SIGTERM. A step
that fails is logged and retried later (exponential backoff); one whose command this version
of repomind lacks is skipped for an hour; one that exits 0 but says "try again later" (the API
is unreachable) is retried with the same backoff. Nothing here raises: the loop continues.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

OK = "ok"
FAILED = "failed"
UNAVAILABLE = "unavailable"  # the command does not exist in this repomind (yet)
INTERRUPTED = "interrupted"  # stopped early: the watcher is stopping or the developer is back
TIMED_OUT = "timed out"
RETRY_LATER = "retry later"  # exit 0, but the command says so (API unreachable, batch running)
TERM_GRACE_SECONDS = 5.0  # after SIGTERM, how long a step may take to unwind before SIGKILL
OUTPUT_TAIL_BYTES = 4096


@dataclass(frozen=True, slots=True)
class Step:
    name: str
    args: tuple[str, ...]
    timeout: float  # seconds
    retry_base: float  # first backoff after a failure, doubled each time
    retry_max: float


INDEX = Step("index", ("index", "--quiet"), 30 * 60, 5, 300)
EXPORT = Step("export", ("export", "--quiet", "--refresh"), 5 * 60, 5, 300)
REFLECT = Step("reflect", ("reflect", "--quiet"), 30 * 60, 60, 3600)
# Sleep-time work is not in a hurry: half-price Message Batches; a later run collects them.
WIKI = Step("wiki", ("wiki", "--quiet", "--batch"), 60 * 60, 60, 3600)
TREE_STEPS = (INDEX, EXPORT)  # when the tree settles
SLEEP_STEPS = (REFLECT, WIKI)  # when the developer is idle
UNAVAILABLE_RETRY_SECONDS = 3600.0


@dataclass(slots=True)
class StepResult:
    name: str
    outcome: str
    seconds: float
    code: int | None = None
    output: str = ""  # the tail of what the step printed (errors, warnings)

    def summary(self) -> str:
        head = f"{self.name}: {self.outcome} ({self.seconds:.1f} s"
        head += f", exit {self.code})" if self.code not in (None, 0) else ")"
        last = self.output.strip().splitlines()[-1:] if self.output.strip() else []
        return head + (f": {last[0]}" if last else "")


@dataclass(slots=True)
class Backoff:
    """When a step may run again after failures."""

    failures: dict[str, int] = field(default_factory=dict)
    not_before: dict[str, float] = field(default_factory=dict)

    def record(self, step: Step, result: StepResult, now: float) -> float:
        """Note the outcome; returns the retry delay (0 after a success)."""
        if result.outcome == OK:
            self.failures.pop(step.name, None)
            self.not_before.pop(step.name, None)
            return 0.0
        if result.outcome == INTERRUPTED:
            return 0.0
        if result.outcome == UNAVAILABLE:
            delay = UNAVAILABLE_RETRY_SECONDS
        else:
            n = self.failures.get(step.name, 0) + 1
            self.failures[step.name] = n
            delay = min(step.retry_base * 2 ** (n - 1), step.retry_max)
        self.not_before[step.name] = now + delay
        return delay

    def defer(self, step: Step, until: float) -> None:
        """Not before `until`, without counting a failure."""
        self.not_before[step.name] = until

    def ready(self, step: Step, now: float) -> bool:
        return self.not_before.get(step.name, 0.0) <= now

    def next_time(self, steps: tuple[Step, ...] | list[Step]) -> float:
        return min((self.not_before.get(s.name, 0.0) for s in steps), default=0.0)


def child_command(root: Path, step: Step) -> list[str]:
    return [
        sys.executable,
        "-m",
        "repomind.watch.child",
        str(os.getpid()),
        str(root),
        *step.args,
    ]


def run_step(
    root: Path,
    step: Step,
    wake_fd: int,
    should_stop: Callable[[], str | None],
    on_start: Callable[[int], None] = lambda pid: None,
) -> StepResult:
    """Run `step` to its end, its timeout, or until `should_stop()` names a reason.

    Waits on the child's pidfd and on `wake_fd` (the loop's wake-up pipe), so a stop request is
    seen at once and nothing polls while the step works. The child's whole process group is
    killed before it is reaped: no worker it started outlives it.
    """
    started = time.monotonic()
    env = dict(os.environ)
    env.pop("REPOMIND_DEBUG", None)
    with tempfile.TemporaryFile() as out:
        try:
            proc = subprocess.Popen(
                child_command(root, step),
                cwd=str(root),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                env=env,
            )
        except OSError as exc:
            return StepResult(step.name, FAILED, 0.0, None, f"cannot start: {exc}")
        on_start(proc.pid)
        outcome = _wait(proc, step, started, wake_fd, should_stop)
        code = proc.returncode
        out.seek(0, os.SEEK_END)
        size = out.tell()
        out.seek(max(0, size - OUTPUT_TAIL_BYTES))
        output = out.read().decode("utf-8", "replace")
    if outcome is None:
        if code == 0:
            outcome = RETRY_LATER if _AGAIN_LATER.search(output) else OK
        elif code == 2 and "No such command" in output:
            outcome = UNAVAILABLE
        else:
            outcome = FAILED
    return StepResult(step.name, outcome, time.monotonic() - started, code, _tail(output))


# How repomind commands say that the work is not done and a later run will do it.
_AGAIN_LATER = re.compile(r"\b(?:try|run) again later\b", re.IGNORECASE)


def _tail(text: str, lines: int = 8) -> str:
    kept = [line for line in text.strip().splitlines() if line.strip()]
    return "\n".join(kept[-lines:])


def _wait(
    proc: subprocess.Popen[bytes],
    step: Step,
    started: float,
    wake_fd: int,
    should_stop: Callable[[], str | None],
) -> str | None:
    """Wait for the child; returns INTERRUPTED / TIMED_OUT if it had to be ended, else None."""
    pidfd = _pidfd(proc.pid)
    ended: str | None = None
    term_at: float | None = None
    try:
        while not _exited(proc.pid):
            now = time.monotonic()
            if ended is None:
                if now - started > step.timeout:
                    ended = TIMED_OUT
                elif should_stop() is not None:
                    ended = INTERRUPTED
                if ended is not None:
                    _signal_group(proc.pid, signal.SIGTERM)
                    term_at = now
            elif term_at is not None and now - term_at > TERM_GRACE_SECONDS:
                _signal_group(proc.pid, signal.SIGKILL)
                term_at = None
            timeout = 1.0 if ended is not None else min(30.0, step.timeout)
            watched = [wake_fd] + ([pidfd] if pidfd is not None else [])
            if pidfd is None:
                timeout = min(timeout, 0.25)
            try:
                ready, _, _ = select.select(watched, [], [], timeout)
            except InterruptedError:
                continue
            if wake_fd in ready:
                _drain(wake_fd)
    finally:
        _signal_group(proc.pid, signal.SIGKILL)  # leftovers of the group, before the reap
        with contextlib.suppress(ChildProcessError):
            proc.wait()
        if pidfd is not None:
            os.close(pidfd)
    return ended


def _pidfd(pid: int) -> int | None:
    opener = getattr(os, "pidfd_open", None)
    if opener is None:
        return None
    try:
        return int(opener(pid))
    except OSError:
        return None


def _exited(pid: int) -> bool:
    """True once the child has exited, without reaping it (its pid stays ours to signal)."""
    if not hasattr(os, "waitid"):  # macOS: reap; the group is signalled right after
        try:
            return os.waitpid(pid, os.WNOHANG)[0] != 0
        except ChildProcessError:
            return True
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def _drain(fd: int) -> None:
    with contextlib.suppress(BlockingIOError, InterruptedError):
        while os.read(fd, 4096):
            pass
