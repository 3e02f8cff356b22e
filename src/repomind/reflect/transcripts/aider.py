"""Aider chat history (`.aider.chat.history.md` in the repo root) → one `Session` per run of aider.

The file is appended to by `aider/io.py`: `# aider chat started at YYYY-MM-DD HH:MM:SS` opens each
run; `#### ` lines are what the user typed (`user_input`); `> ` lines are aider's own messages
and questions (`tool_output`, `tool_error`, `confirm_ask`; a multi-line message prefixes only its
first line); everything else is the model's reply (`ai_output`). Aider never writes a command's
output or exit status there, so outcomes come from what it does write:
- `/test`: a failing run adds its output to the chat ("Added N lines of output to the chat."),
  a passing one writes nothing (since v0.64; v0.54-0.63 logged the failing output itself).
- `/run` and `!`: aider pre-fills "What's wrong? Fix" only after a failing command whose output
  was added; without that the outcome is unknown.
- auto-test after edits: "Attempt to fix test errors?" marks a failure; with `--auto-test` and
  `--test-cmd` on the logged command line, edits without it mean the tests passed.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from repomind.reflect.session import (
    AssistantMessage,
    Event,
    Session,
    ToolCall,
    ToolKind,
    ToolResult,
    UserMessage,
    cap_output,
)

AGENT = "aider"
HISTORY_FILE = ".aider.chat.history.md"

_STARTED = re.compile(r"^# aider chat started at (\d{4})-(\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)\s*$")
_VERSION = re.compile(r"^Aider v(\d+)\.(\d+)")
_OUTPUT_ADDED = re.compile(r"^Added \d+ lines? of output to the chat\.?$")
_APPLIED = re.compile(r"^Applied edit to (.+)$")
_ADDED_FILE = re.compile(r"^Added (.+?) to (?:the chat(?: \(read-only\))?|read-only files)\.?$")
_COMMIT = re.compile(r"^Commit ([0-9a-f]{7,40}) (.*)$")
_UNDONE = re.compile(r"^Removed: ([0-9a-f]{7,40}) (.*)$")
_RUNNING = re.compile(r"^Running (.+)$")
_CREATE = re.compile(r"^Create new file\? .*\]: y")
_MENTION_ADDED = re.compile(r"^Add file to the chat\? .*\]: [ya]")
_TEST_FIX = re.compile(r"^Attempt to fix test errors\? .*\]: ")
_LINT_FIX = re.compile(r"^Attempt to fix lint errors\? .*\]: y")
_QUESTION = re.compile(r"\(Y\)es/\(N\)o.*\]: ?\S*$")  # confirm_ask answers, also as user_input
_FENCE = re.compile(r"^(`{3,}|~{3,})")
_RUN_FAILED_PLACEHOLDER = "What's wrong? Fix"
# Slash commands whose argument is a message to the model.
_MODE_COMMANDS = ("/ask", "/code", "/architect", "/context")
_HEAD_BYTES = 4096


def looks_like(path: str | Path) -> bool:
    """Whether a file is an Aider chat history (by name, or a run header near its start)."""
    if Path(path).name == HISTORY_FILE:
        return True
    try:
        with open(path, "rb") as handle:
            head = handle.read(_HEAD_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return False
    return any(_STARTED.match(line) for line in head.splitlines())


def parse_all(path: str | Path) -> list[Session]:
    """Every run of aider the file records, oldest first; [] if it cannot be read."""
    try:
        text = Path(path).read_bytes().decode("utf-8", errors="replace")
    except OSError:
        return []
    lines = text.splitlines()
    # Every line aider writes ends in two spaces (a markdown line break) unless someone's editor
    # stripped them; only then may a "#### " line without them be the user's.
    stripped = not any(line.endswith("  ") for line in lines if line.startswith(("> ", "####")))
    cwd = _parent(path)
    sessions: list[Session] = []
    used: set[str] = set()
    for match, body in _sections(lines):
        started = "{}-{}-{}T{}:{}:{}".format(*match.groups())
        session_id = "aider-" + "".join(match.groups()[:3]) + "T" + "".join(match.groups()[3:])
        unique, n = session_id, 1
        while unique in used:  # two runs in one second
            n += 1
            unique = f"{session_id}-{n}"
        used.add(unique)
        events = _Reader(stripped).read(body)
        sessions.append(Session(AGENT, unique, str(path), cwd, started, tuple(events)))
    return sessions


def parse(path: str | Path) -> Session | None:
    """The file's latest run, for callers that take one session per file."""
    sessions = parse_all(path)
    return sessions[-1] if sessions else None


