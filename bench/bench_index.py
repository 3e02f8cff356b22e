#!/usr/bin/env python3
"""Benchmark `repomind index` / `repomind status` on one git repository, through the real CLI.

    python bench/bench_index.py /work/bench-repos/tree10k [--skip-ctags] [--runs N]

Measures, each as subprocesses of the installed `repomind` console script:
  cold index   rm -rf .repomind/{cache,memory}; repomind index --full --quiet
               (+ the same tree through `ctags -R --fields=+n -f /dev/null .`, in the same run)
  peak RSS     of the cold index: /usr/bin/time -v (max of any one process) and the process
               tree's summed RSS / PSS sampled from /proc every 50 ms
  warm no-op   repomind index --quiet, median of --runs; memory files must not change a byte
  one commit   append a comment line to one file, git commit, repomind index --quiet
               (median of --commit-runs; HEAD is put back at the end unless --keep-commits)
  status       repomind status --json, median of --runs
  history      `git log` as repomind runs it (baseline), plus stage timings printed by
               repomind under REPOMIND_DEBUG_TIMINGS=1 when it prints any

Prints a table and writes bench/results/<name>.json. Standard library only.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

RESULTS_DIR = Path(__file__).resolve().parent / "results"
SAMPLE_INTERVAL = 0.05  # seconds between /proc samples of the cold index's process tree
# metric -> (comparison, bound, as shown); the targets are set for tree10k on a 2-core machine
TARGETS: dict[str, tuple[str, float, str]] = {
    "cold_files_per_s": (">=", 600.0, ">= 600 files/s"),
    "ctags_ratio": ("<=", 10.0, "<= 10x"),
    "warm_noop_s": ("<=", 1.0, "<= 1000 ms"),
    "after_commit_s": ("<=", 0.3, "<= 300 ms"),
    "status_s": ("<=", 0.2, "<= 200 ms"),
    "peak_tree_rss_mb": ("<=", 500.0, "<= 500 MB"),
}
COMMENT_SYNTAX: dict[str, str] = {
    **dict.fromkeys(("py", "pyi", "rb", "sh", "bash"), "# "),
    **dict.fromkeys(
        (
            "js",
            "mjs",
            "cjs",
            "jsx",
            "ts",
            "tsx",
            "go",
            "rs",
            "java",
            "c",
            "h",
            "cc",
            "cpp",
            "hpp",
            "cs",
            "php",
        ),
        "// ",
    ),
}
# Same command line as repomind.gitrepo.iter_commits: the floor for reading history.
GIT_LOG_ARGS = (
    "log",
    "-z",
    "--no-merges",
    "-M",
    "--name-status",
    "--no-show-signature",
    "--format=%x1e%H%x1f%at%x1f%aN%x1f%s",
    "HEAD",
)


class BenchError(Exception):
    """A step failed; the message says which and why."""


@dataclass(slots=True)
class Timed:
    seconds: float  # wall clock
    returncode: int
    stdout: str
    stderr: str
    cpu: float = 0.0  # user + system seconds of the process and every descendant it waited for


def _children_cpu() -> float:
    """CPU seconds used so far by this process's finished (waited-for) children, recursively.

    Unlike wall time, the delta around one command is barely moved by other load on the machine.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


@dataclass(slots=True)
class TreeMemory:
    """Peaks over the samples of a process tree (all descendants of one pid)."""

    rss_kb: int = 0
    pss_kb: int = 0
    processes: int = 0
    samples: int = 0


# --------------------------------------------------------------------------- processes


def run(
    cmd: Sequence[str], cwd: Path, env: dict[str, str] | None = None, check: bool = True
) -> Timed:
    """Run `cmd` to completion, timing it with a monotonic wall clock."""
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(
        list(cmd), cwd=cwd, env=env, capture_output=True, text=True, errors="replace", check=False
    )
    elapsed = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    if check and proc.returncode != 0:
        tail = (proc.stderr or proc.stdout).strip().splitlines()[-5:]
        raise BenchError(f"{' '.join(cmd)} exited {proc.returncode}: " + " | ".join(tail))
    return Timed(elapsed, proc.returncode, proc.stdout, proc.stderr, cpu)


