#!/usr/bin/env python3
"""Benchmark `repomind watch`: CPU while idle, and the time from a commit to updated memory.

    python bench/bench_watch.py [--repo PATH] [--idle-seconds 20] [--commits 3] [--settle S]

Without --repo, builds a throw-away repository (200 Python files, a few commits) in a temp
dir. With --repo, works on a copy of that repository's work tree and history (so the bench
corpus is never touched). Runs the real CLI: `repomind watch --detach`, waits for the
first index + export, then
  idle CPU     the watcher's own CPU time (utime+stime, children included) over --idle-seconds
               with nothing happening, as seconds and as % of one core;
  commit →     write one new file, `git commit`, and time until the watcher's index + export
  memory       cycle has finished (its log says so; the index is then at HEAD), median of
               --commits;
               a burst that ends with a ref update settles in a fraction of a second
               (plus watchdog's 0.5 s inotify move-pairing delay), plain edits in
               settle_seconds (config default 3 s unless --settle).
Stops the watcher and checks that no process of the repository is left. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Bench",
    "GIT_AUTHOR_EMAIL": "bench@example.com",
    "GIT_COMMITTER_NAME": "Bench",
    "GIT_COMMITTER_EMAIL": "bench@example.com",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_SYSTEM": os.devnull,
}
CLK_TCK = os.sysconf("SC_CLK_TCK")


def git(root: Path, *args: str) -> str:
    env = dict(os.environ, **GIT_ENV)
    proc = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, env=env, check=True
    )
    return proc.stdout


def repomind(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "repomind", *args, "-C", str(root)],
        capture_output=True,
        text=True,
        env=dict(os.environ, **GIT_ENV),
        check=False,
    )


def make_repo(root: Path, files: int = 200) -> None:
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    for i in range(files):
        path = root / "pkg" / f"mod{i // 20}" / f"m{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        other = f"from pkg.mod{(i + 1) % 10}.m{(i + 1) % files} import f{(i + 1) % files}\n"
        path.write_text(f"{other}\n\ndef f{i}(x):\n    return x + {i}\n", encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "initial")
    for n in range(5):
        (root / "pkg" / "mod0" / "m0.py").write_text(f"def f0(x):\n    return x + {n}\n")
        git(root, "commit", "-q", "-am", f"change {n}")


def copy_repo(source: Path, root: Path) -> None:
    subprocess.run(["git", "clone", "-q", "--no-hardlinks", str(source), str(root)], check=True)


def cpu_seconds(pid: int) -> float:
    """utime + stime of `pid`, plus those of its reaped children."""
    with open(f"/proc/{pid}/stat", encoding="ascii") as handle:
        fields = handle.read().rpartition(")")[2].split()
    utime, stime, cutime, cstime = (int(v) for v in fields[11:15])
    return (utime + stime + cutime + cstime) / CLK_TCK


def context_switches(pid: int) -> int:
    """Voluntary + involuntary context switches of all the watcher's threads (its wake-ups)."""
    total = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status", encoding="ascii") as handle:
                for line in handle:
                    if line.endswith("ctxt_switches:\t" + line.split("\t")[-1]):
                        total += int(line.split()[-1])
        except OSError:
            continue
    return total


def wait_for(predicate, timeout: float, poll: float = 0.01) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if predicate():
            return time.perf_counter() - start
        time.sleep(poll)
    raise SystemExit(f"timed out after {timeout:.0f} s")


def processes_of(root: Path) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != os.getpid():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as handle:
                    if str(root).encode() in handle.read():
                        found.append(int(entry))
            except OSError:
                continue
    return found


def git_settle() -> float:
    try:
        from repomind.watch.daemon import GIT_SETTLE_SECONDS
    except ImportError:
        return float("nan")
    return GIT_SETTLE_SECONDS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repo", type=Path, help="repository to copy (default: synthetic)")
    parser.add_argument("--idle-seconds", type=float, default=20.0)
    parser.add_argument("--commits", type=int, default=3)
    parser.add_argument("--settle", type=float, help="settle seconds (default: the config's)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="bench-watch-") as tmp:
        root = Path(tmp) / "repo"
        if args.repo:
            copy_repo(args.repo.resolve(), root)
        else:
            make_repo(root)
        files = len(git(root, "ls-files").splitlines())
        repomind(root, "init", "-q")
        start = ["watch", "--detach"]
        if args.settle is not None:
            start += ["--settle-seconds", str(args.settle)]
        t0 = time.perf_counter()
        started = repomind(root, *start)
        if started.returncode != 0:
            raise SystemExit(started.stderr)
        status = json.loads(repomind(root, "watch", "--status", "--json").stdout)
        pid, settle = status["pid"], status["settle_seconds"]
        log = root / ".repomind" / "state" / "watch.log"
        try:
            wait_for(lambda: "export: ok" in log.read_text(), 600)
            first = time.perf_counter() - t0
            time.sleep(1.0)  # the first run's own writes pass

            before, switches = cpu_seconds(pid), context_switches(pid)
            time.sleep(args.idle_seconds)
            idle_cpu = cpu_seconds(pid) - before
            wakeups = (context_switches(pid) - switches) / args.idle_seconds

            latencies = []
            for n in range(args.commits):
                name = f"bench_watch_probe_{n}_{int(time.time())}"
                (root / "bench_probe").mkdir(exist_ok=True)
                (root / "bench_probe" / f"p{n}.py").write_text(f"def {name}():\n    return {n}\n")
                git(root, "add", "-A")
                exports = log.read_text().count("export: ok")
                git(root, "commit", "-q", "-m", f"probe {n}")
                committed = time.perf_counter()
                head = git(root, "rev-parse", "HEAD").strip()
                # memory is updated when the cycle's export has finished after indexing HEAD
                wait_for(lambda e=exports: log.read_text().count("export: ok") > e, 300)
                latencies.append(time.perf_counter() - committed)
                status = json.loads(repomind(root, "status", "--json").stdout)
                if status["indexed_commit"] != head:
                    raise SystemExit(f"index not at HEAD: {status['indexed_commit']}")
                time.sleep(0.5)
        finally:
            stopped = repomind(root, "watch", "--stop")
            time.sleep(0.2)
            left = processes_of(root)
        latency = statistics.median(latencies)
        print(f"repository          {args.repo or 'synthetic'} ({files} files)")
        print(f"first index+export  {first:.2f} s (from `watch --detach`)")
        print(
            f"idle CPU            {idle_cpu:.3f} s over {args.idle_seconds:.0f} s "
            f"= {100 * idle_cpu / args.idle_seconds:.3f} % of one core; "
            f"{wakeups:.1f} thread wake-ups/s"
        )
        print(
            f"commit → memory     {latency:.2f} s median of {len(latencies)} "
            f"(all: {', '.join(f'{v:.2f}' for v in latencies)}); a commit settles in "
            f"{min(settle, git_settle()):.2f} s, edits in settle_seconds = {settle:.1f} s"
        )
        print(f"stop                {stopped.stdout.strip()}; processes left: {len(left)}")
        if left:
            shutil.rmtree(root, ignore_errors=True)
            raise SystemExit(f"processes left behind: {left}")


if __name__ == "__main__":
    main()
