"""lessons.md as memory: round trip, human edits win, consolidation (reinforce, supersede,
merge, budget, archive), stale citations and relevance."""

from __future__ import annotations

from pathlib import Path

from repomind.memory.lessons import (
    ARCHIVE_BLOCK,
    LessonFile,
    parse_block,
    read_lessons,
    render_block,
    write_lessons,
)
from repomind.reflect.consolidate import Memory, consolidate
from repomind.reflect.lesson import Evidence, Lesson
from repomind.reflect.verify import (
    SessionFacts,
    lessons_for_agents,
    outcome,
    stale_reason,
)


def ev(session: str, date: str = "2026-11-20", quote: str = "Ran 0 tests") -> Evidence:
    return Evidence(session, "claude_code", date, quote)


def command_lesson(session: str = "s1", command: str = "pytest -q", date: str = "2026-11-20"):
    return Lesson(
        "command",
        "command:test",
        f"Run the tests with `{command}` (`python -m unittest` finds no tests here).",
        commands=(command,),
        evidence=(ev(session, date),),
    )


def fresh() -> Memory:
    return Memory(LessonFile(), LessonFile())


def test_round_trip_keeps_every_field_and_is_byte_stable():
    memory = fresh()
    lesson = Lesson(
        "cochange",
        "cochange:src/a.py|src/b.py",
        "`src/a.py` and `src/b.py` were edited together: when one changes, check the other.",
        files=("src/a.py", "src/b.py"),
        symbols=("Cart.total",),
        evidence=(ev("s1", quote='he said "--> no" -- twice'),),
    )
    consolidate(memory, [lesson, command_lesson()], max_lessons=10)
    text = render_block(memory.lessons)
    parsed = parse_block(text)
    assert render_block(parsed) == text
    by_kind = {e.kind: e for e in parsed.entries}
    assert by_kind["cochange"].files == ("src/a.py", "src/b.py")
    assert by_kind["cochange"].symbols == ("Cart.total",)
    assert by_kind["command"].commands == ("pytest -q",)
    assert by_kind["cochange"].evidence[0].quote == 'he said "-- > no" -- twice'
    assert not any(e.human for e in parsed.entries)
    # Evidence stays inside HTML comments, out of the agents' way.
    assert text.count("<!--") == text.count("-->") == 2


def test_same_lesson_from_a_new_session_reinforces_instead_of_repeating():
    memory = fresh()
    consolidate(memory, [command_lesson("s1")], max_lessons=10)
    changes = consolidate(memory, [command_lesson("s2", date="2026-11-21")], max_lessons=10)
    assert [c.action for c in changes] == ["reinforce"]
    (entry,) = memory.lessons.entries
    assert entry.seen == 2
    assert [e.session_id for e in entry.evidence] == ["s2", "s1"]
    # The same session read again (a resumed transcript) teaches nothing new.
    assert consolidate(memory, [command_lesson("s2")], max_lessons=10) == []
    assert memory.lessons.entries[0].seen == 2


def test_newer_contradicting_lesson_supersedes_and_the_old_one_is_archived():
    memory = fresh()
    consolidate(memory, [command_lesson("s1", "make test")], max_lessons=10)
    newer = command_lesson("s2", "tox -e py311", date="2026-11-21")
    changes = consolidate(memory, [newer], max_lessons=10)
    assert [c.action for c in changes] == ["supersede"]
    assert memory.lessons.entries[0].commands == ("tox -e py311",)
    (old,) = memory.archive.entries
    assert old.commands == ("make test",) and old.retired.startswith("superseded")
    # An older session reflected late does not overrule a newer lesson.
    late = command_lesson("s0", "nox -s tests", date="2026-11-01")
    assert consolidate(memory, [late], max_lessons=10) == []
    assert memory.lessons.entries[0].commands == ("tox -e py311",)


def test_human_edit_is_detected_kept_verbatim_and_wins(tmp_path: Path):
    path = tmp_path / "lessons.md"
    memory = fresh()
    consolidate(memory, [command_lesson("s1", "make test")], max_lessons=10)
    write_lessons(path, memory.lessons)
    text = path.read_text(encoding="utf-8")
    edited = text.replace("Run the tests with `make test`", "Run the tests with `make check`")
    edited = edited.replace("## Commands\n", "## Commands\n\nAsk Ada before changing CI.\n")
    edited = edited.replace(
        "<!-- repomind:end lessons -->",
        "- Never push to main directly.\n<!-- repomind:end lessons -->",
    )
    edited = "Notes above the block.\n" + edited
    path.write_text(edited, encoding="utf-8")

    memory = Memory(read_lessons(path), LessonFile())
    human = {e.text.split()[0]: e for e in memory.lessons.entries}
    assert human["Run"].human and human["Never"].human
    changes = consolidate(memory, [command_lesson("s2", "tox")], max_lessons=10)
    assert [c.action for c in changes] == ["keep-human"]
    write_lessons(path, memory.lessons)
    after = path.read_text(encoding="utf-8")
    for kept in (
        "Run the tests with `make check`",
        "Never push to main directly.",
        "Ask Ada before changing CI.",
        "Notes above the block.",
    ):
        assert kept in after
    assert "`tox`" not in after
    # Stable: writing again changes nothing.
    assert write_lessons(path, read_lessons(path)) is False


