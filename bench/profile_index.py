#!/usr/bin/env python3
"""cProfile one `repomind index` (cold `--full` by default) in-process and print the top functions.

    python bench/profile_index.py /work/bench-repos/sympy [--workers 1] [--top 10]
    python bench/profile_index.py /work/bench-repos/sympy --incremental   # warm / after a commit

Parsing normally runs in worker processes, which cProfile does not see (the parent shows up
waiting in `imap_unordered`); `--workers 1` sets REPOMIND_INDEX_WORKERS=1 so parsing runs in
the profiled process too. The raw profile is written to --out (default /tmp/prof.out) for
`python -m pstats` or snakeviz.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path)
    parser.add_argument("--workers", type=int, help="set REPOMIND_INDEX_WORKERS (1: in-process)")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--out", type=Path, default=Path("/tmp/prof.out"))
    parser.add_argument(
        "--incremental",
        action="store_true",
        help="keep the cache and run `repomind index --quiet` (a warm no-op, or after a commit)",
    )
    parser.add_argument("--sort", default="cumulative", help="pstats sort key (cumulative)")
    args = parser.parse_args(argv)

    repo: Path = args.repo.resolve()
    command = ["repomind", "index", "--quiet"]
    if not args.incremental:
        command.insert(2, "--full")
        for sub in ("cache", "memory"):
            shutil.rmtree(repo / ".repomind" / sub, ignore_errors=True)
    if args.workers is not None:
        os.environ["REPOMIND_INDEX_WORKERS"] = str(args.workers)
    os.chdir(repo)
    sys.argv = command
    from repomind.cli import main as repomind_main

    profiler = cProfile.Profile()
    code = 0
    try:
        profiler.runcall(repomind_main)
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    profiler.dump_stats(str(args.out))
    buffer = io.StringIO()
    stats = pstats.Stats(str(args.out), stream=buffer)
    stats.sort_stats(args.sort).print_stats(args.top)
    print(buffer.getvalue())
    print(f"profile written to {args.out}; exit code {code}", file=sys.stderr)
    return code


if __name__ == "__main__":
    sys.exit(main())
