"""Command lessons: a failed command and the similar one that then worked; commands that passed."""

from __future__ import annotations

import re
from pathlib import Path

from repomind.reflect.extractors import shell
from repomind.reflect.extractors.common import (
    STRONG_WRONG,
    Run,
    evidence,
    repo_path,
    runs,
    telling_line,
)
from repomind.reflect.lesson import Lesson, one_line
from repomind.reflect.session import Session, ToolCall

TEXT_CHARS = 200
# Purposes whose passing command is worth confirming (installs and app runs are not).
CONFIRMABLE = ("test", "lint", "format", "typecheck", "build")
_VERB = {
    "test": "Run the tests with",
    "lint": "Lint with",
    "format": "Format with",
    "typecheck": "Type-check with",
    "build": "Build with",
    "install": "Install dependencies with",
    "run": "Run it with",
}


def command_lessons(session: Session, root: Path) -> list[Lesson]:
    """ "Use Y, not X": X failed for a reason of its own, and Y, with the same purpose, worked."""
    all_runs = runs(session, root)
    edits = _edit_positions(session, root)
    # The first later run of each purpose that passed, for every run (one backward pass).
    next_pass: list[dict[str, Run]] = [{} for _ in all_runs]
    ahead: dict[str, Run] = {}
    for index in range(len(all_runs) - 1, -1, -1):
        next_pass[index] = dict(ahead)
        run = all_runs[index]
        if run.ok and run.purpose:
            ahead[run.purpose] = run
    pairs: dict[str, tuple[list[Run], Run]] = {}
    for index, failed in enumerate(all_runs):
        if failed.ok or not failed.finished or failed.purpose is None or failed.transient:
            continue
        worked = next_pass[index].get(failed.purpose)
        if worked is None or not _command_was_the_problem(failed, worked, edits):
            continue
        if any(r.ok and r.normal == failed.normal for r in all_runs[index + 1 :]):
            # it passed later as it was: the setup was fixed (a tool installed), not the command
            continue
        known = pairs.get(failed.purpose)
        if known is None:
            pairs[failed.purpose] = ([failed], worked)
        elif known[1] is worked and all(f.normal != failed.normal for f in known[0]):
            known[0].append(failed)
    lessons = []
    for purpose, (failed, worked, tool) in _tool_replacements(all_runs).items():
        if purpose in pairs:
            continue
        lessons.append(
            Lesson(
                kind="command",
                topic=f"command:{purpose}",
                text=one_line(
                    f"`{tool}` is not installed here: run it as `{worked.normal}`"
                    f" (`{failed.normal}` fails: {_reason(failed)}).",
                    TEXT_CHARS,
                ),
                files=(),
                commands=(worked.normal,),
                evidence=(evidence(session, telling_line(failed.output) or failed.normal),),
            )
        )
    for purpose, (failures, worked) in pairs.items():
        first = failures[0]
        quote = telling_line(first.output) or first.normal
        lessons.append(
            Lesson(
                kind="command",
                topic=f"command:{purpose}",
                text=_advice(purpose, worked.normal, [f.normal for f in failures], first),
                files=(),
                commands=(worked.normal,),
                evidence=(evidence(session, quote),),
            )
        )
    return lessons


def confirmed_lessons(session: Session, root: Path) -> list[Lesson]:
    """Whole-suite test/lint/format/typecheck/build commands that ran and passed (for tests, when
    the whole suite never passed, the last run of whole test files that passed).

    Variants that differ only in debugging flags (`pytest -x -q`, `pytest -q`) are one command;
    the one with the fewest such flags is cited.
    """
    chosen: dict[str, Run] = {}
    all_runs = runs(session, root)
    whole = {r.purpose for r in all_runs if r.ok and not shell.is_targeted(r.command)}
    written = _written_files(session, root)
    file_runs = {}  # the last passing run of the project's own test files, per purpose
    for run in all_runs:
        if (
            run.ok
            and run.purpose == "test"
            and run.normal
            and len(run.normal) <= 120
            and not shell.selects_tests(run.command)
            and not any(name in written for name in _file_args(run.normal))
        ):
            file_runs[run.purpose] = run
    for run in all_runs:
        if not run.ok or run.purpose not in CONFIRMABLE or not run.normal:
            continue
        if len(run.normal) > 120:
            continue
        if shell.is_targeted(run.command) and not (
            run.purpose not in whole and file_runs.get(run.purpose) is run
        ):
            # A run of some test files confirms the tests only when the suite as a whole
            # never ran ("the tests are in tests/test_parse.py"), and not when they are the
            # session's own new tests.
            continue
        key = shell.without_debug_flags(run.normal)
        known = chosen.get(key)
        if known is None or _debug_flags(run) < _debug_flags(known):
            chosen[key] = run
    lessons = []
    for run in chosen.values():
        lessons.append(
            Lesson(
                kind="confirmed",
                topic=f"confirmed:{run.normal}",
                text=f"{_VERB[run.purpose or 'test']} `{run.normal}`.",
                commands=(run.normal,),
                evidence=(evidence(session, _success_line(run.output) or run.normal),),
            )
        )
    return lessons


