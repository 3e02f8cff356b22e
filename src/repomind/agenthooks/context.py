"""`repomind context`: what an agent hook injects, read from the hook's JSON on stdin.

Session start gets a short digest, each prompt the memory relevant to it, and an edit of a file
with strong co-change partners a one-line reminder. Relevance-gated: nothing is printed when
nothing clears the bar. A hook must never break the agent, so every failure is silent (exit 0).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_CHARS = 4000  # far below the 10,000 Claude Code accepts: memory must not crowd the prompt
PROMPT_FILES = 3
PARTNERS = 3
REMINDERS_PER_EDIT = 2
EDIT_TOOLS = frozenset(
    {"Edit", "Write", "MultiEdit", "NotebookEdit", "apply_patch", "write_file", "replace"}
)
PROMPT_EVENTS = frozenset({"UserPromptSubmit", "BeforeAgent"})
TOOL_EVENTS = frozenset({"PreToolUse", "PostToolUse", "BeforeTool", "AfterTool"})
# The session is over (or about to be compacted): queue its transcript for `repomind reflect`.
# SessionEnd has ~1.5 s: enqueue only, no work.
END_EVENTS = frozenset({"SessionEnd", "PreCompact", "PreCompress", "Stop"})


@dataclass(frozen=True, slots=True)
class Partner:
    path: str
    together: int
    commits: int


def main_context(stdin: Any = None) -> int:
    """Entry point for `repomind context`; always exits 0."""
    try:
        raw = (stdin or sys.stdin).read(1 << 20)
        output = respond(raw)
    except Exception:  # a hook must never break the agent
        return 0
    if output:
        sys.stdout.write(output + "\n")
    return 0


def respond(raw: str) -> str | None:
    """The JSON to print for one hook payload, or None to stay silent."""
    try:
        payload = json.loads(raw)
    except (json.JSONDecodeError, ValueError):
        return None
    if not isinstance(payload, dict):
        return None
    event = payload.get("hook_event_name") or payload.get("hookEventName")
    if not isinstance(event, str):
        return None
    from repomind.errors import RepomindError
    from repomind.layout import Layout, find_root
    from repomind.store import Store

    raw_cwd = payload.get("cwd")
    cwd = raw_cwd if isinstance(raw_cwd, str) else os.getcwd()
    if event in END_EVENTS:
        with contextlib.suppress(RepomindError, OSError):
            layout = Layout(find_root(Path(cwd)))
            enqueue_session(layout, event, payload)
            if event == "SessionEnd":
                reflect_in_background(layout)
        return None
    try:
        layout = Layout(find_root(Path(cwd)))
        store = Store.open(layout.index_db, readonly=True)
    except (RepomindError, OSError):
        return None  # no repository or no index yet: nothing to say
    memory = _Memory(layout, store)
    try:
        if event == "SessionStart":
            text = session_digest(memory)
        elif event in PROMPT_EVENTS:
            prompt = payload.get("prompt")
            text = prompt_context(memory, prompt) if isinstance(prompt, str) else None
        elif event in TOOL_EVENTS:
            text = edit_reminder(memory, payload)
        else:
            text = None
    finally:
        store.close()
    if not text:
        return None
    return json.dumps(
        {"hookSpecificOutput": {"hookEventName": event, "additionalContext": text[:MAX_CHARS]}},
        ensure_ascii=False,
    )


class _Memory:
    """The index facts a hook needs, each read at most once per call."""

    def __init__(self, layout: Any, store: Any) -> None:
        self.layout = layout
        self.store = store
        self._history: dict[str, tuple[int, int, int, int]] | None = None
        self._indexed: set[str] | None = None
        self._settings: Any = None

    @property
    def history(self) -> dict[str, tuple[int, int, int, int]]:
        if self._history is None:
            self._history = self.store.file_history()
        return self._history

    @property
    def indexed(self) -> set[str]:
        if self._indexed is None:
            self._indexed = set(self.store.indexed_paths())
        return self._indexed

    @property
    def settings(self) -> Any:
        if self._settings is None:
            from repomind.config import load_config

            self._settings = load_config(self.layout.config).memory
        return self._settings

    def strong_partners(self, path: str, limit: int) -> list[Partner]:
        """Co-change partners that clear memory's own bar (support and confidence)."""
        commits = self.history.get(path, (0, 0, 0, 0))[1]
        if not commits:
            return []
        out = []
        for other, together, _ in self.store.cochange_partners(path):
            if other not in self.indexed:
                continue
            if together >= self.settings.cochange_min_support and (
                together / commits >= self.settings.cochange_min_confidence
            ):
                out.append(Partner(other, together, commits))
            if len(out) == limit:
                break
        return out


