"""Latency of `repomind context` (what agent hooks run on every prompt and edit), as a process.

    python bench/bench_context.py /work/bench-repos/tree10k [--runs 30]

Feeds SessionStart, UserPromptSubmit (a prompt naming a file of the repo and one naming
nothing) and PreToolUse Edit payloads; prints p50/p99 per event. Targets: p50 <= 150 ms,
p99 <= 400 ms on a 10k-file repository.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path


def run(repo: Path, payload: dict[str, object], runs: int) -> tuple[float, float, str]:
    data = json.dumps(payload)
    times = []
    out = ""
    for _ in range(runs):
        start = time.perf_counter()
        proc = subprocess.run(
            ["repomind", "context"], input=data, capture_output=True, text=True, cwd=repo
        )
        times.append(time.perf_counter() - start)
        out = proc.stdout
    times.sort()
    p99 = times[min(len(times) - 1, round(0.99 * (len(times) - 1)))]
    return statistics.median(times), p99, out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    repo = args.repo.resolve()
    subprocess.run(["repomind", "index", "-q"], cwd=repo, check=True)
    files = subprocess.run(
        ["git", "ls-files", "*.py"], cwd=repo, capture_output=True, text=True, check=True
    ).stdout.split()
    target = files[len(files) // 2] if files else "README.md"
    base = {"session_id": "bench", "cwd": str(repo), "transcript_path": "/dev/null"}
    cases = {
        "SessionStart": base | {"hook_event_name": "SessionStart", "source": "startup"},
        "UserPromptSubmit (names a file)": base
        | {"hook_event_name": "UserPromptSubmit", "prompt": f"Fix the bug in {target}"},
        "UserPromptSubmit (names nothing)": base
        | {"hook_event_name": "UserPromptSubmit", "prompt": "what does this project do?"},
        "PreToolUse Edit": base
        | {
            "hook_event_name": "PreToolUse",
            "tool_name": "Edit",
            "tool_input": {"file_path": str(repo / target)},
        },
    }
    print(f"repomind context on {repo} ({args.runs} runs each)")
    for name, payload in cases.items():
        p50, p99, out = run(repo, payload, args.runs)
        chars = len(json.loads(out)["hookSpecificOutput"]["additionalContext"]) if out else 0
        print(f"  {name:<34} p50 {p50 * 1000:6.0f} ms  p99 {p99 * 1000:6.0f} ms  {chars} chars")
    sys.exit(0)


if __name__ == "__main__":
    main()