def test_similar_lessons_of_one_kind_merge():
    memory = fresh()
    a = Lesson(
        "correction",
        "correction:a",
        "Never edit the generated file api_pb2.py by hand.",
        evidence=(ev("s1"),),
    )
    b = Lesson(
        "correction",
        "correction:b",
        "Never edit the generated file api_pb2.py by hand!",
        evidence=(ev("s2"),),
    )
    consolidate(memory, [a], max_lessons=10)
    consolidate(memory, [b], max_lessons=10)
    assert len(memory.lessons.entries) == 1 and memory.lessons.entries[0].seen == 2


def test_budget_moves_the_weakest_to_the_archive_never_a_humans():
    memory = Memory(
        parse_block("## Corrections and preferences\n\n- Human rule one.\n"), LessonFile()
    )
    lessons = [
        Lesson(
            "correction",
            f"correction:t{i}",
            f"Rule number {i} about topic {i} applies.",
            evidence=(ev(f"s{i}", f"2026-11-{10 + i}"),),
        )
        for i in range(5)
    ]
    consolidate(memory, lessons, max_lessons=3)
    generated = [e for e in memory.lessons.entries if not e.human]
    assert len(generated) == 3
    assert any(e.human for e in memory.lessons.entries)
    assert {e.text for e in memory.archive.entries} == {
        "Rule number 0 about topic 0 applies.",
        "Rule number 1 about topic 1 applies.",
    }
    assert all(e.retired == "over the lessons budget" for e in memory.archive.entries)


def test_a_lesson_a_human_retired_is_not_learned_again():
    archive = parse_block(
        "- Run the tests with `pytest -q` (`python -m unittest` finds no tests here).\n"
        "  <!-- repomind:lesson id=x kind=command seen=1 by=human retired=human\n"
        "  topic: command:test -->\n"
    )
    memory = Memory(LessonFile(), archive)
    assert consolidate(memory, [command_lesson("s9")], max_lessons=10) == []
    assert memory.lessons.entries == []


def test_readonly_lessons_file_is_never_written(tmp_path: Path):
    path = tmp_path / "lessons.md"
    original = "---\nreadonly: true\n---\n\n- Our own rule.\n"
    path.write_text(original, encoding="utf-8")
    memory = fresh()
    consolidate(memory, [command_lesson()], max_lessons=10)
    assert write_lessons(path, memory.lessons) is False
    assert path.read_text(encoding="utf-8") == original


def test_archive_uses_its_own_block(tmp_path: Path):
    path = tmp_path / "archive.md"
    memory = fresh()
    consolidate(memory, [command_lesson("s1", "make test")], max_lessons=10)
    consolidate(memory, [command_lesson("s2", "tox")], max_lessons=10)
    write_lessons(path, memory.archive, block=ARCHIVE_BLOCK, description="retired")
    assert read_lessons(path, ARCHIVE_BLOCK).entries[0].commands == ("make test",)


def test_stale_when_a_cited_file_script_or_target_is_gone(tmp_path: Path):
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("x = 1\n")
    (tmp_path / "Makefile").write_text("test:\n\tpytest\n")
    (tmp_path / "package.json").write_text('{"scripts": {"lint": "eslint ."}}')
    entry = parse_block(render_block_for(("src/a.py",), ("make test",))).entries[0]
    assert stale_reason(entry, tmp_path) == ""
    for files, commands, expected in (
        (("src/gone.py",), (), "src/gone.py"),
        ((), ("make check",), "check"),
        ((), ("npm run typecheck",), "typecheck"),
        ((), ("pytest tests/test_gone.py::test_x",), "tests/test_gone.py"),
    ):
        entry = parse_block(render_block_for(files, commands)).entries[0]
        assert expected in stale_reason(entry, tmp_path)
    entry = parse_block(render_block_for((), ("npm run lint",))).entries[0]
    assert stale_reason(entry, tmp_path) == ""
    symbol = parse_block(render_block_for((), (), ("Cart.total",))).entries[0]
    assert "Cart.total" in stale_reason(symbol, tmp_path, defined=lambda name: False)
    assert stale_reason(symbol, tmp_path, defined=lambda name: True) == ""


