"""Entry point of one watcher step: the ordinary CLI command, tied to the watcher's life.

`python -m repomind.watch.child <watcher pid> <root> <command> [args…]`. The kernel sends it
SIGTERM when the watcher dies (even by SIGKILL), and SIGTERM becomes SystemExit, so atomic
writers remove their temp files and open transactions roll back: nothing is left half-written
and nothing is orphaned.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        pass


def _terminate(signum: int, frame: FrameType | None) -> None:
    raise SystemExit(128 + signum)


def main(argv: list[str]) -> None:
    if len(argv) < 3:
        sys.stderr.write("usage: python -m repomind.watch.child WATCHER_PID ROOT COMMAND…\n")
        sys.exit(2)
    watcher, root, args = int(argv[0]), argv[1], argv[2:]
    _die_with_parent()
    if os.getppid() != watcher:
        sys.exit(143)  # the watcher died before the death signal was armed
    signal.signal(signal.SIGTERM, _terminate)
    os.chdir(root)
    sys.argv = ["repomind", *args]
    from repomind.cli import main as cli_main

    cli_main()


if __name__ == "__main__":
    main(sys.argv[1:])
