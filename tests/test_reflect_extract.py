"""Offline lesson extraction: each extractor on real transcripts and small hand-built sessions."""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from repomind.reflect.discover import parse_any
from repomind.reflect.extract import extract_lessons
from repomind.reflect.lesson import Lesson
from repomind.reflect.session import (
    AssistantMessage,
    Event,
    Session,
    ToolCall,
    ToolResult,
    UserMessage,
)

LABELLED = Path(__file__).parent / "fixtures" / "reflect" / "labelled"
ROOT = Path("/repo")


@functools.cache
def _bench() -> ModuleType:
    path = Path(__file__).parent.parent / "bench" / "reflect_quality.py"
    spec = importlib.util.spec_from_file_location("reflect_quality", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def _real(name: str) -> list[Lesson]:
    session = parse_any(LABELLED / name)
    assert session is not None
    return extract_lessons(session, Path(session.cwd))


def _by_kind(lessons: list[Lesson], kind: str) -> list[Lesson]:
    return [lesson for lesson in lessons if lesson.kind == kind]


class _Builder:
    """A hand-built session: shell runs, edits and messages in order."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._n = 0

    def _id(self) -> str:
        self._n += 1
        return f"call{self._n}"

    def user(self, text: str) -> _Builder:
        self.events.append(UserMessage(text))
        return self

    def say(self, text: str) -> _Builder:
        self.events.append(AssistantMessage(text))
        return self

    def run(self, command: str, exit_code: int = 0, output: str = "") -> _Builder:
        call_id = self._id()
        self.events.append(ToolCall(call_id, "Bash", {"command": command}, "shell", command))
        header = f"Exit code {exit_code}\n" if exit_code else ""
        self.events.append(ToolResult(call_id, exit_code == 0, header + output, exit_code))
        return self

    def edit(self, path: str, ok: bool = True) -> _Builder:
        call_id = self._id()
        self.events.append(ToolCall(call_id, "Edit", {"file_path": path}, "edit", None, (path,)))
        self.events.append(ToolResult(call_id, ok, "The file has been updated successfully."))
        return self

    def session(self) -> Session:
        return Session(
            "claude_code", "s-1", "/tmp/s.jsonl", str(ROOT), "2026-11-20T10:00:00Z",
            tuple(self.events),
        )


# --- failed → succeeded commands -------------------------------------------------------------


def test_real_wrong_test_command_then_make_test() -> None:
    lessons = _by_kind(_real("claude_code/01_tests_fail_then_pass.jsonl"), "command")
    assert len(lessons) == 1
    lesson = lessons[0]
    assert lesson.topic == "command:test"
    assert lesson.commands == ("make test",)
    assert "python3 -m pytest -q" in lesson.text
    assert "No module named 'shopcart'" in lesson.evidence[0].quote
    evidence = lesson.evidence[0]
    assert (evidence.agent, evidence.date) == ("claude_code", "2026-11-24")


def test_real_codex_rollout_gives_the_same_command_lesson() -> None:
    name = "codex/rollout-2026-11-24T03-27-10-01a20b97-d6a7-77c3-bbc4-efed8de9d0a1.jsonl"
    lessons = _by_kind(_real(name), "command")
    assert [(lesson.topic, lesson.commands) for lesson in lessons] == [
        ("command:test", ("make test",))
    ]
    assert lessons[0].evidence[0].agent == "codex"


def test_unittest_running_zero_tests_counts_as_a_failure() -> None:
    lessons = _by_kind(_real("claude_code/03_user_corrects_test_command.jsonl"), "command")
    assert lessons and "unittest" in lessons[0].text
    assert lessons[0].evidence[0].quote == "Ran 0 tests in 0.000s"


def test_unittest_finds_nothing_then_pytest_passes() -> None:
    session = (
        _Builder()
        .user("run the tests")
        .run("python -m unittest", 5, "\nRan 0 tests in 0.000s\n\nNO TESTS RAN")
        .run("pytest -q", 0, "....\n4 passed in 0.10s")
        .session()
    )
    [lesson] = _by_kind(extract_lessons(session, ROOT), "command")
    assert lesson.topic == "command:test"
    assert lesson.commands == ("pytest -q",)
    assert "`python -m unittest`" in lesson.text


def test_same_command_failing_then_passing_after_an_edit_is_no_command_lesson() -> None:
    session = (
        _Builder()
        .run("npm test", 1, "FAIL src/cart.test.js\n  ● total › adds items\nTests: 1 failed")
        .edit("/repo/src/cart.js")
        .run("npm test", 0, "Tests: 4 passed, 4 total")
        .session()
    )
    assert _by_kind(extract_lessons(session, ROOT), "command") == []


def test_different_command_after_a_code_fix_is_no_command_lesson() -> None:
    session = (
        _Builder()
        .run("go test ./...", 1, "--- FAIL: TestTotal (0.00s)\n    cart_test.go:12: got 3 want 4")
        .edit("/repo/cart.go")
        .run("go test -race ./...", 0, "ok  \texample.com/cart\t0.01s")
        .session()
    )
    assert _by_kind(extract_lessons(session, ROOT), "command") == []


def test_transient_network_failure_is_ignored() -> None:
    session = (
        _Builder()
        .run("npm ci", 1, "npm ERR! code ENOTFOUND\nnpm ERR! network request failed")
        .run("npm install", 0, "added 120 packages")
        .session()
    )
    assert _by_kind(extract_lessons(session, ROOT), "command") == []


def test_a_typo_fixed_in_the_command_is_no_lesson() -> None:
    session = (
        _Builder()
        .run("make tset", 2, "make: *** No rule to make target 'tset'.  Stop.")
        .run("make test", 0, "ok")
        .session()
    )
    assert _by_kind(extract_lessons(session, ROOT), "command") == []


def test_missing_npm_script_then_the_right_one() -> None:
    session = (
        _Builder()
        .run("cd /repo && npm run lint", 1, 'npm ERR! Missing script: "lint"')
        .run("cd /repo && npx eslint .", 0, "")
        .session()
    )
    [lesson] = _by_kind(extract_lessons(session, ROOT), "command")
    assert lesson.topic == "command:lint"
    assert lesson.commands == ("npx eslint .",)
    assert "Missing script" in lesson.evidence[0].quote


# --- confirmed commands ----------------------------------------------------------------------


def test_confirmed_whole_suite_commands_only() -> None:
    session = (
        _Builder()
        .run("cd /repo && pytest tests/test_cart.py::test_total -q", 0, "1 passed")
        .run("ruff check src 2>&1 | tail -5", 0, "All checks passed!")
        .run("git status", 0, "clean")
        .run("pip install -e .", 0, "Successfully installed")
        .session()
    )
    topics = [lesson.topic for lesson in _by_kind(extract_lessons(session, ROOT), "confirmed")]
    assert topics == ["confirmed:ruff check src"]


def test_a_masked_exit_status_does_not_confirm_a_failing_command() -> None:
    session = _Builder().run("pytest -q 2>&1 | tail -3", 0, "FAILED tests/x.py\n1 failed").session()
    assert _by_kind(extract_lessons(session, ROOT), "confirmed") == []


# --- deterministic order, paths --------------------------------------------------------------


def test_output_is_sorted_by_topic_and_deterministic() -> None:
    name = "claude_code/03_user_corrects_test_command.jsonl"
    first, second = _real(name), _real(name)
    assert first == second
    assert [lesson.topic for lesson in first] == sorted(lesson.topic for lesson in first)


def test_files_outside_the_repo_and_agent_dirs_are_dropped() -> None:
    session = (
        _Builder()
        .edit("/repo/src/a.py")
        .edit("src/b.py")  # relative to the session's cwd
        .edit("/home/me/.claude/projects/x/memory/MEMORY.md")
        .edit("/repo/.claude/settings.json")
        .session()
    )
    [lesson] = _by_kind(extract_lessons(session, ROOT), "cochange")
    assert lesson.files == ("src/a.py", "src/b.py")


# --- the labelled set ------------------------------------------------------------------------


def test_quality_on_the_labelled_set_meets_the_bar() -> None:
    report = _bench().evaluate(LABELLED)
    overall = report.overall
    assert overall.labelled >= 20 or len(report.sessions) >= 8
    assert overall.precision >= 0.8, overall
    assert overall.recall >= 0.8, overall


@pytest.mark.parametrize("kind", ["command", "correction", "cochange", "confirmed"])
def test_every_kind_is_labelled(kind: str) -> None:
    assert _bench().evaluate(LABELLED).kind(kind).labelled > 0