def render_block_for(files, commands, symbols=()) -> str:
    memory = fresh()
    lesson = Lesson(
        "correction",
        "correction:x",
        "Do the thing the right way here.",
        files=tuple(files),
        symbols=tuple(symbols),
        commands=tuple(commands),
        evidence=(ev("s1"),),
    )
    consolidate(memory, [lesson], max_lessons=10)
    return render_block(memory.lessons)


def test_outcome_tells_followed_from_repeated():
    from repomind.reflect.extractors.shell import purpose

    memory = fresh()
    consolidate(memory, [command_lesson("s1", "pytest -q")], max_lessons=10)
    entry = memory.lessons.entries[0]
    followed = SessionFacts(frozenset(), (("pytest -q", True),), frozenset())
    repeated = SessionFacts(frozenset(), (("python -m unittest", False),), frozenset())
    unrelated = SessionFacts(frozenset({"README.md"}), (("ls", True),), frozenset())
    assert outcome(entry, followed, purpose) == "followed"
    assert outcome(entry, repeated, purpose) == "repeated"
    assert outcome(entry, unrelated, purpose) == "idle"


def test_agents_see_only_fresh_lessons_and_recurring_co_edits(tmp_path: Path):
    (tmp_path / "a.py").write_text("")
    (tmp_path / "b.py").write_text("")
    memory = fresh()
    pair = Lesson(
        "cochange",
        "cochange:a.py|b.py",
        "`a.py` and `b.py` change together.",
        files=("a.py", "b.py"),
        evidence=(ev("s1"),),
    )
    gone = Lesson(
        "correction",
        "correction:gone",
        "Keep gone.py in sync with the schema.",
        files=("gone.py",),
        evidence=(ev("s1"),),
    )
    consolidate(memory, [pair, gone, command_lesson("s1")], max_lessons=10)
    write_lessons(tmp_path / ".repomind" / "memory" / "lessons.md", memory.lessons)
    shown = [e.topic for e in lessons_for_agents(tmp_path, 10)]
    assert shown == ["command:test"]  # the pair needs a second session; gone.py is gone
    consolidate(
        memory,
        [Lesson(**{**{s: getattr(pair, s) for s in Lesson.__slots__}, "evidence": (ev("s2"),)})],
        max_lessons=10,
    )
    write_lessons(tmp_path / ".repomind" / "memory" / "lessons.md", memory.lessons)
    assert "cochange:a.py|b.py" in [e.topic for e in lessons_for_agents(tmp_path, 10)]


def test_two_branches_lessons_merge_without_conflicts(tmp_path: Path):
    from repomind.agenthooks.merge import merge_file

    def file_with(*lessons: Lesson, note: str = "") -> str:
        memory = fresh()
        consolidate(memory, list(lessons), max_lessons=10)
        path = tmp_path / "tmp.md"
        path.unlink(missing_ok=True)
        write_lessons(path, memory.lessons)
        return note + path.read_text(encoding="utf-8")

    shared = Lesson(
        "correction",
        "correction:shared",
        "Never edit generated api_pb2.py files.",
        evidence=(ev("s0", "2026-11-01"),),
    )
    dropped = Lesson(
        "correction",
        "correction:drop",
        "Always rebase feature branches on main.",
        evidence=(ev("s0", "2026-11-01"),),
    )
    ours_only = command_lesson("s1", "make test", date="2026-11-02")
    theirs_only = Lesson(
        "cochange",
        "cochange:a.py|b.py",
        "`a.py` and `b.py` change together.",
        files=("a.py", "b.py"),
        evidence=(ev("s2", "2026-11-03"),),
    )
    base = tmp_path / "base.md"
    ours = tmp_path / "ours.md"
    theirs = tmp_path / "theirs.md"
    base.write_text(file_with(shared, dropped))
    ours.write_text(file_with(shared, ours_only, note="Our note.\n"))  # we deleted `dropped`
    theirs.write_text(file_with(shared, dropped, theirs_only))
    assert merge_file(base, ours, theirs) == 0
    merged = ours.read_text(encoding="utf-8")
    assert "<<<<<<<" not in merged
    assert "Our note." in merged
    topics = {e.topic for e in read_lessons(ours).entries}
    assert topics == {"correction:shared", "command:test", "cochange:a.py|b.py"}


def test_a_session_is_never_counted_twice_even_beyond_the_quoted_evidence():
    memory = fresh()
    for i in range(6):
        consolidate(memory, [command_lesson(f"s{i}", date=f"2026-11-1{i}")], max_lessons=10)
    (entry,) = memory.lessons.entries
    assert entry.seen == 6 and len(entry.evidence) == 3  # only the latest three are quoted
    reparsed = parse_block(render_block(memory.lessons))
    memory = Memory(reparsed, LessonFile())
    assert consolidate(memory, [command_lesson("s0", date="2026-11-10")], max_lessons=10) == []
    assert memory.lessons.entries[0].seen == 6