def _sections(lines: list[str]) -> list[tuple[re.Match[str], list[str]]]:
    sections: list[tuple[re.Match[str], list[str]]] = []
    for line in lines:
        match = _STARTED.match(line)
        if match:
            sections.append((match, []))
        elif sections:
            sections[-1][1].append(line)
    return sections


@dataclass(slots=True)
class _Pending:
    """A user-typed /test or /run whose outcome shows in what follows it."""

    call: ToolCall
    lines: list[str] = field(default_factory=list)


@dataclass(slots=True)
class _Reader:
    stripped: bool
    events: list[Event] = field(default_factory=list)
    calls: int = 0
    version: tuple[int, int] | None = None
    test_cmd: str | None = None
    auto_test: bool = False
    pending: _Pending | None = None
    edited: bool = False  # edits applied since the last model reply, not yet tested
    created: set[str] = field(default_factory=set)
    previous_tool_line: str = ""

    def read(self, body: list[str]) -> list[Event]:
        for kind, text in _blocks(body, self.stripped):
            if kind == "user":
                self._settle_edits()
                self._user(text)
            elif kind == "tool":
                self._tool(text)
            else:
                self._settle_edits()
                self._settle_pending(None)  # a failing /test's output went to the model
                self.events.append(AssistantMessage(text))
        self._settle_edits()
        self._settle_pending(None)
        return self.events

    # -- the user's turns

    def _user(self, text: str) -> None:
        self._settle_pending(text)
        if text == "<blank>":
            return
        if text.startswith(_MODE_COMMANDS):
            command, _, rest = text.partition(" ")
            if command in _MODE_COMMANDS and rest.strip():
                self.events.append(UserMessage(rest.strip()))
                return
        if not text.startswith(("/", "!")):
            self.events.append(UserMessage(text, bool(_QUESTION.search(text))))
            return
        self.events.append(UserMessage(text, True))
        name, _, rest = text.partition(" ")
        if text.startswith("!"):
            self._command("run", text[1:].strip() or None)
        elif name == "/run":
            self._command("run", rest.strip() or None)
        elif name == "/test":
            self._command("test", rest.strip() or self.test_cmd)

    def _command(self, name: str, command: str | None) -> None:
        call = self._call(name, "shell", {"command": command or ""}, command=command)
        self.pending = _Pending(call)

    def _settle_pending(self, next_prompt: str | None) -> None:
        pending, self.pending = self.pending, None
        if pending is None:
            return
        output = cap_output("\n".join(pending.lines))
        if pending.call.name == "run":
            if next_prompt is not None and next_prompt.startswith(_RUN_FAILED_PLACEHOLDER):
                self.events.append(ToolResult(pending.call.id, False, output, None))
            return
        if self.version is not None and self.version < (0, 54):
            return  # the output was logged whether or not the tests failed
        if self.version is not None and self.version < (0, 64):
            failed = bool(pending.lines)
        else:
            failed = any(_OUTPUT_ADDED.match(line) for line in pending.lines)
        self.events.append(ToolResult(pending.call.id, not failed, output, None if failed else 0))

    # -- aider's own lines

    def _tool(self, text: str) -> None:
        first = text.splitlines()[0] if text else ""
        if self.pending is not None and not _QUESTION.search(first):
            self.pending.lines.append(text)
        self._launch(first)
        if match := _APPLIED.match(first):
            path = match.group(1).strip()
            kind: ToolKind = "write" if path in self.created else "edit"
            self._call("apply_edit", kind, {"path": path}, paths=(path,))
            self.edited = True
        elif _CREATE.match(first):
            self.created.add(self.previous_tool_line.strip())
        elif _MENTION_ADDED.match(first) and self.previous_tool_line.strip():
            path = self.previous_tool_line.strip()
            self._call("add", "read", {"path": path}, paths=(path,))
        elif _LINT_FIX.match(first):
            self.edited = False  # the model fixes lint first; tests run after its next edits
        elif _TEST_FIX.match(first):
            call = self._call("test", "shell", {"auto": True}, command=self.test_cmd)
            self.events.append(ToolResult(call.id, False, "", None))
            self.edited = False
        elif first.startswith("Tokens: "):
            self._settle_edits()  # a new reply: whatever it edits is tested afresh
        elif (match := _ADDED_FILE.match(first)) and not _OUTPUT_ADDED.match(first):
            path = match.group(1).strip()
            self._call("add", "read", {"path": path}, paths=(path,))
        elif match := _COMMIT.match(first):
            self._call("commit", "other", {"hash": match.group(1), "message": match.group(2)})
        elif match := _UNDONE.match(first):
            self._call("undo", "other", {"hash": match.group(1), "message": match.group(2)})
        elif match := _RUNNING.match(first):
            command = match.group(1).strip()
            self._call("run", "shell", {"command": command}, command=command)
        self.previous_tool_line = text

    def _launch(self, line: str) -> None:
        """The version banner and the logged command line: which test command aider runs."""
        if match := _VERSION.match(line):
            self.version = (int(match.group(1)), int(match.group(2)))
            return
        if "aider" not in line:
            return
        try:
            words = shlex.split(line)
        except ValueError:
            return
        if not words or Path(words[0]).name not in ("aider", "aider.exe"):
            return
        for i, word in enumerate(words):
            if word == "--auto-test":
                self.auto_test = True
            elif word == "--no-auto-test":
                self.auto_test = False
            elif word == "--test-cmd" and i + 1 < len(words):
                self.test_cmd = words[i + 1]
            elif word.startswith("--test-cmd="):
                self.test_cmd = word.partition("=")[2]

    def _settle_edits(self) -> None:
        if self.edited and self.auto_test and self.test_cmd:
            call = self._call("test", "shell", {"auto": True}, command=self.test_cmd)
            self.events.append(ToolResult(call.id, True, "", 0))
        self.edited = False

    def _call(
        self,
        name: str,
        kind: ToolKind,
        tool_input: dict[str, Any],
        command: str | None = None,
        paths: tuple[str, ...] = (),
    ) -> ToolCall:
        self.calls += 1
        call = ToolCall(f"call-{self.calls}", name, tool_input, kind, command, paths)
        self.events.append(call)
        return call


