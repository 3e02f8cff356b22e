"""`repomind context` as agent hooks call it, with payloads recorded from Claude Code 2.1.197."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from conftest import GitRepo, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "claude_code"
RECORDED_CWD = "/tmp/repomind-cc-corpus/shopcart"


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    """The repository the sessions were recorded in (a real git history), indexed."""
    root = tmp_path / "shopcart"
    subprocess.run(["git", "clone", "-q", str(FIXTURES / "shopcart.bundle"), str(root)], check=True)
    assert run_cli("index", "-q", cwd=root).code == 0
    return root


def _payloads(event: str, root: Path) -> list[str]:
    lines = (FIXTURES / f"02_{event}.jsonl").read_text().splitlines()
    return [line.replace(RECORDED_CWD, str(root)) for line in lines if line.strip()]


def _context(root: Path, payload: str) -> tuple[int, str, str]:
    result = run_cli("context", cwd=root, stdin=payload)
    return result.code, result.out, result.err


def test_prompt_gets_the_named_files_and_their_partners(shop: Path) -> None:
    (payload,) = _payloads("UserPromptSubmit", shop)
    code, out, err = _context(shop, payload)
    assert code == 0 and err == ""
    data = json.loads(out)["hookSpecificOutput"]
    assert data["hookEventName"] == "UserPromptSubmit"
    text = data["additionalContext"]
    assert "`src/shopcart/models.py`" in text
    assert "usually changes with `src/shopcart/serializers.py` (3 of 3 commits)" in text
    assert len(text) <= 4000


def test_session_start_digest(shop: Path) -> None:
    (payload,) = _payloads("SessionStart", shop)
    code, out, _ = _context(shop, payload)
    data = json.loads(out)["hookSpecificOutput"]
    assert code == 0 and data["hookEventName"] == "SessionStart"
    assert "repomind query" in data["additionalContext"]


def test_edit_reminder_once_per_pair_and_silent_for_reads(shop: Path) -> None:
    read, edit, second_edit = _payloads("PreToolUse", shop)[:3]
    assert json.loads(read)["tool_name"] == "Read"
    assert _context(shop, read)[1] == ""
    code, out, _ = _context(shop, edit)
    text = json.loads(out)["hookSpecificOutput"]["additionalContext"]
    assert code == 0
    assert "`src/shopcart/serializers.py` changed together with `src/shopcart/models.py`" in text
    assert _context(shop, second_edit)[1] == ""  # the same pair is not repeated


def test_no_reminder_when_the_partner_was_already_edited(shop: Path) -> None:
    edit = json.loads(_payloads("PreToolUse", shop)[1])
    partner = dict(edit, tool_input={"file_path": str(shop / "src/shopcart/serializers.py")})
    partner["session_id"] = edit["session_id"] = "other-session"
    _context(shop, json.dumps(partner))
    assert _context(shop, json.dumps(edit))[1] == ""


def test_prompt_that_names_nothing_gets_nothing(shop: Path) -> None:
    (payload,) = _payloads("UserPromptSubmit", shop)
    data = json.loads(payload)
    data["prompt"] = "what a lovely day, tell me a joke"
    assert _context(shop, json.dumps(data))[1] == ""


@pytest.mark.parametrize(
    "stdin",
    [
        "",
        "not json",
        "[1, 2]",
        '{"hook_event_name": 3}',
        '{"hook_event_name": "Nope"}',
        '{"hook_event_name": "UserPromptSubmit", "prompt": null}',
        "\xff\xfe garbage",
    ],
)
def test_malformed_or_unknown_input_prints_nothing_and_exits_0(shop: Path, stdin: str) -> None:
    assert _context(shop, stdin) == (0, "", "")


def test_outside_a_repository_or_without_index_is_silent(tmp_path: Path, repo: GitRepo) -> None:
    payload = json.dumps({"hook_event_name": "SessionStart", "cwd": str(tmp_path)})
    assert run_cli("context", cwd=tmp_path, stdin=payload).out == ""
    repo.commit("x", {"a.py": "x = 1\n"})
    payload = json.dumps({"hook_event_name": "SessionStart", "cwd": str(repo.root)})
    result = run_cli("context", cwd=repo.root, stdin=payload)
    assert (result.code, result.out) == (0, "")
