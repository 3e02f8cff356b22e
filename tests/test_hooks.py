"""`repomind hooks install|uninstall`: chained git hooks and merged agent settings."""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import pytest

from conftest import GitRepo
from repomind.agenthooks.install import CONTEXT_COMMAND

EXISTING_HOOK = "#!/bin/sh\necho 'team hook ran' >> .git/team-hook.log\n"


def test_git_hooks_chain_with_existing_ones_and_uninstall_restores_them(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "x = 1\n"})
    hook = repo.root / ".git" / "hooks" / "post-commit"
    hook.write_text(EXISTING_HOOK)
    hook.chmod(0o755)
    result = repo.repomind("hooks", "install", "--git")
    assert result.code == 0, result.err
    assert "installed  .git/hooks/post-commit" in result.out
    text = hook.read_text()
    assert text.startswith(EXISTING_HOOK) and "repomind index -q" in text
    assert os.access(repo.root / ".git" / "hooks" / "post-merge", os.X_OK)
    again = repo.repomind("hooks", "install", "--git")
    assert "unchanged  .git/hooks/post-commit" in again.out
    assert hook.read_text() == text
    assert repo.repomind("hooks", "uninstall", "--git").code == 0
    assert hook.read_text() == EXISTING_HOOK
    assert not (repo.root / ".git" / "hooks" / "post-merge").exists()


def test_git_hook_refreshes_the_index_in_the_background(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "def a():\n    pass\n"})
    assert repo.repomind("hooks", "install", "--git").code == 0
    started = time.monotonic()
    head = repo.commit("second", {"b.py": "def b():\n    pass\n"})
    assert time.monotonic() - started < 5  # git returned without waiting for repomind
    deadline = time.monotonic() + 30
    status: dict = {}
    while time.monotonic() < deadline:
        result = repo.repomind("status", "--json")
        status = json.loads(result.out) if result.code == 0 else {}
        if status.get("indexed_commit") == head:
            break
        time.sleep(0.3)
    assert status.get("indexed_commit") == head


def test_core_hooks_path_is_honoured(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "x = 1\n"})
    repo.git("config", "core.hooksPath", ".husky")
    (repo.root / ".husky").mkdir()
    assert repo.repomind("hooks", "install", "--git").code == 0
    assert "repomind index" in (repo.root / ".husky" / "post-commit").read_text()
    assert not (repo.root / ".git" / "hooks" / "post-commit").exists()


def test_claude_settings_are_merged_and_restored(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "x = 1\n"})
    settings = repo.root / ".claude" / "settings.local.json"
    settings.parent.mkdir()
    mine = {
        "permissions": {"allow": ["Bash(make test)"]},
        "hooks": {
            "PreToolUse": [
                {"matcher": "Bash", "hooks": [{"type": "command", "command": "lint.sh"}]}
            ]
        },
    }
    settings.write_text(json.dumps(mine, indent=2) + "\n")
    assert repo.repomind("hooks", "install", "--claude").code == 0
    data = json.loads(settings.read_text())
    assert data["permissions"] == mine["permissions"]
    assert data["hooks"]["PreToolUse"][0] == mine["hooks"]["PreToolUse"][0]
    ours = data["hooks"]["PreToolUse"][1]
    assert ours["matcher"] == "Edit|Write|MultiEdit"
    assert ours["hooks"][0]["command"] == CONTEXT_COMMAND
    for event in ("SessionStart", "UserPromptSubmit", "SessionEnd", "PreCompact"):
        assert data["hooks"][event][0]["hooks"][0]["command"] == CONTEXT_COMMAND
    assert "/" not in CONTEXT_COMMAND.split("&&")[1]  # no machine-specific path
    assert repo.repomind("hooks", "install", "--claude").code == 0
    assert json.loads(settings.read_text()) == data  # idempotent
    assert repo.repomind("hooks", "uninstall", "--claude").code == 0
    assert json.loads(settings.read_text()) == mine


def test_shared_writes_the_committed_settings_and_codex_hooks(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "x = 1\n"})
    assert repo.repomind("hooks", "install", "--claude", "--shared", "--codex").code == 0
    assert (repo.root / ".claude" / "settings.json").exists()
    assert not (repo.root / ".claude" / "settings.local.json").exists()
    codex = json.loads((repo.root / ".codex" / "hooks.json").read_text())
    assert set(codex["hooks"]) == {"SessionStart", "UserPromptSubmit", "Stop"}
    assert repo.repomind("hooks", "uninstall", "--claude", "--shared", "--codex").code == 0
    assert not (repo.root / ".codex" / "hooks.json").exists()


def test_malformed_settings_are_refused_and_untouched(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "x = 1\n"})
    settings = repo.root / ".claude" / "settings.local.json"
    settings.parent.mkdir()
    settings.write_text('{"hooks": {oops\n')
    result = repo.repomind("hooks", "install", "--claude")
    assert result.code == 2
    assert "settings.local.json is not valid JSON (line 1)" in result.err
    assert settings.read_text() == '{"hooks": {oops\n'


