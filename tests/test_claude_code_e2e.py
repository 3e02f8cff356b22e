"""End to end with the real Claude Code CLI (npm) against our fake Messages API on 127.0.0.1.

Proves the contract with a real client: the CLAUDE.md block and the SessionStart /
UserPromptSubmit context reach the model's requests, an Edit of a file with a co-change
partner puts the reminder into the next request, and SessionEnd queues the real transcript.
Skipped, with the reason, where npm is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import GitRepo
from fake_messages import FakeMessages, text, tool_use

CLAUDE_CODE_VERSION = "2.1.197"
CACHE = Path(os.environ.get("REPOMIND_E2E_CACHE", Path.home() / ".cache" / "repomind-e2e"))

pytestmark = pytest.mark.skipif(
    shutil.which("npm") is None, reason="npm is not installed: cannot fetch the Claude Code CLI"
)


@pytest.fixture(scope="module")
def claude_bin() -> Path:
    prefix = CACHE / f"claude-code-{CLAUDE_CODE_VERSION}"
    binaries = sorted(prefix.glob("node_modules/@anthropic-ai/claude-code-linux-*/claude"))
    if not binaries:
        prefix.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(prefix),
                "--no-audit",
                "--no-fund",
                "--ignore-scripts",
                f"@anthropic-ai/claude-code@{CLAUDE_CODE_VERSION}",
            ],
            capture_output=True,
            text=True,
            timeout=600,
        )
        binaries = sorted(prefix.glob("node_modules/@anthropic-ai/claude-code-linux-*/claude"))
        if proc.returncode != 0 or not binaries:
            pytest.skip(f"npm could not install Claude Code: {proc.stderr.strip()[-200:]}")
    return binaries[0]


MODELS = '"""Shop models."""\n\n\nclass Item:\n    price: float = 0.0\n'
SERIALIZERS = "from shop.models import Item\n\n\ndef dump(item: Item) -> dict:\n    return {}\n"


def _shop(repo: GitRepo) -> None:
    repo.commit(
        "init",
        {
            "Makefile": "test:\n\tpytest -q\n",
            "src/shop/__init__.py": "",
            "src/shop/models.py": MODELS,
            "src/shop/serializers.py": SERIALIZERS,
        },
    )
    for i in range(4):
        repo.commit(
            f"add field {i}",
            {
                "src/shop/models.py": MODELS + f"    f{i}: int = {i}\n",
                "src/shop/serializers.py": SERIALIZERS.replace("{}", f"{{'f{i}': item.f{i}}}"),
            },
        )


def test_memory_reaches_the_model_through_claude_code(
    repo: GitRepo, tmp_path: Path, claude_bin: Path
) -> None:
    _shop(repo)
    bin_dir = str(Path(sys.executable).parent)
    env_path = f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"
    for command in (
        ["index", "-q"],
        ["export", "-q", "-t", "claude"],
        ["hooks", "install", "--claude", "--shared"],
    ):
        result = repo.repomind(*command)
        assert result.code == 0, result.err
    models = repo.root / "src" / "shop" / "models.py"
    turns = [
        tool_use("Read", {"file_path": str(models)}),
        tool_use(
            "Edit",
            {
                "file_path": str(models),
                "old_string": "    price: float = 0.0\n",
                "new_string": "    price: float = 0.0\n    discount: float = 0.0\n",
            },
        ),
        text("Added the field."),
    ]
    home = tmp_path / "home"
    home.mkdir()
    with FakeMessages(turns) as fake:
        env = {
            "PATH": env_path,
            "HOME": str(home),
            "ANTHROPIC_BASE_URL": fake.url,
            "ANTHROPIC_API_KEY": "sk-ant-fake",
            "DISABLE_TELEMETRY": "1",
            "DISABLE_ERROR_REPORTING": "1",
            "DISABLE_AUTOUPDATER": "1",
            "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
            "CLAUDE_CODE_ENABLE_TELEMETRY": "0",
        }
        proc = subprocess.run(
            [
                str(claude_bin),
                "-p",
                "Add a `discount` field to Item in src/shop/models.py",
                "--output-format",
                "json",
                "--allowedTools",
                "Read,Edit",
            ],
            cwd=repo.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        requests = fake.main_requests()
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert models.read_text().count("discount: float = 0.0") == 1  # the tools really ran
    bodies = [json.dumps(r) for r in requests]
    first = bodies[0]
    # (a) the managed block of CLAUDE.md
    assert "Repository memory (maintained by repomind)" in first
    assert "make test" in first
    # (b) SessionStart and UserPromptSubmit context
    assert "repomind: this repository has a memory" in first
    assert "repomind memory for the files this prompt concerns" in first
    assert "src/shop/serializers.py" in first
    # (d) the edit-time reminder reaches the request after the Edit
    edit_index = next(
        i
        for i, r in enumerate(requests)
        if sum(1 for m in r["messages"] if m["role"] == "assistant") == 2
    )
    assert "changed together with `src/shop/models.py`" in bodies[edit_index]
    assert not any("changed together with" in b for b in bodies[:edit_index])
    # (c) SessionEnd queued the real transcript and a background `repomind reflect` read it
    state = repo.root / ".repomind" / "state"
    cursor = state / "reflect-cursor.json"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not (
        cursor.exists() and not (state / "reflect-queue.jsonl").exists()
    ):
        time.sleep(0.2)
    (transcript,) = [Path(p) for p in json.loads(cursor.read_text())]
    assert transcript.is_file() and transcript.is_relative_to(home / ".claude" / "projects")