def session_digest(memory: _Memory) -> str | None:
    """Pointers and the couplings of the files changed most recently."""
    history = memory.history
    recent = sorted((p for p in history if p in memory.indexed), key=lambda p: (-history[p][3], p))[
        :5
    ]
    lines = []
    for path in recent:
        for partner in memory.strong_partners(path, 1):
            lines.append(
                f"- `{path}` usually changes with `{partner.path}` "
                f"({partner.together} of {partner.commits} commits)"
            )
    text = ["repomind: this repository has a memory in `.repomind/memory/`."]
    if lines:
        text += ["Recently changed files and the files that change with them:", *lines]
    text.append(
        'Before a change, `repomind query "<task>"` lists the files it needs and '
        "`repomind related <file>` what usually changes with a file."
    )
    return "\n".join(text)


def prompt_context(memory: _Memory, prompt: str) -> str | None:
    """Files the prompt names (by path or as code) and their partners, and the lessons about
    them or about what the prompt asks to run; silent otherwise."""
    from repomind.retrieve.query import NAMED_FILE, named_in_text

    found: dict[str, list[str]] = {}
    for path, _share, reason in named_in_text(memory.store, prompt[:20000], memory.indexed):
        found.setdefault(path, []).append(reason)
    # Files named outright first, then those defining the most of what the prompt names.
    ranked = sorted(found.items(), key=lambda kv: (NAMED_FILE not in kv[1], -len(kv[1]), kv[0]))
    lines = []
    for path, reasons in ranked[:PROMPT_FILES]:
        what = ", ".join(r for r in reasons if r != NAMED_FILE)
        line = f"- `{path}`" + (f" ({what})" if what else "")
        partners = memory.strong_partners(path, PARTNERS)
        if partners:
            line += "; usually changes with " + ", ".join(
                f"`{p.path}` ({p.together} of {p.commits} commits)" for p in partners
            )
        lines.append(line)
    if lines and memory.layout.wiki.is_dir():
        from repomind.wiki.search import pointer_line

        pointer = pointer_line(memory.layout, [p for p, _ in ranked[:PROMPT_FILES]])
        lines += [pointer] if pointer else []
    lessons = relevant_lessons(memory.layout.root, {p for p, _ in ranked[:PROMPT_FILES]}, prompt)
    if not lines and not lessons:
        return None
    text = []
    if lines:
        text += ["repomind memory for the files this prompt concerns:", *lines]
    if lessons:
        text += ["Lessons from past sessions that apply here:", *(f"- {t}" for t in lessons)]
    return "\n".join(text)


_ASKS = {
    "test": r"\btests?\b|\bspecs?\b",
    "lint": r"\blint",
    "format": r"\bformat",
    "typecheck": r"\btype[- ]?check|\bmypy\b|\btypes\b",
    "build": r"\bbuild|\bcompile",
    "install": r"\binstall|\bdependenc",
}


# What a command is for, told from the command itself (cheap: no shell parsing on a hook).
_RUNS = {
    "test": r"test|spec|jest|vitest|mocha|rspec|phpunit|ctest",
    "lint": r"lint|ruff check|flake8|pylint|clippy|rubocop|golangci",
    "format": r"format|fmt|black|prettier",
    "typecheck": r"mypy|pyright|tsc|typecheck|type-check",
    "build": r"build|compile|make$|cargo b\b",
    "install": r"install|sync\b|restore\b",
}