def git(repo: Path, *args: str) -> str:
    return run(["git", *args], repo).stdout


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _descendants(root: int) -> list[int]:
    children = _children_map()
    out: list[int] = []
    stack = list(children.get(root, ()))
    while stack:
        pid = stack.pop()
        out.append(pid)
        stack.extend(children.get(pid, ()))
    return out


def _read_kb(path: str, key: bytes) -> int:
    try:
        with open(path, "rb") as handle:
            for line in handle:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


class TreeSampler(threading.Thread):
    """Samples the summed RSS and PSS of every descendant of `pid` until stopped."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak = TreeMemory()
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            pids = _descendants(self.pid)
            rss = sum(_read_kb(f"/proc/{p}/status", b"VmRSS:") for p in pids)
            pss = sum(_read_kb(f"/proc/{p}/smaps_rollup", b"Pss:") for p in pids)
            peak = self.peak
            peak.rss_kb = max(peak.rss_kb, rss)
            peak.pss_kb = max(peak.pss_kb, pss)
            peak.processes = max(peak.processes, len(pids))
            peak.samples += 1
            self._stop_event.wait(SAMPLE_INTERVAL)

    def stop(self) -> TreeMemory:
        self._stop_event.set()
        self.join()
        return self.peak


def run_measured(
    cmd: Sequence[str], cwd: Path, env: dict[str, str]
) -> tuple[Timed, int, TreeMemory]:
    """Run `cmd` under /usr/bin/time -v while sampling its process tree.

    Returns (timing, GNU time's "Maximum resident set size" in kB, sampled tree peaks).
    """
    time_bin = shutil.which("time", path="/usr/bin:/bin") or ""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        full = [time_bin, "-v", "-o", report.name, *cmd] if time_bin else list(cmd)
        cpu = _children_cpu()
        started = time.perf_counter()
        proc = subprocess.Popen(
            full,
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            errors="replace",
        )
        sampler = TreeSampler(proc.pid)
        sampler.start()
        stdout, stderr = proc.communicate()
        elapsed = time.perf_counter() - started
        cpu = _children_cpu() - cpu
        tree = sampler.stop()
        text = report.read()
    max_rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    timed = Timed(elapsed, proc.returncode, stdout, stderr, cpu)
    if proc.returncode != 0:
        tail = (stderr or stdout).strip().splitlines()[-5:]
        raise BenchError(f"{' '.join(cmd)} exited {proc.returncode}: " + " | ".join(tail))
    return timed, int(max_rss.group(1)) if max_rss else 0, tree


# --------------------------------------------------------------------------- steps


def memory_snapshot(repo: Path) -> dict[str, str]:
    """sha256 of every file under .repomind/memory/, by relative path."""
    root = repo / ".repomind" / "memory"
    out: dict[str, str] = {}
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            if path.is_file():
                out[path.relative_to(root).as_posix()] = hashlib.sha256(
                    path.read_bytes()
                ).hexdigest()
    return out


def diff_snapshots(before: dict[str, str], after: dict[str, str]) -> list[str]:
    return sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))


def warm_page_cache(repo: Path) -> int:
    """Read every tracked file once so neither timed tool pays for cold disk reads."""
    total = 0
    for rel in git(repo, "ls-files", "-z").split("\0"):
        if rel:
            with contextlib.suppress(OSError), open(repo / rel, "rb") as handle:
                total += len(handle.read())
    return total


def ctags_run(repo: Path) -> dict[str, Any]:
    """`ctags -R --fields=+n` over the tree, tags discarded.

    `-f -` into /dev/null rather than `-f /dev/null`: ctags truncates its tag file to drop a
    half-written entry, which fails on /dev/null ("failed to truncate the tag file") and aborts
    the run on trees with such files (tree10k has some).
    """
    ctags = shutil.which("ctags")
    if ctags is None:
        raise BenchError("ctags not found (apt-get install -y universal-ctags) or use --skip-ctags")
    cmd = [ctags, "-R", "--fields=+n", "--totals=yes", "-f", "-", "."]
    cpu = _children_cpu()
    started = time.perf_counter()
    proc = subprocess.run(
        cmd,
        cwd=repo,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
        check=False,
    )
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    if proc.returncode != 0:
        tail = [ln for ln in proc.stderr.splitlines() if "Warning" not in ln][-3:]
        raise BenchError(f"{' '.join(cmd)} exited {proc.returncode}: " + " | ".join(tail))
    found = re.search(r"(\d+) files?, (\d+) lines?", proc.stderr)
    version = run([ctags, "--version"], repo).stdout.splitlines()[0]
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "command": "ctags -R --fields=+n --totals=yes -f - . >/dev/null",
        "files": int(found.group(1)) if found else None,
        "lines": int(found.group(2)) if found else None,
        "version": version,
    }


def parse_stage_timings(stderr: str) -> dict[str, float]:
    """Stage timings printed under REPOMIND_DEBUG_TIMINGS=1, in whatever `name ... N(s|ms)` form.

    Unknown formats give an empty dict; the raw lines are kept in the JSON either way.
    """
    out: dict[str, float] = {}
    pattern = re.compile(r"^\W*(?:timing\W+)?([A-Za-z][\w /.-]*?)\s*[:=]?\s+([\d.]+)\s*(ms|s)\b")
    for line in stderr.splitlines():
        found = pattern.search(line.strip())
        if found:
            value = float(found.group(2)) / (1000.0 if found.group(3) == "ms" else 1.0)
            out[found.group(1).strip()] = value
    return out


def pick_touch_file(repo: Path) -> str:
    """A mid-sized tracked source file with a known comment syntax (deterministic)."""
    sized: list[tuple[int, str]] = []
    for rel in git(repo, "ls-files", "-z").split("\0"):
        ext = rel.rpartition(".")[2].lower()
        if rel and ext in COMMENT_SYNTAX and not rel.startswith(".repomind/"):
            path = repo / rel
            if path.is_file() and not path.is_symlink():
                sized.append((path.stat().st_size, rel))
    if not sized:
        raise BenchError("no source file to modify; pass --touch PATH")
    sized.sort()
    return sized[len(sized) // 2][1]


def one_line_commit(repo: Path, rel: str, n: int) -> None:
    path = repo / rel
    prefix = COMMENT_SYNTAX.get(rel.rpartition(".")[2].lower(), "# ")
    data = path.read_bytes()
    sep = b"" if not data or data.endswith(b"\n") else b"\n"
    path.write_bytes(data + sep + f"{prefix}repomind bench edit {n}\n".encode())
    run(["git", "add", "--", rel], repo)
    env = dict(
        os.environ,
        GIT_AUTHOR_NAME="repomind bench",
        GIT_AUTHOR_EMAIL="bench@invalid",
        GIT_COMMITTER_NAME="repomind bench",
        GIT_COMMITTER_EMAIL="bench@invalid",
    )
    run(["git", "commit", "-q", "--no-verify", "-m", f"bench: edit {n}", "--", rel], repo, env=env)


@contextlib.contextmanager
def restored_head(repo: Path, keep: bool) -> Iterator[str]:
    """Yield HEAD; afterwards move HEAD (and the files it changed) back, keeping other edits."""
    head = git(repo, "rev-parse", "HEAD").strip()
    try:
        yield head
    finally:
        if not keep and git(repo, "rev-parse", "HEAD").strip() != head:
            run(["git", "reset", "-q", "--keep", head], repo)


def repomind_fingerprint() -> dict[str, str | None]:
    """Which repomind code ran: its package dir, git HEAD there, and a hash of its sources."""
    import importlib.util

    spec = importlib.util.find_spec("repomind")
    if spec is None or not spec.submodule_search_locations:
        return {"package": None, "sources_sha256": None, "git_head": None}
    package = Path(next(iter(spec.submodule_search_locations)))
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".scm"}:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    head = subprocess.run(
        ["git", "-C", str(package), "rev-parse", "-q", "--verify", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    return {"package": str(package), "sources_sha256": digest.hexdigest(), "git_head": head or None}


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# --------------------------------------------------------------------------- main


@dataclass(slots=True)
class Options:
    repo: Path
    name: str
    repomind: str
    runs: int
    commit_runs: int
    cold_runs: int
    skip_ctags: bool
    touch: str | None
    keep_commits: bool


def bench(opts: Options) -> dict[str, Any]:
    repo, rm = opts.repo, opts.repomind
    env = dict(os.environ, REPOMIND_DEBUG_TIMINGS="1")
    res: dict[str, Any] = {
        "name": opts.name,
        "repo": str(repo),
        "when": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "repomind": repomind_fingerprint(),
        "head": git(repo, "rev-parse", "HEAD").strip(),
        "commits": int(git(repo, "rev-list", "--count", "HEAD").strip()),
        "tracked_files": git(repo, "ls-files", "-z").count("\0"),
    }
    say(f"== {opts.name}: {repo} ({res['tracked_files']} tracked files, {res['commits']} commits)")
    res["loadavg_start"] = os.getloadavg()
    if res["loadavg_start"][0] > 0.5:
        say(f"warning: load average {res['loadavg_start'][0]:.2f}: other processes skew timings")
    res["page_cache_bytes"] = warm_page_cache(repo)

    # cold index (+ ctags on the same tree, same run)
    cold_times: list[float] = []
    cold_cpu: list[float] = []
    time_max_rss: list[int] = []
    trees: list[TreeMemory] = []
    stage_lines: list[str] = []
    for i in range(opts.cold_runs):
        for sub in ("cache", "memory"):
            shutil.rmtree(repo / ".repomind" / sub, ignore_errors=True)
        if i == 0 and not opts.skip_ctags:
            res["ctags"] = ctags_run(repo)
            say(f"ctags: {res['ctags']['seconds']:.3f}s, {res['ctags']['files']} files")
        timed, max_rss, tree = run_measured([rm, "index", "--full", "--quiet"], repo, env)
        cold_times.append(timed.seconds)
        cold_cpu.append(timed.cpu)
        time_max_rss.append(max_rss)
        trees.append(tree)
        stage_lines = [ln for ln in timed.stderr.splitlines() if ln.strip()]
        say(
            f"cold index #{i + 1}: {timed.seconds:.2f}s wall, {timed.cpu:.2f}s cpu, "
            f"tree peak RSS {tree.rss_kb / 1024:.0f} MB"
        )
    status = json.loads(run([rm, "status", "--json"], repo).stdout)
    files = int(status.get("counts", {}).get("files", 0))
    cold = median(cold_times)
    res["cold"] = {
        "seconds": cold,
        "runs": cold_times,
        "cpu_seconds": median(cold_cpu),
        "cpu_runs": cold_cpu,
        "files": files,
        "files_per_s": files / cold if cold else None,
        "counts": status.get("counts"),
        "languages": status.get("languages"),
        "cache_bytes": status.get("cache_bytes"),
        "stderr": stage_lines,
        "stage_timings": parse_stage_timings("\n".join(stage_lines)),
    }
    if "ctags" in res:
        res["ctags"]["ratio"] = cold / res["ctags"]["seconds"]
        res["ctags"]["cpu_ratio"] = median(cold_cpu) / max(res["ctags"]["cpu_seconds"], 1e-9)
    res["memory"] = {
        "time_max_rss_kb": max(time_max_rss),
        "tree_peak_rss_kb": max(t.rss_kb for t in trees),
        "tree_peak_pss_kb": max(t.pss_kb for t in trees),
        "tree_peak_processes": max(t.processes for t in trees),
        "samples": sum(t.samples for t in trees),
    }

    # warm no-op, and determinism of the memory files
    before = memory_snapshot(repo)
    warm: list[Timed] = []
    changed: set[str] = set()
    for _ in range(opts.runs):
        warm.append(run([rm, "index", "--quiet"], repo))
        changed.update(diff_snapshots(before, memory_snapshot(repo)))
    res["warm_noop"] = {
        **_summary(warm),
        "memory_files": len(before),
        "memory_changed": sorted(changed),
    }
    noop = res["warm_noop"]["seconds"]
    say(f"warm no-op: median {noop:.3f}s; memory changed: {sorted(changed) or 'none'}")

    # status
    res["status"] = _summary([run([rm, "status", "--json"], repo) for _ in range(opts.runs)])
    say(f"status --json: median {res['status']['seconds']:.3f}s")

    # after a one-file commit
    touch = opts.touch or pick_touch_file(repo)
    after: list[Timed] = []
    with restored_head(repo, opts.keep_commits) as head:
        for n in range(1, opts.commit_runs + 1):
            one_line_commit(repo, touch, n)
            after.append(run([rm, "index", "--quiet"], repo))
        res["after_commit"] = {
            **_summary(after),
            "file": touch,
            "restored_to": None if opts.keep_commits else head,
        }
    say(f"after one-file commit ({touch}): median {res['after_commit']['seconds']:.3f}s")

    # history: the git log floor (repomind's own stage split comes from REPOMIND_DEBUG_TIMINGS)
    log = run(["git", *GIT_LOG_ARGS], repo)
    res["history"] = {
        "git_log_seconds": log.seconds,
        "git_log_cpu_seconds": log.cpu,
        "git_log_chars": len(log.stdout),
        "commits": res["commits"],
        "repomind_commits": (res["cold"]["counts"] or {}).get("commits"),
        "cochange_pairs": (res["cold"]["counts"] or {}).get("cochange_pairs"),
        "stage_timings": res["cold"]["stage_timings"],
    }
    say(f"git log (history floor): {log.seconds:.2f}s")
    res["loadavg_end"] = os.getloadavg()
    res["checks"] = judge(res)
    return res


def _summary(runs: Sequence[Timed]) -> dict[str, Any]:
    return {
        "seconds": median([t.seconds for t in runs]),
        "runs": [t.seconds for t in runs],
        "cpu_seconds": median([t.cpu for t in runs]),
        "cpu_runs": [t.cpu for t in runs],
    }


def metrics(res: dict[str, Any]) -> dict[str, float | None]:
    ctags = res.get("ctags") or {}
    return {
        "cold_files_per_s": res["cold"]["files_per_s"],
        "ctags_ratio": ctags.get("ratio"),
        "warm_noop_s": res["warm_noop"]["seconds"],
        "after_commit_s": res["after_commit"]["seconds"],
        "status_s": res["status"]["seconds"],
        "peak_tree_rss_mb": res["memory"]["tree_peak_rss_kb"] / 1024,
    }


def judge(res: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in metrics(res).items():
        op, bound, shown = TARGETS[key]
        ok = None if value is None else (value >= bound if op == ">=" else value <= bound)
        out[key] = {"value": value, "target": shown, "ok": ok}
    out["memory_deterministic"] = {
        "value": not res["warm_noop"]["memory_changed"],
        "target": "no byte changed",
        "ok": not res["warm_noop"]["memory_changed"],
    }
    return out


def table(res: dict[str, Any]) -> str:
    """Rows of: metric, wall-clock value, CPU seconds (user+sys of the process tree), verdict."""
    cold, mem, ctags = res["cold"], res["memory"], res.get("ctags")
    warm, status, after = res["warm_noop"], res["status"], res["after_commit"]

    def ms(section: dict[str, Any]) -> tuple[str, str]:
        return f"{section['seconds'] * 1000:.0f} ms", f"{section['cpu_seconds'] * 1000:.0f} ms"

    rows: list[tuple[str, str, str, str]] = [
        ("indexed files (status counts.files)", f"{cold['files']}", "", ""),
        ("cold index --full", f"{cold['seconds']:.2f} s", f"{cold['cpu_seconds']:.2f} s", ""),
        ("cold files/s", f"{cold['files_per_s']:.0f}", "", _check(res, "cold_files_per_s")),
    ]
    if ctags:
        rows += [
            (
                f"ctags -R ({ctags['files']} files)",
                f"{ctags['seconds']:.2f} s",
                f"{ctags['cpu_seconds']:.2f} s",
                "",
            ),
            (
                "repomind / ctags",
                f"{ctags['ratio']:.1f}x",
                f"{ctags['cpu_ratio']:.1f}x",
                _check(res, "ctags_ratio"),
            ),
        ]
    changed = warm["memory_changed"]
    rows += [
        (
            "peak RSS, /usr/bin/time (max process)",
            f"{mem['time_max_rss_kb'] / 1024:.0f} MB",
            "",
            "",
        ),
        (
            "peak RSS, process tree sum (sampled)",
            f"{mem['tree_peak_rss_kb'] / 1024:.0f} MB",
            "",
            _check(res, "peak_tree_rss_mb"),
        ),
        (
            "peak PSS, process tree sum (sampled)",
            f"{mem['tree_peak_pss_kb'] / 1024:.0f} MB",
            "",
            "",
        ),
        ("warm no-op index (median)", *ms(warm), _check(res, "warm_noop_s")),
        (
            "memory/ unchanged by no-op",
            "yes" if not changed else "NO: " + ", ".join(changed),
            "",
            _check(res, "memory_deterministic"),
        ),
        ("index after 1-file commit (median)", *ms(after), _check(res, "after_commit_s")),
        ("status --json (median)", *ms(status), _check(res, "status_s")),
        (
            f"git log floor ({res['commits']} commits)",
            f"{res['history']['git_log_seconds']:.2f} s",
            f"{res['history']['git_log_cpu_seconds']:.2f} s",
            "",
        ),
    ]
    for stage, seconds in res["history"]["stage_timings"].items():
        rows.append((f"  stage: {stage}", f"{seconds:.3f} s", "", ""))
    rows.insert(0, ("metric", "wall", "cpu", ""))
    w0, w1, w2 = (max(len(r[i]) for r in rows) for i in range(3))
    load = f"load {res['loadavg_start'][0]:.2f} -> {res['loadavg_end'][0]:.2f}"
    head = (
        f"{res['name']}  ({res['tracked_files']} tracked files, {res['commits']} commits, {load})"
    )
    lines = [head]
    lines += [f"  {a:<{w0}}  {b:>{w1}}  {c:>{w2}}  {d}".rstrip() for a, b, c, d in rows]
    return "\n".join(lines)


def _check(res: dict[str, Any], key: str) -> str:
    check = res["checks"][key]
    mark = {True: "ok", False: "MISS", None: "n/a"}[check["ok"]]
    return f"[{mark}; target {check['target']}]"


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path, help="git work tree to benchmark (it gets .repomind/)")
    parser.add_argument("--name", help="results name (default: the repo directory's name)")
    parser.add_argument("--runs", type=int, default=5, help="warm no-op and status runs (5)")
    parser.add_argument("--commit-runs", type=int, default=3, help="one-file-commit runs (3)")
    parser.add_argument("--cold-runs", type=int, default=1, help="cold index runs (1)")
    parser.add_argument("--skip-ctags", action="store_true", help="do not run ctags")
    parser.add_argument("--touch", help="file (relative to repo) to modify for the commit runs")
    parser.add_argument(
        "--keep-commits",
        action="store_true",
        help="leave the benchmark's commits on HEAD instead of resetting",
    )
    parser.add_argument(
        "--repomind",
        default=shutil.which("repomind"),
        help="the repomind executable (default: the one on PATH)",
    )
    parser.add_argument("--out", type=Path, help="JSON path (default: bench/results/<name>.json)")
    args = parser.parse_args(argv)
    repo: Path = args.repo.resolve()
    if not (repo / ".git").exists():
        parser.error(f"not a git work tree: {repo}")
    if not args.repomind:
        parser.error("repomind not on PATH: activate the venv or pass --repomind")
    if min(args.runs, args.commit_runs, args.cold_runs) < 1:
        parser.error("run counts must be >= 1")
    opts = Options(
        repo=repo,
        name=args.name or repo.name,
        repomind=args.repomind,
        runs=args.runs,
        commit_runs=args.commit_runs,
        cold_runs=args.cold_runs,
        skip_ctags=args.skip_ctags,
        touch=args.touch,
        keep_commits=args.keep_commits,
    )
    try:
        res = bench(opts)
    except BenchError as exc:
        say(f"bench: error: {exc}")
        return 1
    out: Path = args.out or RESULTS_DIR / f"{opts.name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(res, indent=2, sort_keys=True) + "\n")
    print(table(res))
    say(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
