"""Gemini CLI recordings and Aider chat histories parsed into the session model, and discovered."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from repomind.reflect.discover import discover_sessions, parse_any, parse_sessions
from repomind.reflect.session import AssistantMessage, Session, ToolResult, UserMessage
from repomind.reflect.transcripts import aider, gemini

FIXTURES = Path(__file__).parent / "fixtures" / "reflect"
GEMINI_JSONL = FIXTURES / "gemini" / "session-2026-11-22T10-04-8b0e6c1d.jsonl"
GEMINI_LEGACY = FIXTURES / "gemini" / "session-2025-10-14T16-20-3c9d2e71.json"
AIDER_HISTORY = FIXTURES / "aider" / ".aider.chat.history.md"
ROOT = "/home/dev/work/shopcart"  # the project the fixtures were recorded in


def runs(session: Session) -> list[tuple[str, bool | None, int | None]]:
    return [(r.command, r.ok, r.exit_code) for r in session.commands()]


def short(paths: list[str]) -> list[str]:
    return [p.removeprefix(ROOT + "/") for p in paths]


def jsonl_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# -- Gemini CLI: parsing


def test_gemini_jsonl_session():
    session = parse_any(GEMINI_JSONL)
    assert session is not None
    assert session.agent == "gemini"  # not Claude Code, though both write a sessionId
    assert session.session_id == "8b0e6c1d-4f2a-4c3e-9d57-2f1a6b7c9e04"
    assert session.started == "2026-11-22T10:04:31.512Z"
    assert runs(session) == [
        ("python -m pytest -q", False, 1),
        ("python -m pytest -q", True, 0),
        ("make test", True, 0),
    ]
    assert short(session.files_edited()) == ["src/shopcart/cart.py"]
    assert session.files_read() == ["src/shopcart/cart.py"]
    assert session.user_prompts() == [
        "The discount tests fail on main. Find out why and fix it.",
        "No, don't run bare pytest here: use `make test`, it sets PYTHONPATH and runs the "
        "doctests too.",
    ]
    # Messages re-appended with their tool calls count once; tool responses are not prompts.
    calls = session.tool_calls()
    assert [c.name for c in calls] == [
        "run_shell_command",
        "read_file",
        "replace",
        "run_shell_command",
        "run_shell_command",
    ]
    assert [c.kind for c in calls] == ["shell", "read", "edit", "shell", "shell"]
    failing = session.result_of(calls[0].id)
    assert failing is not None
    assert failing.output.startswith("Output: F.......")  # the <untrusted_context> wrapper is gone
    assert "Exit Code: 1" in failing.output
    texts = [e.text for e in session.events if isinstance(e, AssistantMessage)]
    assert texts[0] == "I'll run the test suite to see which test fails."
    assert "`make test` passes too: 10 passed, doctests included." in texts
    assert not any("Session summary saved." in e.text for e in session.events if hasattr(e, "text"))


def test_gemini_legacy_json_session():
    session = parse_any(GEMINI_LEGACY)
    assert session is not None
    assert session.agent == "gemini"
    assert session.session_id == "3c9d2e71-58a4-4b0f-9e6d-1a7c4f2b8e90"
    assert session.started == "2025-10-14T16:20:41.902Z"
    assert runs(session) == [("make test", False, 2), ("make test", True, 0)]
    assert short(session.files_edited()) == ["src/shopcart/coupons.py", "tests/test_coupons.py"]
    # read_many_files: literal paths count as read, glob patterns do not.
    assert session.files_read() == ["tests/test_cart.py"]
    kinds = {c.name: c.kind for c in session.tool_calls()}
    assert kinds == {
        "write_file": "write",
        "read_many_files": "read",
        "run_shell_command": "shell",
        "replace": "edit",
    }
    cancelled = session.result_of(session.tool_calls()[-1].id)
    assert cancelled is not None
    assert cancelled.ok is False
    assert "User did not allow tool call" in cancelled.output
    assert session.user_prompts()[1].startswith("Codes must be case-insensitive")


def test_gemini_rewind_drops_the_messages_after_it(tmp_path):
    records = jsonl_lines(GEMINI_JSONL)
    correction = next(
        r for r in records if r.get("type") == "user" and "make test" in json.dumps(r)
    )
    path = write_jsonl(
        tmp_path / "session-rewound.jsonl", [*records, {"$rewindTo": correction["id"]}]
    )
    session = gemini.parse(path)
    assert len(session.user_prompts()) == 1
    assert [c for c, _, _ in runs(session)] == ["python -m pytest -q", "python -m pytest -q"]


def test_gemini_checkpoint_replaces_all_messages(tmp_path):
    records = jsonl_lines(GEMINI_JSONL)
    first_user = next(r for r in records if r.get("type") == "user")
    checkpoint = {"$set": {"messages": [first_user], "lastUpdated": "2026-11-22T10:07:00.000Z"}}
    session = gemini.parse(write_jsonl(tmp_path / "session-c.jsonl", [*records, checkpoint]))
    assert session.user_prompts() == [first_user["content"][0]["text"]]
    assert session.tool_calls() == []


def test_gemini_malformed_and_unknown_lines_are_skipped(tmp_path):
    records: list[dict | str] = [*jsonl_lines(GEMINI_JSONL)]
    records.insert(2, "not json at all")
    records.insert(3, "[1, 2, 3]")
    records.insert(4, {"type": "future_record", "payload": {"x": 1}})
    records.insert(5, {"id": 42, "type": "user", "content": "an id that is not a string"})
    records.append('{"id": "torn-write", "type": "gemini", "content": "cut sh')
    session = gemini.parse(write_jsonl(tmp_path / "session-noisy.jsonl", records))
    assert runs(session) == runs(gemini.parse(GEMINI_JSONL))
    assert session.user_prompts() == gemini.parse(GEMINI_JSONL).user_prompts()


def test_gemini_shell_outcomes_across_versions(tmp_path):
    def call(call_id: str, output: str | None, status: str = "success") -> dict:
        record = {
            "id": call_id,
            "name": "run_shell_command",
            "args": {"command": call_id},
            "status": status,
            "timestamp": "2026-01-01T00:00:01Z",
            "someFutureField": {"x": 1},
        }
        if output is not None:
            response = {"error": output} if status == "error" else {"output": output}
            record["result"] = [
                {
                    "functionResponse": {
                        "id": call_id,
                        "name": "run_shell_command",
                        "response": response,
                    }
                }
            ]
        return record

    calls = [
        call(
            "killed",
            "Command: killed\nDirectory: (root)\nOutput: (empty)\nError: (none)\n"
            "Exit Code: (none)\nSignal: 15\nBackground PIDs: (none)",
        ),
        call("errored", "spawn /bin/bash ENOENT", status="error"),
        call("nonzero", "<untrusted_context>\nOutput: boom\nExit Code: 3\n</untrusted_context>"),
        call(
            "cancelled",
            "Command was cancelled by user before it could complete. "
            "There was no output before it was cancelled.",
        ),
        call("unfinished", None, status="executing"),
        call("answered-later", None, status="success"),
    ]
    records = [
        {"sessionId": "s", "projectHash": "h", "startTime": "2026-01-01T00:00:00Z"},
        {
            "id": "g1",
            "type": "gemini",
            "content": [{"text": "thinking", "thought": True}],
            "toolCalls": calls,
        },
        # Newer versions send tool responses back as a synthetic user message.
        {
            "id": "u1",
            "type": "user",
            "content": [
                {
                    "functionResponse": {
                        "id": "answered-later",
                        "name": "run_shell_command",
                        "response": {"output": "Output: ok\nProcess Group PGID: 7"},
                    }
                }
            ],
        },
    ]
    session = gemini.parse(write_jsonl(tmp_path / "session-x.jsonl", records))
    assert runs(session) == [
        ("killed", False, None),
        ("errored", False, None),
        ("nonzero", False, 3),
        ("cancelled", False, None),
        ("unfinished", None, None),
        ("answered-later", True, 0),
    ]
    assert session.user_prompts() == []  # functionResponse parts and thoughts are not text
    assert not any(isinstance(e, AssistantMessage) for e in session.events)


def test_gemini_slash_commands_are_meta_and_display_content_wins(tmp_path):
    records = [
        {"sessionId": "s", "projectHash": "h", "startTime": "2026-01-01T00:00:00Z"},
        {"id": "u1", "type": "user", "content": [{"text": "/memory show"}]},
        {
            "id": "u2",
            "type": "user",
            "content": [{"text": "Explain @src/a.py"}, {"text": "--- src/a.py ---\nx = 1"}],
            "displayContent": [{"text": "Explain @src/a.py"}],
        },
    ]
    session = gemini.parse(write_jsonl(tmp_path / "session-m.jsonl", records))
    users = [e for e in session.events if isinstance(e, UserMessage)]
    assert [(u.text, u.is_meta) for u in users] == [
        ("/memory show", True),
        ("Explain @src/a.py", False),
    ]


def test_unreadable_or_foreign_files_give_no_sessions(tmp_path):
    assert parse_sessions(tmp_path / "missing.jsonl") == []
    assert parse_any(tmp_path / "missing.jsonl") is None
    assert parse_sessions(tmp_path) == []  # a directory is not a transcript
    (tmp_path / "notes.json").write_text('{"name": "not a chat"}', encoding="utf-8")
    assert parse_sessions(tmp_path / "notes.json") == []
    (tmp_path / "README.md").write_text("# A project\n\n#### not aider\n", encoding="utf-8")
    assert parse_sessions(tmp_path / "README.md") == []


# -- Gemini CLI: discovery


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("GEMINI_CLI_HOME", "CLAUDE_CONFIG_DIR", "CODEX_HOME"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def repo(tmp_path) -> Path:
    root = tmp_path / "work" / "shopcart"
    (root / "src").mkdir(parents=True)
    return root.resolve()


def project_folder(gemini_dir: Path, name: str, owner: Path | None) -> Path:
    folder = gemini_dir / "tmp" / name
    (folder / "chats").mkdir(parents=True)
    if owner is not None:
        (folder / gemini.PROJECT_ROOT_FILE).write_text(str(owner), encoding="utf-8")
    return folder


def test_gemini_discovery_by_slug_marker_hash_and_registry(home, repo):
    base = home / ".gemini"
    slug = project_folder(base, "shopcart", repo)
    current = shutil.copy(GEMINI_JSONL, slug / "chats")
    # A resumed legacy session was migrated to a .jsonl beside the .json: only the .jsonl counts.
    shutil.copy(GEMINI_JSONL, slug / "chats" / "session-2026-11-01T08-00-aaaaaaaa.jsonl")
    shutil.copy(GEMINI_LEGACY, slug / "chats" / "session-2026-11-01T08-00-aaaaaaaa.json")
    # Subagents record under chats/<parent session>/; they are not sessions of their own.
    (slug / "chats" / "8b0e6c1d").mkdir()
    shutil.copy(GEMINI_JSONL, slug / "chats" / "8b0e6c1d" / "sub.jsonl")
    hashed = project_folder(base, gemini.project_hash(repo), None)  # before the slug folders
    legacy = shutil.copy(GEMINI_LEGACY, hashed / "chats")
    sub = project_folder(base, "src", repo / "src")  # gemini started in a subdirectory
    in_sub = shutil.copy(GEMINI_JSONL, sub / "chats")
    registered = project_folder(base, "shopcart-1", None)  # only projects.json knows its root
    in_registered = shutil.copy(GEMINI_JSONL, registered / "chats")
    (base / "projects.json").write_text(
        json.dumps({"projects": {str(repo): "shopcart-1"}}), encoding="utf-8"
    )
    other = project_folder(base, "shopcart-2", repo.parent / "shopcart-old")
    shutil.copy(GEMINI_JSONL, other / "chats")

    found = discover_sessions(repo)
    assert found == sorted(
        ("gemini", Path(p))
        for p in (
            current,
            slug / "chats" / "session-2026-11-01T08-00-aaaaaaaa.jsonl",
            legacy,
            in_sub,
            in_registered,
        )
    )
    assert gemini.parse(current).cwd == str(repo)
    assert gemini.parse(in_registered).cwd == str(repo)
    # The old hash folder of a registered root is that root's; unregistered, it names none.
    assert gemini.parse(legacy).cwd == str(repo)
    (base / "projects.json").unlink()
    assert gemini.parse(legacy).cwd == ""
    assert gemini.parse(current).cwd == str(repo)


def test_gemini_cli_home_moves_the_gemini_folder(home, repo, tmp_path, monkeypatch):
    elsewhere = tmp_path / "gemini-home"
    folder = project_folder(elsewhere / ".gemini", "shopcart", repo)
    path = shutil.copy(GEMINI_JSONL, folder / "chats")
    default = project_folder(home / ".gemini", "shopcart", repo)
    shutil.copy(GEMINI_LEGACY, default / "chats")

    assert [p.parent.parent.parent.parent for _, p in discover_sessions(repo)] == [home / ".gemini"]
    monkeypatch.setenv("GEMINI_CLI_HOME", str(elsewhere))
    assert gemini.gemini_dir() == elsewhere / ".gemini"
    assert discover_sessions(repo) == [("gemini", Path(path))]


def test_no_gemini_folder_finds_nothing(home, repo):
    assert discover_sessions(repo) == []


# -- Aider


def aider_sessions() -> list[Session]:
    sessions = aider.parse_all(AIDER_HISTORY)
    assert [s.session_id for s in sessions] == ["aider-20261120T140211", "aider-20261121T091540"]
    return sessions


def test_aider_file_splits_into_one_session_per_run():
    first, second = aider_sessions()
    assert (first.started, second.started) == ("2026-11-20T14:02:11", "2026-11-21T09:15:40")
    assert {s.agent for s in (first, second)} == {"aider"}
    assert first.cwd == second.cwd == str(AIDER_HISTORY.parent.resolve())
    assert first.path == str(AIDER_HISTORY)
    # parse_any keeps its one-session contract with the latest run; parse_sessions gives all.
    latest = parse_any(AIDER_HISTORY)
    assert latest is not None
    assert latest.session_id == "aider-20261121T091540"
    assert [s.session_id for s in parse_sessions(AIDER_HISTORY)] == [
        "aider-20261120T140211",
        "aider-20261121T091540",
    ]


def test_aider_test_and_run_outcomes_edits_and_correction():
    first, _ = aider_sessions()
    assert runs(first) == [
        ("python -m pytest -q", False, None),  # /test with --test-cmd: output added = failed
        ("python -m pytest -q", True, 0),  # nothing logged after /test = passed
        ("python -m pytest -q tests/test_checkout.py", False, None),  # "What's wrong? Fix" next
        ("python -m pytest -q", True, 0),
    ]
    assert first.files_edited() == ["src/shopcart/cart.py", "src/shopcart/checkout.py"]
    assert first.files_read() == ["src/shopcart/cart.py"]  # added on the command line
    assert first.user_prompts() == [
        "No, don't round in `total()` -- we keep full Decimal precision until checkout.\n"
        "Do the rounding in `src/shopcart/checkout.py` instead.",
        "What's wrong? Fix",
    ]
    meta = [e.text for e in first.events if isinstance(e, UserMessage) and e.is_meta]
    assert meta == [
        "/test",
        "/test",
        "/run python -m pytest -q tests/test_checkout.py",
        "/test",
        "/exit",
    ]
    commits = [c.input["hash"] for c in first.tool_calls() if c.name == "commit"]
    assert commits == ["3f9c2a1", "8d41e07", "c07a9b2"]
    failing = first.result_of(first.tool_calls()[1].id)
    assert isinstance(failing, ToolResult)
    assert failing.output == "Added 23 lines of output to the chat."


def test_aider_auto_test_suggested_commands_and_new_files():
    _, second = aider_sessions()
    assert runs(second) == [
        ("make test", False, None),  # "Attempt to fix test errors?" after the first edits
        ("make lint", None, None),  # suggested by the model: aider never logs the outcome
        ("mypy src", None, None),  # the second line of a multi-line question subject
        ("make test", True, 0),  # --auto-test and no fix offered after the second edits
    ]
    edits = [(c.kind, c.file_path) for c in second.tool_calls() if c.name == "apply_edit"]
    assert edits == [
        ("write", "src/shopcart/coupons.py"),
        ("write", "tests/test_coupons.py"),
        ("write", "tests/test_coupons.py"),  # created in this run, then edited
    ]
    assert second.files_read() == ["src/shopcart/cart.py", "tests/test_cart.py"]
    # "#### Notes" in the reply is a markdown heading (no trailing spaces), not the user;
    # "<blank>" is an empty Enter; /ask carries a real question.
    assert second.user_prompts() == [
        "Add a coupons module: a coupon code maps to a percentage, and Cart.apply_coupon(code) "
        "sets discount_rate.",
        "why does percentage() upper-case the code?",
    ]
    replies = [e.text for e in second.events if isinstance(e, AssistantMessage)]
    assert "#### Notes\nUnknown codes raise `KeyError`" in replies[0]
    assert "<<<<<<< SEARCH" in replies[0]


def test_aider_history_with_stripped_trailing_spaces_parses_the_same(tmp_path):
    text = AIDER_HISTORY.read_text(encoding="utf-8")
    stripped = "\n".join(line.rstrip() for line in text.splitlines()) + "\n"
    path = tmp_path / aider.HISTORY_FILE
    path.write_text(stripped, encoding="utf-8")
    for original, copy in zip(aider_sessions(), aider.parse_all(path), strict=True):
        assert runs(copy) == runs(original)
        assert copy.files_edited() == original.files_edited()
        assert set(original.user_prompts()) <= set(copy.user_prompts())


def test_aider_noise_preamble_and_bad_bytes(tmp_path):
    body = (
        "stray text before any run\n"
        "> Added ignored.py to the chat.  \n"
        "\n# aider chat started at 2026-01-02 03:04:05\n\n"
        "> Aider v0.86.1  \n"
        "\n#### fix it  \n"
        "\nreply with a bad byte: \udcff\n\n"
        "> Tokens: 1k sent, 2 received.  \n"
        "> Applied edit to a.py  \n"
        "> Some future message aider may print  \n"
        "\n# aider chat started at 2026-01-02 03:04:05\n\n"
        "#### /test  \n"
        "\n# aider chat started at 2026-01-02 03:04:05\n"
    )
    path = tmp_path / "history.md"
    path.write_bytes(body.encode("utf-8", errors="surrogateescape"))
    sessions = parse_sessions(path)
    assert [s.session_id for s in sessions] == [
        "aider-20260102T030405",
        "aider-20260102T030405-2",
        "aider-20260102T030405-3",
    ]
    first = sessions[0]
    assert first.user_prompts() == ["fix it"]
    assert first.files_edited() == ["a.py"]
    assert first.files_read() == []  # the preamble belongs to no run
    assert runs(sessions[1]) == []  # /test with no command and no --test-cmd: nothing to run
    assert sessions[2].events == ()
    assert aider.parse_all(tmp_path / "missing.md") == []


def test_aider_older_versions_logged_failing_test_output(tmp_path):
    body = (
        "\n# aider chat started at 2024-09-10 11:00:00\n\n"
        "> Aider v0.56.0  \n"
        "\n#### /test pytest -q  \n"
        "> F.  \n"
        "> FAILED tests/test_a.py::test_one  \n"
        "\nThe assertion is off by one.\n\n"
        "#### /test pytest -q  \n"
        "\n# aider chat started at 2024-06-10 11:00:00\n\n"
        "> Aider v0.40.0  \n"
        "\n#### /test pytest -q  \n"
        "> 2 passed  \n"
    )
    path = tmp_path / aider.HISTORY_FILE
    path.write_text(body, encoding="utf-8")
    v056, v040 = aider.parse_all(path)
    assert runs(v056) == [("pytest -q", False, None), ("pytest -q", True, 0)]
    assert runs(v040) == [("pytest -q", None, None)]  # output logged either way: unknown


def test_aider_history_discovered_in_repo_root(home, repo):
    shutil.copy(AIDER_HISTORY, repo / aider.HISTORY_FILE)
    (repo / "src" / aider.HISTORY_FILE).write_text("", encoding="utf-8")  # only the root's
    assert discover_sessions(repo) == [("aider", repo / aider.HISTORY_FILE)]
    sessions = parse_sessions(repo / aider.HISTORY_FILE)
    assert [s.cwd for s in sessions] == [str(repo), str(repo)]
