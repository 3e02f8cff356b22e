"""`repomind watch` as a real background process on a real git repository."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from tests.conftest import GIT_ENV, GitRepo

SETTLE = "0.3"
WIKI_RUN = re.compile(r"INFO wiki: ok|WARNING wiki: failed")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No API, and no real transcripts of this machine's agents."""
    for var in ("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude-home"))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex-home"))
    monkeypatch.setenv("GEMINI_DIR", str(tmp_path / "gemini-home"))


def processes_of(root: Path) -> list[tuple[int, str]]:
    """Live processes whose command line names the repository (watcher, steps, git)."""
    found = []
    needle = str(root).encode()
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                cmdline = handle.read()
            with open(f"/proc/{entry}/stat", "rb") as handle:
                state = handle.read().rpartition(b")")[2].split()[0]
        except OSError:
            continue
        if needle in cmdline and state != b"Z":
            found.append((int(entry), cmdline.replace(b"\0", b" ").decode(errors="replace")))
    return found


def wait_for(predicate: Callable[[], object], timeout: float = 15.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what or predicate}")


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rpartition(b")")[2].split()[0] != b"Z"
    except OSError:
        return False


class Watched:
    """A repository with helpers to drive and inspect its watcher."""

    def __init__(self, repo: GitRepo) -> None:
        self.repo = repo
        self.root = repo.root
        self.state = repo.root / ".repomind" / "state"

    def start(self, *extra: str) -> int:
        result = self.repo.repomind("watch", "--detach", "--settle-seconds", SETTLE, *extra)
        assert result.code == 0, result.err
        return self.status()["pid"]

    def status(self) -> dict:
        result = self.repo.repomind("watch", "--status", "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)

    def status_file(self) -> dict:
        try:
            return json.loads((self.state / "watch.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def state_is(self, state: str) -> bool:
        return self.status_file().get("state") == state

    def log(self) -> str:
        path = self.state / "watch.log"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def repo_map(self) -> str:
        path = self.root / ".repomind" / "memory" / "repo-map.md"
        return path.read_text(encoding="utf-8") if path.exists() else ""

    def wait_log(self, text: str, count: int = 1, timeout: float = 15.0) -> None:
        wait_for(lambda: self.log().count(text) >= count, timeout, f"{text!r} x{count} in log")


def many_files(n: int) -> dict[str, str]:
    source = "import os\n\n\ndef f{0}(x):\n    return os.sep * x\n"
    return {f"pkg/m{i}.py": source.format(i) for i in range(n)}


@pytest.fixture
def watched(repo: GitRepo) -> Iterator[Watched]:
    repo.commit("init", {"src/app.py": "def alpha():\n    return 1\n", "README.md": "# app\n"})
    assert repo.repomind("init", "-q").code == 0
    watched = Watched(repo)
    yield watched
    repo.repomind("watch", "--stop")
    for pid, _ in processes_of(repo.root):  # whatever a failed test left behind
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_watch_updates_memory_on_edit_and_commit_and_stops_cleanly(watched: Watched) -> None:
    repo = watched.repo
    pid = watched.start()
    status = watched.status()
    assert status["running"] and status["pid"] == pid

    # a second watcher is refused, naming the first
    second = repo.repomind("watch", "--detach")
    assert second.code == 1
    assert f"already running in this repository (pid {pid}" in second.err

    watched.wait_log("export: ok")
    repo.write("src/beta.py", "def beta_from_edit():\n    return 2\n")
    wait_for(lambda: "beta_from_edit" in watched.repo_map(), 10, "edit reaches memory")

    repo.write("src/gamma.py", "def gamma_from_commit():\n    return 3\n")
    head = repo.commit("add gamma")

    def indexed_head() -> bool:
        report = json.loads(repo.repomind("status", "--json").out)
        return report["indexed_commit"] == head and report["stale"]["files"] == 0

    wait_for(indexed_head, 10, "commit reaches the index")
    wait_for(lambda: "gamma_from_commit" in watched.repo_map(), 5, "commit reaches memory")
    assert "HEAD moved" in watched.log()

    shown = repo.repomind("status")
    assert re.search(rf"^watch +running \(pid {pid}, since ", shown.out, re.MULTILINE)

    # --stop while a step runs: the step finishes, then nothing of the watcher is left
    for path, text in many_files(300).items():
        repo.write(path, text)
    wait_for(lambda: watched.state_is("running index"), 10, "an index step")
    step = watched.status_file()["child_pid"]
    stopped = repo.repomind("watch", "--stop")
    assert stopped.code == 0 and f"stopped (pid {pid})" in stopped.out
    assert not alive(pid) and not alive(step)
    assert processes_of(repo.root) == []
    assert watched.log().rstrip().endswith("stopped (SIGTERM)")
    assert "index: ok" in watched.log().rsplit("tree settled", 1)[1]
    assert watched.status()["running"] is False
    assert repo.repomind("watch", "--stop").out.startswith("watch: not running")


def test_ignored_paths_and_own_writes_do_not_trigger_work(watched: Watched) -> None:
    repo = watched.repo
    repo.write(".gitignore", "build/\n*.log\n")
    repo.commit("ignore build output")
    watched.start()
    watched.wait_log("export: ok")
    time.sleep(0.8)  # let the watcher's own writes (memory, rule files) pass unnoticed
    before = watched.log().count("tree settled")
    for i in range(20):
        repo.write(f"build/out{i}.o", "x")
        repo.write(f"debug{i}.log", "x")
    (repo.root / ".repomind" / "cache" / "scratch").write_text("x")
    time.sleep(1.1)  # > settle + watchdog's 0.5 s event delay
    assert watched.log().count("tree settled") == before

    # a burst of many files is one event, and so is a branch switch touching all of them
    for i in range(200):
        repo.write(f"src/gen/mod{i}.py", f"def f{i}():\n    return {i}\n")
    watched.wait_log("export: ok", count=2)
    time.sleep(0.5)
    assert watched.log().count("tree settled") == before + 1
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("generated")
    watched.wait_log("export: ok", count=3)
    time.sleep(1.0)
    settled, exports = watched.log().count("tree settled"), watched.log().count("export: ok")
    repo.git("checkout", "-q", "main")  # removes the 200 files
    watched.wait_log("export: ok", count=exports + 1)
    time.sleep(1.0)
    assert watched.log().count("tree settled") == settled + 1
    assert "HEAD moved" in watched.log().split("tree settled")[-1]
    report = json.loads(repo.repomind("status", "--json").out)
    assert report["stale"]["files"] == 0 and not report["stale"]["head_moved"]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_during_a_step_finishes_it_and_leaves_valid_memory(
    watched: Watched, signum: signal.Signals
) -> None:
    repo = watched.repo
    # Enough files to catch the step running, few enough that it finishes well within the
    # watcher's stop grace even on a loaded 2-core CI machine.
    repo.commit("many files", many_files(150))
    env = dict(os.environ, **GIT_ENV)
    proc = subprocess.Popen(
        [sys.executable, "-m", "repomind", "watch", "-C", str(repo.root), "--settle-seconds=0.1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        wait_for(lambda: watched.state_is("running index"), 15, "the first index step")
        proc.send_signal(signum)
        _, err = proc.communicate(timeout=40)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    text = err.decode()
    assert proc.returncode == 0, text
    assert "index: ok" in text and f"stopped ({signum.name})" in text
    assert "export" not in text.split("index: ok")[1]  # nothing new starts after the signal
    memory = repo.root / ".repomind" / "memory"
    for path in memory.iterdir():
        assert path.suffix == ".md", f"left behind: {path.name}"
        assert path.read_text(encoding="utf-8").startswith("---\n")
    assert processes_of(repo.root) == []
    check = repo.repomind("index", "--json")
    assert check.code == 0 and json.loads(check.out)["parsed"] == 0  # the step had completed


def test_kill_9_mid_step_leaves_no_orphans_and_a_new_start_works(watched: Watched) -> None:
    repo = watched.repo
    repo.commit("many files", many_files(400))
    pid = watched.start()
    wait_for(lambda: watched.state_is("running index"), 15, "the first index step")
    step = watched.status_file()["child_pid"]
    assert alive(step)
    os.kill(pid, signal.SIGKILL)
    wait_for(lambda: not alive(pid), 5, "the watcher to die")
    wait_for(lambda: processes_of(repo.root) == [], 10, "its step to die with it")
    assert watched.status()["running"] is False
    assert not list((repo.root / ".repomind" / "memory").glob("*.tmp"))

    new_pid = watched.start()  # the lock died with the process: no stale-lock refusal
    assert new_pid != pid and watched.status()["running"]
    watched.wait_log("export: ok")
    for path in (repo.root / ".repomind" / "memory").iterdir():
        assert path.suffix == ".md" and path.read_text().startswith("---\n"), path.name
    check = repo.repomind("index", "--json")
    assert check.code == 0 and json.loads(check.out)["parsed"] == 0  # the new watcher did it


def test_survives_folders_deleted_and_recreated(watched: Watched) -> None:
    import shutil

    repo = watched.repo
    pid = watched.start()
    watched.wait_log("export: ok")
    shutil.rmtree(repo.root / "src")
    time.sleep(0.3)
    repo.write("src/again/delta.py", "def delta_recreated():\n    return 4\n")
    wait_for(lambda: "delta_recreated" in watched.repo_map(), 10, "recreated folder indexed")

    # its own state folder removed: lock, status and log come back, and it stays the only one
    shutil.rmtree(watched.state)
    wait_for(lambda: (watched.state / "watch.json").exists(), 10, "status file recreated")
    assert alive(pid)
    status = watched.status()
    assert status["running"] and status["pid"] == pid
    assert repo.repomind("watch", "--detach").code == 1
    repo.write("src/again/eps.py", "def eps_after_state_loss():\n    return 5\n")
    wait_for(lambda: "eps_after_state_loss" in watched.repo_map(), 10, "still indexing")
    watched.wait_log("state folder was deleted", timeout=5)


def test_a_failing_step_is_logged_and_the_loop_continues(watched: Watched) -> None:
    repo = watched.repo
    config = repo.root / ".repomind" / "config.yaml"
    good = config.read_text()
    pid = watched.start()
    watched.wait_log("export: ok")
    config.write_text("index: [\n")  # invalid YAML: index exits 2
    watched.wait_log("index: failed", timeout=10)
    assert "not valid YAML" in watched.log()
    assert "config not reloaded" in watched.log()  # the watcher keeps its settings
    assert alive(pid)
    config.write_text(good)
    repo.write("src/zeta.py", "def zeta_after_fix():\n    return 6\n")
    wait_for(lambda: "zeta_after_fix" in watched.repo_map(), 10, "indexing resumes")
    assert watched.status()["last_error"]["name"] == "index"


def test_sleep_time_work_runs_once_per_idle_period_and_collects_batches(
    watched: Watched, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.fake_messages import FakeMessages

    repo = watched.repo
    with FakeMessages(batch_polls=1) as fake:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        watched.start("--idle-seconds", "1")
        watched.wait_log("sleep-time work", timeout=15)
        watched.wait_log("reflect:", timeout=15)
        # the wiki goes out as a Message Batch; the watcher comes back to collect it
        watched.wait_log("a batch is pending", timeout=20)
        wait_for(lambda: len(WIKI_RUN.findall(watched.log())) >= 2, 20, "a collecting run")
        assert any(p.startswith("/v1/messages/batches/") for _, p, _ in fake.hits)
        assert watched.log().count("reflect:") == 1  # not again without new activity
        assert (repo.root / ".repomind" / "wiki" / "overview.md").exists()

        # a finished session queued by an agent hook: reflect again (the developer is idle)
        queue = watched.state / "reflect-queue.jsonl"
        entry = {"event": "SessionEnd", "session_id": "s1", "transcript_path": "/none.jsonl"}
        with queue.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(entry) + "\n")
        watched.wait_log("reflect:", count=2, timeout=15)

        # new activity: a new idle period, and the whole sleep-time work again
        repo.write("src/eta.py", "def eta():\n    return 7\n")
        watched.wait_log("sleep-time work", count=2, timeout=15)
        watched.wait_log("reflect:", count=3, timeout=15)
        repo.repomind("watch", "--stop")


def test_an_unreachable_api_is_retried_later_and_watching_goes_on(
    watched: Watched, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("REPOMIND_LLM_MAX_RETRIES", "0")
    pid = watched.start("--idle-seconds", "1")
    watched.wait_log("wiki: retry later", timeout=20)
    assert re.search(r"wiki: retry later .*try again later.* — retry in 60 s", watched.log())
    assert watched.status()["last_error"]["name"] == "wiki"
    watched.repo.write("src/theta.py", "def theta_after_outage():\n    return 8\n")
    wait_for(lambda: "theta_after_outage" in watched.repo_map(), 10, "indexing goes on")
    assert alive(pid)


# --- the pieces, through their public functions --------------------------------------------


def test_event_filter_keeps_work_tree_files_and_ref_moves_only(repo: GitRepo) -> None:
    from repomind.watch.observer import GIT, HEALTH, QUEUE, TREE, EventFilter, find_git_dirs

    repo.write(".gitignore", "node_modules/\n*.pyc\n")
    repo.commit("init")
    f = EventFilter(repo.root, find_git_dirs(repo.root))
    root = str(repo.root)

    def kind(rel: str, is_dir: bool = False) -> str | None:
        found = f.classify(os.path.join(root, rel) if rel else root, is_dir)
        return found[0] if found else None

    assert kind("src/app.py") == TREE
    assert kind("src", is_dir=True) == TREE
    assert kind(".repomind/memory/lessons.md") == TREE  # a human edit of memory
    assert kind(".repomind/config.yaml") == TREE
    assert kind("node_modules/x/index.js") is None
    assert kind("node_modules", is_dir=True) is None
    assert kind("pkg/mod.pyc") is None
    assert kind(".repomind/cache/index.sqlite") is None
    assert kind(".repomind/state/watch.log") is None
    assert kind(".repomind/state/reflect-queue.jsonl") == QUEUE
    assert kind(".repomind/state", is_dir=True) == HEALTH
    assert kind("") == HEALTH  # the repository folder itself
    assert kind(".git/HEAD") == GIT
    assert kind(".git/refs/heads/feature/x") == GIT
    assert kind(".git/packed-refs") == GIT
    assert kind(".git/refs/heads/main.lock") is None
    assert kind(".git/refs/remotes/origin/main") is None  # a background fetch
    assert kind(".git/objects/ab/cdef") is None
    assert kind(".git/index") is None
    assert f.classify("/somewhere/else.py", False) is None


def _run_step(root: Path, *args: str, timeout: float = 60):  # type: ignore[no-untyped-def]
    from repomind.watch import steps

    read_fd, write_fd = os.pipe()
    try:
        step = steps.Step("probe", args, timeout, 1, 4)
        return steps.run_step(root, step, read_fd, lambda: None)
    finally:
        os.close(read_fd)
        os.close(write_fd)


def test_step_outcomes_and_backoff(repo: GitRepo) -> None:
    from repomind.watch import steps

    repo.commit("init", {"a.py": "x = 1\n"})
    missing = _run_step(repo.root, "no-such-command")
    assert missing.outcome == steps.UNAVAILABLE and missing.code == 2
    bad = _run_step(repo.root, "index", "--no-such-option")
    assert bad.outcome == steps.FAILED and "No such option" in bad.output

    # a step that runs too long is ended (SIGTERM, then SIGKILL) with its whole group
    slow = _run_step(repo.root, "watch", "--settle-seconds", "100", timeout=1.5)
    assert slow.outcome == steps.TIMED_OUT and slow.seconds < 10
    assert processes_of(repo.root) == []

    backoff = steps.Backoff()
    step = steps.Step("probe", (), 10, 1, 4)
    delays = [backoff.record(step, bad, 100.0) for _ in range(4)]
    assert delays == [1, 2, 4, 4]
    assert not backoff.ready(step, 103.0) and backoff.ready(step, 104.0)
    assert backoff.record(step, missing, 0.0) == steps.UNAVAILABLE_RETRY_SECONDS
    ok = steps.StepResult("probe", steps.OK, 0.1, 0)
    assert backoff.record(step, ok, 0.0) == 0 and backoff.ready(step, 0.0)