def test_session_end_enqueues_the_transcript_for_reflection(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "x = 1\n"})
    payload = {
        "hook_event_name": "SessionEnd",
        "session_id": "abc",
        "transcript_path": "/home/u/.claude/projects/x/abc.jsonl",
        "cwd": str(repo.root),
        "reason": "other",
    }
    quiet = {"REPOMIND_REFLECT_ON_SESSION_END": "false"}  # no background reflect to drain it
    result = repo.repomind("context", stdin=json.dumps(payload), env=quiet)
    assert (result.code, result.out) == (0, "")
    queue = (repo.root / ".repomind" / "state" / "reflect-queue.jsonl").read_text()
    assert json.loads(queue) == {
        "event": "SessionEnd",
        "session_id": "abc",
        "transcript_path": "/home/u/.claude/projects/x/abc.jsonl",
    }


def test_memory_and_rule_files_merge_without_conflict_markers(
    repo: GitRepo, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
    repo.commit(
        "init",
        {
            "a.py": "def a():\n    return 1\n",
            "b.py": "def b():\n    return 1\n",
            "Makefile": "test:\n\tpytest\n",
        },
    )
    assert repo.repomind("index", "-q").code == 0
    assert repo.repomind("export", "-q").code == 0
    assert repo.repomind("hooks", "install", "--git").code == 0
    attributes = (repo.root / ".gitattributes").read_text()
    assert "AGENTS.md merge=repomind" in attributes
    assert ".repomind/memory/*.md merge=repomind" in attributes
    (repo.root / "AGENTS.md").write_text(
        "# Team rules\n\nintro\n\n" + (repo.root / "AGENTS.md").read_text() + "\noutro\n"
    )
    repo.commit("memory")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit(
        "feature work",
        {"c.py": "def c():\n    return a()\n", "justfile": "lint:\n    ruff check .\n"},
    )
    assert repo.repomind("index", "-q").code == 0
    assert repo.repomind("export", "-q").code == 0
    agents = (repo.root / "AGENTS.md").read_text()
    (repo.root / "AGENTS.md").write_text(agents.replace("intro\n", "intro from feature\n"))
    repo.commit("feature memory")
    repo.git("checkout", "-q", "main")
    repo.commit(
        "main work", {"d.py": "def d():\n    return b()\n", "tox.ini": "[tox]\nenvlist = py\n"}
    )
    assert repo.repomind("index", "-q").code == 0
    assert repo.repomind("export", "-q").code == 0
    agents = (repo.root / "AGENTS.md").read_text()
    (repo.root / "AGENTS.md").write_text(agents.replace("outro\n", "outro from main\n"))
    repo.commit("main memory")
    repo.git("merge", "-q", "--no-edit", "feature")  # raises on a conflict
    merged = (repo.root / "AGENTS.md").read_text()
    assert "intro from feature" in merged and "outro from main" in merged
    for path in [repo.root / "AGENTS.md", *(repo.root / ".repomind" / "memory").glob("*.md")]:
        text = path.read_text()
        assert "<<<<<<<" not in text and ">>>>>>>" not in text, path
        assert text.count("<!-- repomind:begin") == text.count("<!-- repomind:end")


def test_gemini_settings_keep_other_keys(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "x = 1\n"})
    settings = repo.root / ".gemini" / "settings.json"
    settings.parent.mkdir()
    settings.write_text('{"theme": "dark"}\n')
    assert repo.repomind("hooks", "install", "--gemini").code == 0
    data = json.loads(settings.read_text())
    assert data["theme"] == "dark"
    assert set(data["hooks"]) == {
        "SessionStart",
        "BeforeAgent",
        "BeforeTool",
        "SessionEnd",
        "PreCompress",
    }
    assert data["hooks"]["BeforeTool"][0]["matcher"] == "write_file|replace"
    assert repo.repomind("hooks", "uninstall", "--gemini").code == 0
    assert json.loads(settings.read_text()) == {"theme": "dark"}


def test_gemini_prompt_event_gets_context(repo: GitRepo) -> None:
    repo.commit("init", {"src/models.py": "class Cart:\n    pass\n", "src/views.py": "x = 1\n"})
    for i in range(3):
        repo.commit(
            f"c{i}", {"src/models.py": f"class Cart:\n    n = {i}\n", "src/views.py": f"x = {i}\n"}
        )
    assert repo.repomind("index", "-q").code == 0
    payload = {
        "hook_event_name": "BeforeAgent",
        "cwd": str(repo.root),
        "session_id": "g",
        "prompt": "Rename `Cart` in src/models.py",
    }
    out = json.loads(repo.repomind("context", stdin=json.dumps(payload)).out)
    assert out["hookSpecificOutput"]["hookEventName"] == "BeforeAgent"
    assert "usually changes with `src/views.py`" in out["hookSpecificOutput"]["additionalContext"]


def test_codex_feature_flag_is_added_and_removed_line_by_line(repo: GitRepo) -> None:
    repo.commit("init", {"a.py": "x = 1\n"})
    config = repo.root / ".codex" / "config.toml"
    config.parent.mkdir()
    original = '# my codex\nmodel = "gpt-5"\n\n[features]\nweb_search = true\n'
    config.write_text(original)
    assert repo.repomind("hooks", "install", "--codex").code == 0
    import tomllib

    assert tomllib.loads(config.read_text())["features"] == {
        "web_search": True,
        "codex_hooks": True,
    }
    assert repo.repomind("hooks", "uninstall", "--codex").code == 0
    assert config.read_text() == original
