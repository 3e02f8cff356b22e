"""Transcript parsing into the session model, on real Claude Code and Codex CLI recordings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from repomind.reflect.discover import parse_any
from repomind.reflect.session import OUTPUT_CAP, Session, ToolCall, ToolResult, UserMessage
from repomind.reflect.transcripts import claude_code, codex

FIXTURES = Path(__file__).parent / "fixtures" / "reflect"
CLAUDE = FIXTURES / "claude_code"
CODEX_ROLLOUT = next((FIXTURES / "codex").glob("rollout-*.jsonl"))
REPO = "/tmp/repomind-cc-corpus/shopcart"


def claude(name: str) -> Session:
    session = parse_any(CLAUDE / f"{name}.jsonl")
    assert session is not None
    assert session.agent == "claude_code"
    return session


def short(paths: list[str], root: str = REPO) -> list[str]:
    return [p.removeprefix(root + "/") for p in paths]


def test_01_failed_pytest_then_make_test():
    session = claude("01_tests_fail_then_pass")
    assert session.session_id == "780c6e02-fc9a-4603-8d58-a5e088c2b321"
    assert session.cwd == REPO
    assert session.started.startswith("2026-11-24T")
    runs = session.commands()
    assert [(r.command, r.ok, r.exit_code) for r in runs] == [
        ("python3 -m pytest -q", False, 2),
        ("make test", True, 0),
    ]
    failed = next(c for c in session.tool_calls() if c.command == "python3 -m pytest -q")
    result = session.result_of(failed.id)
    assert result is not None and "ModuleNotFoundError" in result.output
    assert short(session.files_read()) == ["Makefile"]
    assert session.files_edited() == []
    assert session.user_prompts() == ["Run the test suite and tell me whether it passes."]


def test_02_edits_models_twice_then_serializers():
    session = claude("02_add_discount_cochange")
    edits = [c for c in session.tool_calls() if c.kind == "edit"]
    assert short([c.file_path for c in edits]) == [
        "src/shopcart/models.py",
        "src/shopcart/models.py",
        "src/shopcart/serializers.py",
    ]
    assert short(session.files_edited()) == [
        "src/shopcart/models.py",
        "src/shopcart/serializers.py",
    ]
    assert [(r.command, r.ok) for r in session.commands()] == [
        ("make test", False),
        ("make test", True),
    ]


def test_02_assistant_blocks_of_one_message_kept_in_order_once():
    session = claude("02_add_discount_cochange")
    ids = [c.id for c in session.tool_calls()]
    assert len(ids) == len(set(ids))
    # Every call is followed, later, by exactly its one result.
    for call in session.tool_calls():
        results = [e for e in session.events if isinstance(e, ToolResult) and e.call_id == call.id]
        assert len(results) == 1
        assert session.events.index(results[0]) > session.events.index(call)


def test_03_user_correction_is_the_second_prompt():
    session = claude("03_user_corrects_test_command")
    prompts = session.user_prompts()
    assert len(prompts) == 2
    assert prompts[0] == "Quickly check that the tests still pass."
    assert "never unittest" in prompts[1]
    assert [r.command for r in session.commands()] == [
        "PYTHONPATH=src python3 -m unittest discover -s tests",
        "make test",
    ]
    # The correction comes after the unittest run and before `make test`.
    order = [
        e.text if isinstance(e, UserMessage) else e.command
        for e in session.events
        if isinstance(e, UserMessage) or (isinstance(e, ToolCall) and e.kind == "shell")
    ]
    assert order[1].startswith("PYTHONPATH=src python3 -m unittest")
    assert "never unittest" in order[2]
    assert order[3] == "make test"


def test_05_read_only_session_has_no_edits():
    session = claude("05_read_and_explain")
    assert session.files_edited() == []
    assert short(session.files_read()) == ["src/shopcart/models.py"]
    assert [(r.command, r.ok, r.exit_code) for r in session.commands()] == [
        ("git log --oneline -- src/shopcart/models.py", True, 0)
    ]


def test_06_writes_two_new_files_then_fixes_the_test():
    session = claude("06_new_module_write")
    writes = [c for c in session.tool_calls() if c.kind == "write"]
    assert short([c.file_path for c in writes]) == ["src/shopcart/tax.py", "tests/test_tax.py"]
    assert "def add_vat" in writes[0].input["content"]
    assert short(session.files_edited()) == ["src/shopcart/tax.py", "tests/test_tax.py"]
    assert [(r.ok, r.exit_code) for r in session.commands()] == [(False, 2), (True, 0)]


def test_07_interactive_session_two_prompts_and_version_edits():
    session = claude("07_interactive_version_bump")
    assert session.user_prompts() == ["Bump the version to 0.2.0.", "Thanks, run the tests too."]
    assert short(session.files_edited()) == ["pyproject.toml", "src/shopcart/__init__.py"]
    assert session.commands()[-1].command == "make test"
    assert all(r.ok for r in session.commands())


def test_codex_failed_command_then_successful_one():
    session = parse_any(CODEX_ROLLOUT)
    assert session is not None
    assert session.agent == "codex"
    assert session.session_id == "01a20b97-d6a7-77c3-bbc4-efed8de9d0a1"
    assert session.cwd == "/tmp/repomind-codex-corpus/shopcart"
    assert [(r.command, r.ok, r.exit_code) for r in session.commands()] == [
        ("python3 -m pytest -q", False, 2),
        ("cat Makefile", True, 0),
        ("make test", True, 0),
    ]
    # Developer instructions and <environment_context> are not the user's words.
    assert session.user_prompts() == ["Run the test suite and tell me whether it passes."]
    assert not any("<environment_context>" in getattr(e, "text", "") for e in session.events)


# --- robustness: hand-made transcripts ------------------------------------------------------


def write_lines(path: Path, *lines: object) -> Path:
    text = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def cc_user(content: object, **extra: object) -> dict:
    return {
        "type": "user",
        "sessionId": "s1",
        "cwd": "/r",
        "message": {"content": content},
        **extra,
    }


def cc_block(message_id: str, block: dict, **extra: object) -> dict:
    message = {"id": message_id, "role": "assistant", "content": [block]}
    return {"type": "assistant", "sessionId": "s1", "message": message, **extra}


BASH = {"type": "tool_use", "id": "t1", "name": "Bash", "input": {"command": "make lint"}}


def test_claude_duplicate_blocks_sidechains_and_meta_lines(tmp_path):
    path = write_lines(
        tmp_path / "s1.jsonl",
        {"type": "summary", "summary": "an older session's title"},
        cc_user("fix the lint"),
        cc_user("<local-command-caveat>Caveat: generated by a command</local-command-caveat>"),
        cc_user("This session is being continued…", isCompactSummary=True),
        cc_block("m1", {"type": "thinking", "thinking": "hmm"}),
        cc_block("m1", {"type": "text", "text": "Running lint."}),
        cc_block("m1", {"type": "text", "text": "Running lint."}),  # repeated by an old version
        cc_block("m1", BASH),
        cc_block("m1", BASH),
        cc_block("m9", {"type": "text", "text": "subagent talk"}, isSidechain=True),
        cc_user([{"type": "tool_result", "tool_use_id": "t1", "content": "ok"}], isSidechain=True),
        cc_user(
            [
                {
                    "type": "tool_result",
                    "tool_use_id": "t1",
                    "is_error": True,
                    "content": [{"type": "text", "text": "Error: Exit code 1\nE501 line too long"}],
                }
            ],
            toolUseResult="Error: Exit code 1\nE501 line too long",
        ),
        {"type": "brand-new-line-type", "sessionId": "s1", "whatever": [1, 2]},
    )
    session = claude_code.parse(path)
    assert session.session_id == "s1"
    assert session.user_prompts() == ["fix the lint"]
    metas = [e for e in session.events if isinstance(e, UserMessage) and e.is_meta]
    assert len(metas) == 2
    texts = [getattr(e, "text", None) for e in session.events]
    assert texts.count("Running lint.") == 1
    assert "subagent talk" not in texts
    assert len(session.tool_calls()) == 1
    assert [(r.command, r.ok, r.exit_code) for r in session.commands()] == [("make lint", False, 1)]


def test_long_tool_output_is_capped(tmp_path):
    path = write_lines(
        tmp_path / "s1.jsonl",
        cc_block("m1", BASH),
        cc_user([{"type": "tool_result", "tool_use_id": "t1", "content": "x" * 50_000}]),
    )
    result = claude_code.parse(path).result_of("t1")
    assert result is not None and len(result.output) < OUTPUT_CAP + 100


def test_codex_apply_patch_shell_lists_and_older_output_shapes(tmp_path):
    patch = (
        "*** Begin Patch\n*** Update File: src/app.py\n@@\n-a\n+b\n"
        "*** Add File: src/new.py\n+x = 1\n*** End Patch\n"
    )

    def item(payload: dict) -> dict:
        return {"type": "response_item", "payload": payload}

    path = write_lines(
        tmp_path / "rollout-x.jsonl",
        {"type": "session_meta", "payload": {"id": "c1", "cwd": "/r", "timestamp": "T0"}},
        {"type": "turn_context", "payload": {"cwd": "/r"}},
        item(
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "go"}]}
        ),
        item(
            {
                "type": "function_call",
                "name": "shell",
                "call_id": "a",
                "arguments": json.dumps({"command": ["bash", "-lc", "pytest -q"]}),
            }
        ),
        item(
            {
                "type": "function_call_output",
                "call_id": "a",
                "output": json.dumps({"output": "1 failed", "metadata": {"exit_code": 1}}),
            }
        ),
        item(
            {
                "type": "function_call",
                "name": "shell",
                "call_id": "b",
                "arguments": json.dumps({"command": ["ls", "-la", "my dir"]}),
            }
        ),
        item({"type": "function_call_output", "call_id": "b", "output": "Exit code: 0\nOutput:\n"}),
        item({"type": "custom_tool_call", "name": "apply_patch", "call_id": "p", "input": patch}),
        item({"type": "custom_tool_call_output", "call_id": "p", "output": "Success."}),
        item({"type": "function_call", "name": "exec_command", "call_id": "c", "arguments": "{"}),
        item({"type": "reasoning", "summary": []}),
        {"type": "event_msg", "payload": {"type": "token_count"}},
    )
    session = codex.parse(path)
    assert (session.session_id, session.cwd, session.started) == ("c1", "/r", "T0")
    assert session.user_prompts() == ["go"]
    assert [(r.command, r.ok, r.exit_code) for r in session.commands()] == [
        ("pytest -q", False, 1),
        ("ls -la 'my dir'", True, 0),
    ]
    assert session.files_edited() == ["src/app.py", "src/new.py"]
    broken = session.tool_calls()[-1]
    assert broken.name == "exec_command" and broken.command is None


GARBAGE = [
    b"",
    b"\n\n   \n",
    b'not json at all\n{\n[1, 2, 3]\n"a string"\nnull\n',
    b'{"type": "user", "message": "not a dict"}\n',
    b'{"type": "assistant", "message": {"content": 7}}\n',
    b'{"type": "user", "sessionId": "s", "message": {"content": [null, 3]}}\n',
    b'{"type": "user", "sessionId": "s",\n "message": {"content": "torn across lines"}}\n',
    b'{"type": "user", "sessionId": "s", "message": {"content": [{"type": "tool_result"}]}}\n',
    b'{"type": "response_item", "payload": {"type": "function_call", "arguments": 5}}\n',
    b'{"type": "session_meta", "payload": null}\n{"type": "response_item", "payload": []}\n',
    b"[" * 100_000 + b"\n",
]


@pytest.mark.parametrize("content", GARBAGE)
def test_garbage_never_raises(tmp_path, content):
    path = tmp_path / "t.jsonl"
    path.write_bytes(content)
    parse_any(path)
    claude_code.parse(path)
    codex.parse(path)


def test_bad_bytes_and_truncated_last_line_keep_the_good_lines(tmp_path):
    good = json.dumps(cc_user("caf\u00e9 au lait")).encode()
    bad = json.dumps(cc_user("keep me")).encode().replace(b"keep me", b"keep \xff me")
    torn = json.dumps(cc_user("lost")).encode()[:25]
    path = tmp_path / "t.jsonl"
    path.write_bytes(good + b"\n" + bad + b"\n" + torn)
    session = parse_any(path)
    assert session is not None
    assert session.user_prompts() == ["caf\u00e9 au lait", "keep \ufffd me"]


def test_unknown_format_and_missing_file(tmp_path):
    path = write_lines(tmp_path / "other.jsonl", {"role": "user", "text": "hi"})
    assert parse_any(path) is None
    assert parse_any(tmp_path / "missing.jsonl") is None
    assert parse_any(tmp_path) is None
