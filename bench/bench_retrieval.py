"""Latency of `repomind related` and `repomind query`, each as a whole process (agent hooks and
agents call them as commands), on the files and tasks of one repository.

    python bench/bench_retrieval.py /work/bench-repos/tree10k [--files 20] [--runs 3]

Files to ask about are spread over `git ls-files` (the busiest by commits first, where co-change
is largest, then evenly through the tree); tasks are the subjects of recent commits. Each is run
`--runs` times after one warm-up. Prints p50/p90/max per command and marks them against the
target: <= 300 ms on a 10k-file repository. Results go to bench/results/retrieval-<name>.json.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import time
from collections import Counter
from pathlib import Path

TARGET_SECONDS = 0.3


def timed(repo: Path, args: list[str]) -> tuple[float, int]:
    start = time.perf_counter()
    proc = subprocess.run(["repomind", *args], cwd=repo, capture_output=True, text=True)
    return time.perf_counter() - start, proc.returncode


def busiest_files(repo: Path, limit: int) -> list[str]:
    log = subprocess.run(
        ["git", "log", "--no-merges", "--name-only", "--format=", "-n", "2000"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    tracked = set(git_files(repo))
    counts = Counter(p for p in log if p in tracked)
    return [p for p, _ in counts.most_common(limit)]


def git_files(repo: Path) -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout
    return [p for p in out.split("\0") if p]


def subjects(repo: Path, limit: int) -> list[str]:
    out = subprocess.run(
        ["git", "log", "--no-merges", "--format=%s", "-n", str(limit)],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [s for s in out.splitlines() if s.strip()]


def summary(times: list[float]) -> dict[str, float]:
    times = sorted(times)
    return {
        "runs": len(times),
        "p50": round(statistics.median(times), 4),
        "p90": round(times[min(len(times) - 1, round(0.9 * (len(times) - 1)))], 4),
        "max": round(times[-1], 4),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--files", type=int, default=20, help="files for related / tasks")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    repo = args.repo.resolve()
    subprocess.run(["repomind", "index", "-q"], cwd=repo, check=True)
    indexable = {
        p
        for p in git_files(repo)
        if p.endswith((".py", ".go", ".ts", ".js", ".rs", ".java", ".c", ".rb", ".php", ".cs"))
    }
    busy = [p for p in busiest_files(repo, args.files) if p in indexable][: args.files // 2]
    spread = sorted(indexable)
    step = max(len(spread) // max(args.files - len(busy), 1), 1)
    files = busy + [p for p in spread[::step] if p not in busy][: args.files - len(busy)]
    tasks = subjects(repo, args.files)
    cases = {
        "related": [["related", f, "--json"] for f in files],
        "query": [["query", t, "--json"] for t in tasks],
    }
    results: dict[str, object] = {"repo": repo.name, "files": len(files), "tasks": len(tasks)}
    for name, commands in cases.items():
        times: list[float] = []
        failures = 0
        for command in commands:
            timed(repo, command)  # warm-up: page cache, Python imports
            for _ in range(args.runs):
                seconds, code = timed(repo, command)
                times.append(seconds)
                failures += code != 0
        stats = summary(times)
        verdict = "ok" if stats["p50"] <= TARGET_SECONDS else "OVER"
        print(
            f"{name:8s} p50 {stats['p50'] * 1000:6.0f} ms  p90 {stats['p90'] * 1000:6.0f} ms  "
            f"max {stats['max'] * 1000:6.0f} ms  failures {failures}  "
            f"(target p50 <= {TARGET_SECONDS * 1000:.0f} ms: {verdict})"
        )
        results[name] = stats | {"failures": failures}
    out = Path(__file__).parent / "results" / f"retrieval-{repo.name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
