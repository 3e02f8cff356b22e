"""`repomind reflect` end to end: real Claude Code and Codex transcripts of the shopcart repo,
discovered under fake agent homes, reflected into lessons.md, then into the rule files."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import GitRepo, memory_snapshot
from repomind.reflect.discover import encode_claude_project

FIXTURES = Path(__file__).parent / "fixtures"
CLAUDE = FIXTURES / "reflect" / "claude_code"
CODEX = next((FIXTURES / "reflect" / "codex").glob("rollout-*.jsonl"))
RECORDED = {
    CLAUDE: "/tmp/repomind-cc-corpus/shopcart",
    CODEX: "/tmp/repomind-codex-corpus/shopcart",
}


@pytest.fixture
def shop(tmp_path: Path, monkeypatch) -> GitRepo:
    """The repository the fixtures were recorded in, with agent homes under tmp."""
    root = tmp_path / "shopcart"
    subprocess.run(
        ["git", "clone", "-q", str(FIXTURES / "claude_code" / "shopcart.bundle"), str(root)],
        check=True,
    )
    repo = GitRepo.__new__(GitRepo)
    repo.root = root.resolve()
    repo._clock = 1_700_100_000
    repo.git("config", "user.email", "ada@example.com")
    repo.git("config", "user.name", "Ada")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude"))
    monkeypatch.setenv("CODEX_HOME", str(tmp_path / "codex"))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("ANTHROPIC_BASE_URL", raising=False)
    return repo


def place_claude(repo: GitRepo, name: str, extra: str = "") -> Path:
    """Copy a recorded Claude Code transcript to where Claude Code keeps this repo's sessions."""
    import os

    folder = Path(os.environ["CLAUDE_CONFIG_DIR"]) / "projects" / encode_claude_project(repo.root)
    folder.mkdir(parents=True, exist_ok=True)
    source = CLAUDE / name
    text = source.read_text(encoding="utf-8").replace(RECORDED[CLAUDE], str(repo.root))
    target = folder / name
    target.write_text(text + extra, encoding="utf-8")
    return target


def place_codex(repo: GitRepo) -> Path:
    import os

    folder = Path(os.environ["CODEX_HOME"]) / "sessions" / "2026" / "11" / "24"
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / CODEX.name
    target.write_text(
        CODEX.read_text(encoding="utf-8").replace(RECORDED[CODEX], str(repo.root)),
        encoding="utf-8",
    )
    return target


def lessons_text(repo: GitRepo) -> str:
    return (repo.root / ".repomind" / "memory" / "lessons.md").read_text(encoding="utf-8")


def test_reflect_learns_consolidates_and_is_a_no_op_when_run_again(shop: GitRepo):
    place_claude(shop, "01_tests_fail_then_pass.jsonl")
    place_claude(shop, "03_user_corrects_test_command.jsonl")
    place_claude(shop, "02_add_discount_cochange.jsonl")
    place_codex(shop)
    result = shop.repomind("reflect", "--json")
    assert result.code == 0, result.err
    report = json.loads(result.out)
    assert {s["agent"] for s in report["sessions"]} == {"claude_code", "codex"}
    assert len(report["sessions"]) == 4
    text = lessons_text(shop)
    # The command lesson was learned by three sessions: once in memory, reinforced.
    assert text.count("Run the tests with `make test`") == 1
    assert "seen=3" in text or "seen=4" in text
    assert "never unittest" in text
    assert "src/shopcart/models.py" in text and "src/shopcart/serializers.py" in text
    assert text.startswith("---\ndescription: ")
    before = memory_snapshot(shop.root)

    status = json.loads(shop.repomind("status", "--json").out)["lessons"]
    assert status["active"] >= 3 and status["stale"] == 0 and status["queued_sessions"] == 0
    assert "lessons" in shop.repomind("status").out

    again = shop.repomind("reflect")
    assert again.code == 0, again.err
    assert "No new sessions" in again.out
    assert memory_snapshot(shop.root) == before

    # Reading everything again teaches nothing twice; after losing lessons.md it rebuilds it.
    assert shop.repomind("reflect", "--all").code == 0
    assert memory_snapshot(shop.root) == before
    (shop.root / ".repomind" / "memory" / "lessons.md").unlink()
    assert shop.repomind("reflect", "--all").code == 0
    assert "never unittest" in lessons_text(shop)


def test_dry_run_shows_lessons_and_diff_and_writes_nothing(shop: GitRepo):
    place_claude(shop, "03_user_corrects_test_command.jsonl")
    result = shop.repomind("reflect", "--dry-run")
    assert result.code == 0, result.err
    assert "+- Always use pytest -q via `make test`" in result.out
    assert "dry run" in result.out
    assert not (shop.root / ".repomind" / "memory" / "lessons.md").exists()
    # Nothing was consumed either: the real run still finds the session.
    assert "never unittest" in (shop.repomind("reflect").out + lessons_text(shop))