def relevant_lessons(root: Path, files: set[str], prompt: str, limit: int = 3) -> list[str]:
    """Lessons citing one of `files`, or about running what the prompt asks to run."""
    import re

    from repomind.layout import Layout

    if not Layout(root).lessons.exists():
        return []  # most repositories: no import, no parse
    from repomind.reflect.verify import lessons_for_agents

    entries = lessons_for_agents(root, 50)
    asked = {kind for kind, pattern in _ASKS.items() if re.search(pattern, prompt, re.I)}
    out = []
    for entry in entries:
        purposes = {k for k, p in _RUNS.items() for c in entry.commands if re.search(p, c)}
        if entry.topic.startswith("command:"):
            purposes.add(entry.topic.split(":", 1)[1])
        if set(entry.files) & files or purposes & asked:
            out.append(" ".join(entry.text.split()))
        if len(out) == limit:
            break
    return out


def edit_reminder(memory: _Memory, payload: dict[str, Any]) -> str | None:
    """When a file with strong partners is edited and a partner has not been touched in this
    session: one line per partner, at most once per pair per session."""
    tool = payload.get("tool_name")
    tool_input = payload.get("tool_input")
    if tool not in EDIT_TOOLS or not isinstance(tool_input, dict):
        return None
    target = tool_input.get("file_path") or tool_input.get("path")
    if not isinstance(target, str):
        return None
    from repomind.errors import UsageError
    from repomind.layout import relative_path

    try:
        path = relative_path(memory.layout.root, target)
    except UsageError:
        return None
    session = str(payload.get("session_id") or "unknown")
    state = _SessionState.load(memory.layout, session)
    state.touched.add(path)
    lines = []
    for partner in memory.strong_partners(path, PARTNERS):
        pair = f"{path}\t{partner.path}"
        if partner.path in state.touched or pair in state.reminded:
            continue
        state.reminded.add(pair)
        lines.append(
            f"repomind: `{partner.path}` changed together with `{path}` in "
            f"{partner.together} of {partner.commits} commits; check whether it needs the "
            "same change."
        )
        if len(lines) == REMINDERS_PER_EDIT:
            break
    for text in relevant_lessons(memory.layout.root, {path}, "", limit=2):
        key = f"lesson\t{text}"
        if key not in state.reminded:
            state.reminded.add(key)
            lines.append(f"repomind lesson for `{path}`: {text}")
    state.save()
    return "\n".join(lines) or None


@dataclass(slots=True)
class _SessionState:
    """Per-session memory of files touched and reminders given (under .repomind/state/)."""

    path: Path
    touched: set[str]
    reminded: set[str]

    @classmethod
    def load(cls, layout: Any, session: str) -> _SessionState:
        safe = "".join(c for c in session if c.isalnum() or c in "-_")[:80] or "unknown"
        path = layout.state / "sessions" / f"{safe}.json"
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls(path, set(data.get("touched", [])), set(data.get("reminded", [])))
        except (OSError, ValueError, AttributeError):
            return cls(path, set(), set())

    def save(self) -> None:
        from repomind.fsutil import write_text_atomic

        data = {"touched": sorted(self.touched), "reminded": sorted(self.reminded)}
        write_text_atomic(self.path, json.dumps(data, indent=1) + "\n")


def reflect_in_background(layout: Any) -> None:
    """Start `repomind reflect` detached (the hook returns at once); its output goes to
    .repomind/state/reflect.log. Off when `reflect.on_session_end` is false."""
    import subprocess

    from repomind.config import load_config

    if not load_config(layout.config).reflect.on_session_end:
        return
    log = open(layout.state / "reflect.log", "ab")  # noqa: SIM115 - handed to the child
    try:
        subprocess.Popen(
            [sys.executable, "-m", "repomind", "reflect", "--quiet", "--repo", str(layout.root)],
            cwd=layout.root,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
    finally:
        log.close()


def enqueue_session(layout: Any, event: str, payload: dict[str, Any]) -> None:
    """Append the finished session's transcript to the reflection queue (one JSON line)."""
    transcript = payload.get("transcript_path")
    if not isinstance(transcript, str) or not transcript:
        return
    entry = {
        "event": event,
        "session_id": str(payload.get("session_id") or ""),
        "transcript_path": transcript,
    }
    layout.state.mkdir(parents=True, exist_ok=True)
    line = (json.dumps(entry, sort_keys=True) + "\n").encode("utf-8")
    fd = os.open(
        layout.state / "reflect-queue.jsonl", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644
    )
    try:
        os.write(fd, line)  # one small O_APPEND write: concurrent hooks never interleave
    finally:
        os.close(fd)