# The tool a command could not start: `stringer: command not found`, `exec: "stringer":
# executable file not found`.
_MISSING_TOOL = re.compile(
    r"""(?:^|[\s:'"])([\w.-]+)['"]?: (?:command )?not found\b"""
    r"""|exec: "([\w.-]+)": executable file not found"""
    r"""|'([\w.-]+)' is not recognized as an internal""",
    re.MULTILINE,
)
_INSTALLING = frozenset({"install", "add", "get", "i", "pip", "pipx", "brew", "apt", "apt-get"})


def _tool_replacements(all_runs: list[Run]) -> dict[str, tuple[Run, Run, str]]:
    """A command that failed because a tool is missing, never passed, and a later command with
    another purpose ran that tool another way (`go generate` → `go run …/cmd/stringer`)."""
    found: dict[str, tuple[Run, Run, str]] = {}
    passed = {r.normal for r in all_runs if r.ok}
    for index, failed in enumerate(all_runs):
        if failed.ok or not failed.finished or failed.purpose is None or failed.transient:
            continue
        if failed.normal in passed or failed.purpose in found:
            continue
        match = _MISSING_TOOL.search(failed.output)
        tool = next((g for g in match.groups() if g), "") if match else ""
        if len(tool) < 3 or tool in failed.normal.split()[:1]:
            continue  # the command itself is missing: the usual command lesson's business
        for worked in all_runs[index + 1 :]:
            if not worked.ok or worked.purpose in (failed.purpose, "install"):
                continue
            words = shell.tokens(worked.normal)
            if _INSTALLING.intersection(words[:3]):
                continue
            if any(w == tool or w.endswith("/" + tool) for w in words):
                found[failed.purpose] = (failed, worked, tool)
                break
    return found


def _written_files(session: Session, root: Path) -> set[str]:
    """Repo files the session edited or wrote, by repo path and by base name."""
    found = set()
    for event in session.events:
        if isinstance(event, ToolCall) and event.kind in ("edit", "write"):
            for path in event.file_paths:
                relative = repo_path(path, session, root)
                if relative:
                    found |= {relative, relative.rsplit("/", 1)[-1]}
    return found


def _file_args(normal: str) -> list[str]:
    return [t.lstrip("./") for t in shell.tokens(normal) if "/" in t or "." in t.lstrip(".")]


def _debug_flags(run: Run) -> int:
    return len(shell.tokens(run.normal)) - len(shell.tokens(shell.without_debug_flags(run.normal)))


def _command_was_the_problem(failed: Run, worked: Run, edits: list[int]) -> bool:
    """Whether switching commands, not editing code, is what made it work."""
    if worked.normal == failed.normal or shell.is_typo_of(failed.normal, worked.normal):
        return False  # the same command passed later: flaky, or the code was fixed
    if shell.is_targeted(worked.command) and not shell.is_targeted(failed.command):
        return False  # a narrower run passing says nothing about the whole suite
    if failed.purpose in ("run", "install") and not failed.wrong_command:
        return False  # a program or an install fails for many reasons besides its command line
    if failed.did_nothing or STRONG_WRONG.search(failed.output):
        return True
    if any(failed.position < p < worked.position for p in edits):
        return False  # the edits, not the new command, may be what fixed it
    if failed.code_failure and not failed.wrong_command:
        # Same code, other command: it matters, unless the new one only adds flags to the old.
        old, new = shell.tokens(failed.normal), shell.tokens(worked.normal)
        added = [t for t in new if t not in old]
        return not (set(old) <= set(new) and all(t.startswith("-") for t in added))
    return True


def _advice(purpose: str, worked: str, failed: list[str], first: Run) -> str:
    reason = _reason(first)
    others = ", ".join(f"`{f}`" for f in failed[:2])
    verb = "fails" if len(failed) == 1 else "fail"
    for text in (
        f"{_VERB[purpose]} `{worked}` ({others} {verb} here: {reason}).",
        f"{_VERB[purpose]} `{worked}` ({others} {verb} here).",
        f"{_VERB[purpose]} `{worked}` (`{failed[0]}` fails here).",
        f"{_VERB[purpose]} `{worked}`.",
    ):
        if len(text) <= TEXT_CHARS:
            return text
    return one_line(f"{_VERB[purpose]} `{worked}`.", TEXT_CHARS)


def _reason(run: Run) -> str:
    if run.zero_tests:
        return "it runs no tests"
    if run.did_nothing:
        return "it does nothing"
    line = re.sub(r"^(?:E\s+|npm ERR!\s*|error:\s*)", "", telling_line(run.output)).strip()
    return one_line(line, 80) if line else "it fails"


def _success_line(output: str) -> str:
    lines = [ln.strip() for ln in output.splitlines() if re.search(r"[A-Za-z]{2}", ln)]
    for line in reversed(lines):  # a count of tests that passed, rather than "0 passed"
        if re.search(r"\b[1-9]\d* (?:passed|passing|tests? passed)|# pass [1-9]", line, re.I):
            return line
    for line in reversed(lines):
        if re.search(
            r"\bpass|\bok\b|success|no issues|all checks|\b0 errors|done|built", line, re.IGNORECASE
        ):
            return line
    return lines[-1] if lines else ""


def _edit_positions(session: Session, root: Path) -> list[int]:
    return [
        i
        for i, e in enumerate(session.events)
        if isinstance(e, ToolCall)
        and e.kind in ("edit", "write")
        and any(repo_path(p, session, root) for p in e.file_paths)
    ]
