"""Finding a repository's agent sessions under fake Claude Code and Codex homes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from repomind.reflect.discover import discover_sessions, encode_claude_project, parse_any

FIXTURES = Path(__file__).parent / "fixtures" / "reflect"
CLAUDE_FIXTURE = FIXTURES / "claude_code" / "01_tests_fail_then_pass.jsonl"
CODEX_FIXTURE = next((FIXTURES / "codex").glob("rollout-*.jsonl"))


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("CLAUDE_CONFIG_DIR", raising=False)
    monkeypatch.delenv("CODEX_HOME", raising=False)
    return home


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "work" / "shop.cart"
    (root / "src").mkdir(parents=True)
    return root.resolve()


def claude_session(projects: Path, cwd: Path, name: str) -> Path:
    """A copy of a real transcript, its cwd rewritten to `cwd`, where Claude Code would put it."""
    folder = projects / encode_claude_project(cwd)
    folder.mkdir(parents=True, exist_ok=True)
    lines = []
    for line in CLAUDE_FIXTURE.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if "cwd" in record:
            record["cwd"] = str(cwd)
        lines.append(json.dumps(record))
    path = folder / f"{name}.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def codex_rollout(codex_home: Path, cwd: Path, day: str, name: str) -> Path:
    folder = codex_home / "sessions" / day
    folder.mkdir(parents=True, exist_ok=True)
    lines = CODEX_FIXTURE.read_text(encoding="utf-8").splitlines()
    meta = json.loads(lines[0])
    assert meta["type"] == "session_meta"
    meta["payload"]["cwd"] = str(cwd)
    path = folder / f"rollout-{name}.jsonl"
    path.write_text("\n".join([json.dumps(meta), *lines[1:]]) + "\n", encoding="utf-8")
    return path


def test_encoding_matches_claude_code():
    assert encode_claude_project("/tmp/repomind-cc-corpus/shopcart") == (
        "-tmp-repomind-cc-corpus-shopcart"
    )
    assert encode_claude_project("/home/a.b/my_repo") == "-home-a-b-my-repo"


def test_finds_this_repos_sessions_and_nothing_else(home, repo):
    projects = home / ".claude" / "projects"
    main = claude_session(projects, repo, "aaa")
    in_subdir = claude_session(projects, repo / "src", "bbb")
    claude_session(projects, repo.parent / "shop.cart-old", "ccc")  # sibling: same prefix
    claude_session(projects, repo.parent / "elsewhere", "ddd")
    own = projects / encode_claude_project(repo)
    for skipped in ("memory", "subagents", "tool-results"):
        (own / skipped).mkdir()
        shutil.copy(main, own / skipped / "agent-x.jsonl")
    (own / "memory" / "MEMORY.md").write_text("- remember\n")

    codex_home = home / ".codex"
    ours = codex_rollout(codex_home, repo, "2026/11/24", "2026-11-24T03-27-10-ours")
    deeper = codex_rollout(codex_home, repo / "src", "2026/11/25", "2026-11-25T01-00-00-deeper")
    codex_rollout(codex_home, repo.parent / "other", "2026/11/24", "2026-11-24T04-00-00-other")
    codex_rollout(codex_home, repo.parent / "shop.cart-old", "2026/11/24", "2026-11-24T05-oth")
    (codex_home / "sessions" / "2026" / "11" / "24" / "notes.jsonl").write_text("{}\n")

    found = discover_sessions(repo)
    assert found == sorted(
        [("claude_code", main), ("claude_code", in_subdir), ("codex", ours), ("codex", deeper)]
    )
    for agent, path in found:
        session = parse_any(path)
        assert session is not None and session.agent == agent
        assert session.commands()


def test_config_dir_env_overrides_home(home, repo, tmp_path, monkeypatch):
    claude_session(home / ".claude" / "projects", repo, "in-home")
    config = tmp_path / "claude-config"
    moved = claude_session(config / "projects", repo, "in-config")
    codex_home = tmp_path / "codex-home"
    rollout = codex_rollout(codex_home, repo, "2026/01/02", "2026-01-02T00-00-00-x")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    monkeypatch.setenv("CODEX_HOME", str(codex_home))
    assert discover_sessions(repo) == [("claude_code", moved), ("codex", rollout)]


def test_no_agent_homes_means_no_sessions(home, repo):
    assert discover_sessions(repo) == []


def test_unreadable_rollouts_are_skipped(home, repo):
    folder = home / ".codex" / "sessions" / "2026" / "11" / "24"
    folder.mkdir(parents=True)
    (folder / "rollout-empty.jsonl").write_bytes(b"")
    (folder / "rollout-garbage.jsonl").write_bytes(b"\xff\xfe not json\n{")
    (folder / "rollout-dir.jsonl").mkdir()
    assert discover_sessions(repo) == []
