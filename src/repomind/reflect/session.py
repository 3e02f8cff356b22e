"""The normalized session model every transcript parser produces, plus derived views of it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal

ToolKind = Literal["shell", "edit", "write", "read", "other"]

OUTPUT_CAP = 4000  # characters of a tool result kept; lessons quote lines, not whole logs

# Only where agents put it: at the start of a header line of a result, never deep in the output.
_EXIT_CODE = re.compile(
    r"^(?:Error: )?(?:Exit code:?|Process exited with code) (-?\d+)\b", re.MULTILINE
)


@dataclass(frozen=True, slots=True)
class UserMessage:
    text: str
    is_meta: bool = False  # injected by the agent (caveats, slash commands, summaries), not typed


@dataclass(frozen=True, slots=True)
class AssistantMessage:
    text: str


@dataclass(frozen=True, slots=True)
class ToolCall:
    id: str
    name: str
    input: dict[str, Any]
    kind: ToolKind
    command: str | None = None  # shell calls
    file_paths: tuple[str, ...] = ()  # files the call reads, edits or writes

    @property
    def file_path(self) -> str | None:
        return self.file_paths[0] if self.file_paths else None


@dataclass(frozen=True, slots=True)
class ToolResult:
    call_id: str
    ok: bool
    output: str
    exit_code: int | None = None


Event = UserMessage | AssistantMessage | ToolCall | ToolResult


@dataclass(frozen=True, slots=True)
class CommandRun:
    command: str
    ok: bool | None  # None: no result recorded (session cut short)
    exit_code: int | None


@dataclass(frozen=True, slots=True)
class Session:
    agent: str  # "claude_code" | "codex"
    session_id: str
    path: str  # the transcript file
    cwd: str
    started: str  # ISO timestamp of the first line that has one, "" when unknown
    events: tuple[Event, ...] = field(default=())

    def tool_calls(self) -> list[ToolCall]:
        return [e for e in self.events if isinstance(e, ToolCall)]

    def result_of(self, call_id: str) -> ToolResult | None:
        for event in self.events:
            if isinstance(event, ToolResult) and event.call_id == call_id:
                return event
        return None

    def commands(self) -> list[CommandRun]:
        """Shell commands in the order they ran, each with its outcome."""
        results = {e.call_id: e for e in self.events if isinstance(e, ToolResult)}
        runs = []
        for call in self.tool_calls():
            if call.kind != "shell" or call.command is None:
                continue
            result = results.get(call.id)
            runs.append(
                CommandRun(
                    call.command,
                    None if result is None else result.ok,
                    None if result is None else result.exit_code,
                )
            )
        return runs

    def files_edited(self) -> list[str]:
        """Files edited or written, in order of first touch, without repeats."""
        return _unique(
            p for c in self.tool_calls() if c.kind in ("edit", "write") for p in c.file_paths
        )

    def files_read(self) -> list[str]:
        return _unique(p for c in self.tool_calls() if c.kind == "read" for p in c.file_paths)

    def user_prompts(self) -> list[str]:
        """What the user typed, in order (agent-injected meta messages left out)."""
        return [e.text for e in self.events if isinstance(e, UserMessage) and not e.is_meta]


def _unique(items) -> list[str]:
    return list(dict.fromkeys(items))


def cap_output(text: str) -> str:
    if len(text) <= OUTPUT_CAP:
        return text
    half = OUTPUT_CAP // 2
    return f"{text[:half]}\n…[{len(text) - OUTPUT_CAP} characters cut]…\n{text[-half:]}"


def exit_code_in(text: str) -> int | None:
    """The exit code a tool result reports in its text ("Exit code 2", "exited with code 0")."""
    header = "\n".join(text.splitlines()[:5])
    match = _EXIT_CODE.search(header)
    return int(match.group(1)) if match else None