def _blocks(body: list[str], stripped: bool) -> list[tuple[str, str]]:
    """("user" | "tool" | "assistant", text) in file order."""
    blocks: list[tuple[str, str]] = []
    reply: list[str] = []
    fence = ""
    previous = ""  # kind of the previous line: "", "blank", "user", "tool", "assistant"

    def flush_reply() -> None:
        text = "\n".join(reply).strip()
        if text:
            blocks.append(("assistant", text))
        reply.clear()

    for raw in body:
        line = raw.rstrip("\r")
        aider_line = line.startswith(("#### ", "> ")) or line in ("####", ">")
        ends_like_aider = line.endswith("  ") or stripped
        if fence and not (aider_line and ends_like_aider and previous == "blank"):
            reply.append(line)
            previous = "assistant" if line.strip() else "blank"
            if line.strip().startswith(fence[0] * len(fence)) and not line.strip().strip(fence[0]):
                fence = ""
            continue
        fence = ""
        if not line.strip():
            if previous == "assistant":
                reply.append("")
            previous = "blank"
        elif line.startswith("####") and line[4:5] in ("", " ") and ends_like_aider:
            flush_reply()
            text = line[5:].rstrip()
            if previous == "user":
                blocks[-1] = ("user", blocks[-1][1] + "\n" + text)
            else:
                blocks.append(("user", text))
            previous = "user"
        elif line.startswith(">") and line[1:2] in ("", " "):
            flush_reply()
            blocks.append(("tool", line[2:].strip()))
            previous = "tool"
        elif previous == "tool":  # a multi-line message: only its first line was quoted
            blocks[-1] = ("tool", blocks[-1][1] + "\n" + line.strip())
        else:
            reply.append(line)
            previous = "assistant"
            if match := _FENCE.match(line.strip()):
                fence = match.group(1)
    flush_reply()
    return blocks


def _parent(path: str | Path) -> str:
    try:
        return str(Path(path).resolve().parent)
    except (OSError, RuntimeError):
        return str(Path(path).parent)