def test_a_resumed_session_is_read_for_its_new_part_only(shop: GitRepo):
    path = place_claude(shop, "01_tests_fail_then_pass.jsonl")
    assert shop.repomind("reflect").code == 0
    first = lessons_text(shop)
    lines = path.read_text(encoding="utf-8").splitlines()
    session_id = json.loads(lines[-1]).get("sessionId")
    follow_up = {
        "type": "user",
        "sessionId": session_id,
        "cwd": str(shop.root),
        "uuid": "u-resumed-1",
        "timestamp": "2026-11-24T05:00:00.000Z",
        "message": {
            "role": "user",
            "content": "Remember: never commit directly to the release branch, open a PR.",
        },
    }
    with path.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(follow_up) + "\n")
    result = shop.repomind("reflect", "--json")
    report = json.loads(result.out)
    assert [s["new_events"] for s in report["sessions"]] == [1]
    text = lessons_text(shop)
    assert "release branch" in text
    # The old part was not learned twice.
    assert text.count("Run the tests with `make test`") == first.count(
        "Run the tests with `make test`"
    )
    assert "seen=1" in text.split("release branch")[0].split("make test")[-1] or "seen=1" in text


def test_explicit_paths_and_bad_input(shop: GitRepo, tmp_path: Path):
    source = CLAUDE / "03_user_corrects_test_command.jsonl"
    result = shop.repomind("reflect", str(source), "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out)["sessions"][0]["agent"] == "claude_code"
    missing = shop.repomind("reflect", str(tmp_path / "nope.jsonl"))
    assert missing.code == 2 and "no such transcript" in missing.err
    assert "Traceback" not in missing.err
    garbage = tmp_path / "garbage.jsonl"
    garbage.write_bytes(b'\x00\xff not json\n{"half": \n')
    weird = shop.repomind("reflect", str(garbage))
    assert weird.code == 0 and "Traceback" not in weird.err


def test_lessons_reach_rule_files_and_hooks_but_stale_ones_do_not(shop: GitRepo):
    assert shop.repomind("index", "-q").code == 0
    assert shop.repomind("export", "--target", "claude").code == 0
    place_claude(shop, "03_user_corrects_test_command.jsonl")
    place_claude(shop, "06_new_module_write.jsonl")
    result = shop.repomind("reflect")
    assert result.code == 0, result.err
    claude_md = (shop.root / "CLAUDE.md").read_text(encoding="utf-8")
    assert "Lessons from past sessions" in claude_md
    assert "never unittest" in claude_md
    assert "<!-- repomind:lesson" not in claude_md  # provenance stays in memory
    assert "CLAUDE.md" in result.out

    payload = {
        "hook_event_name": "UserPromptSubmit",
        "session_id": "s-new",
        "cwd": str(shop.root),
        "prompt": "please run the tests and fix what fails",
    }
    hook = shop.repomind("context", stdin=json.dumps(payload))
    assert "never unittest" in json.loads(hook.out)["hookSpecificOutput"]["additionalContext"]

    # A lesson citing a file that is then deleted is marked stale and withheld.
    memory = lessons_text(shop)
    assert "tests/test_tax.py" in memory
    shop.git("rm", "-q", "src/shopcart/tax.py", "tests/test_tax.py")
    shop.commit("drop tax")
    place_claude(shop, "05_read_and_explain.jsonl")
    assert shop.repomind("reflect").code == 0
    assert 'stale="cites a file that is gone' in lessons_text(shop)
    assert shop.repomind("index", "-q").code == 0
    assert shop.repomind("export", "--target", "claude").code == 0
    assert "test_tax.py" not in (shop.root / "CLAUDE.md").read_text(encoding="utf-8")


def test_queued_sessions_are_drained(shop: GitRepo, tmp_path: Path):
    elsewhere = tmp_path / "moved"
    elsewhere.mkdir()
    transcript = elsewhere / "session.jsonl"
    shutil.copy(CLAUDE / "03_user_corrects_test_command.jsonl", transcript)
    text = transcript.read_text(encoding="utf-8").replace(RECORDED[CLAUDE], str(shop.root))
    transcript.write_text(text, encoding="utf-8")
    payload = {
        "hook_event_name": "SessionEnd",
        "session_id": "abc",
        "cwd": str(shop.root),
        "transcript_path": str(transcript),
    }
    quiet = {"REPOMIND_REFLECT_ON_SESSION_END": "false"}
    assert shop.repomind("context", stdin=json.dumps(payload), env=quiet).code == 0
    queue = shop.root / ".repomind" / "state" / "reflect-queue.jsonl"
    assert queue.exists()
    assert shop.repomind("reflect").code == 0
    assert "never unittest" in lessons_text(shop)
    assert not queue.exists()


def test_session_end_hook_reflects_in_the_background(shop: GitRepo, tmp_path: Path):
    import time

    transcript = tmp_path / "ended.jsonl"
    text = (CLAUDE / "03_user_corrects_test_command.jsonl").read_text(encoding="utf-8")
    transcript.write_text(text.replace(RECORDED[CLAUDE], str(shop.root)), encoding="utf-8")
    payload = {
        "hook_event_name": "SessionEnd",
        "session_id": "abc",
        "cwd": str(shop.root),
        "transcript_path": str(transcript),
    }
    started = time.monotonic()
    result = shop.repomind("context", stdin=json.dumps(payload))
    assert result.code == 0 and result.out == ""
    assert time.monotonic() - started < 1.5  # SessionEnd's budget: the hook only starts it
    lessons = shop.root / ".repomind" / "memory" / "lessons.md"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not lessons.exists():
        time.sleep(0.1)
    assert "never unittest" in lessons_text(shop)


def test_planted_secrets_never_reach_memory_or_rule_files(shop: GitRepo):
    aws = "AKIA" + "Q3EXAMPLE7ZZTOPX"
    github = "ghp_" + "a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8"
    password = "hunter2-" + "Sup3rS3cret!"
    prompt = (
        f"No, never hardcode credentials: always read the key from the env, not `{aws}`. "
        f"Also don't use the token {github} or the db url postgres://app:{password}@db/shop."
    )
    follow = {
        "type": "user",
        "sessionId": "planted",
        "cwd": str(shop.root),
        "uuid": "u-planted",
        "timestamp": "2026-11-24T06:00:00.000Z",
        "message": {"role": "user", "content": prompt},
    }
    place_claude(shop, "01_tests_fail_then_pass.jsonl", extra=json.dumps(follow) + "\n")
    assert shop.repomind("index", "-q").code == 0
    assert shop.repomind("export", "--target", "claude").code == 0
    result = shop.repomind("reflect", "--json")
    assert result.code == 0, result.err
    everything = result.out + "".join(
        p.read_text(encoding="utf-8", errors="replace")
        for p in [*shop.root.rglob("*.md"), *(shop.root / ".repomind").rglob("*")]
        if p.is_file() and "cache" not in p.parts
    )
    assert "hardcode credentials" in everything  # the lesson itself was learned
    for secret in (aws, github, password):
        assert secret not in everything


def test_gemini_and_aider_sessions_reflect_too(shop: GitRepo):
    shutil.copy(
        FIXTURES / "reflect" / "aider" / ".aider.chat.history.md",
        shop.root / ".aider.chat.history.md",
    )
    gemini = sorted((FIXTURES / "reflect" / "gemini").iterdir())
    result = shop.repomind("reflect", "--json")  # the Aider history is found in the repo root
    assert result.code == 0, result.err
    assert {s["agent"] for s in json.loads(result.out)["sessions"]} == {"aider"}
    result = shop.repomind("reflect", *map(str, gemini), "--json")
    assert result.code == 0, result.err
    sessions = json.loads(result.out)["sessions"]
    assert {s["agent"] for s in sessions} == {"gemini"}
    assert "Don't run bare pytest here" in lessons_text(shop)
    again = json.loads(shop.repomind("reflect", *map(str, gemini), "--json").out)
    assert again["sessions"] == [] and again["changes"] == []


def test_commands_proven_in_sessions_lead_the_rule_files(repo: GitRepo):
    from repomind.memory.lessons import LessonFile, write_lessons
    from repomind.reflect.consolidate import Memory, consolidate
    from repomind.reflect.lesson import Evidence, Lesson

    repo.commit("init", {"Makefile": "test:\n\tpython -m unittest\n", "app.py": "x = 1\n"})
    evidence = (Evidence("s1", "claude_code", "2026-11-20", "Ran 0 tests"),)
    memory = Memory(LessonFile(), LessonFile())
    consolidate(
        memory,
        [
            Lesson(
                "command",
                "command:test",
                "Run the tests with `tox -e py`.",
                commands=("tox -e py",),
                evidence=evidence,
            ),
            Lesson(
                "confirmed",
                "confirmed:ruff check .",
                "Lint with `ruff check .`.",
                commands=("ruff check .",),
                evidence=evidence,
            ),
        ],
        max_lessons=10,
    )
    write_lessons(repo.root / ".repomind" / "memory" / "lessons.md", memory.lessons)
    assert repo.repomind("index", "-q").code == 0
    assert repo.repomind("export", "-t", "agents").code == 0
    agents = (repo.root / "AGENTS.md").read_text(encoding="utf-8")
    commands = agents.split("Commands (run from the repository root):")[1].split("\n\n")[0]
    lines = commands.strip().splitlines()
    assert lines[0] == "- test: `tox -e py`"  # proven by a session, ahead of the Makefile's
    assert "- lint: `ruff check .`" in lines  # no manifest said it; a session did
