"""Claude Code transcripts (`~/.claude/projects/<encoded cwd>/<session>.jsonl`) → `Session`.

One content block per line; the lines of one API response share `message.id` (older versions
repeated blocks, so blocks are deduplicated by message id and block). Sidechain lines belong to
subagents and stay out of the main stream. Unknown line types and fields are ignored.
"""

from __future__ import annotations

import json
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
    exit_code_in,
)
from repomind.reflect.transcripts.jsonl import read_objects

AGENT = "claude_code"

_KINDS: dict[str, ToolKind] = {
    "Bash": "shell",
    "Edit": "edit",
    "MultiEdit": "edit",
    "NotebookEdit": "edit",
    "Write": "write",
    "Read": "read",
}
# User lines the CLI writes itself: slash commands, their output, caveats, reminders.
_META_PREFIXES = (
    "<local-command-",
    "<command-name>",
    "<command-message>",
    "<command-args>",
    "<system-reminder>",
    "Caveat:",
)


def looks_like(record: dict[str, Any]) -> bool:
    """Whether a transcript line is Claude Code's."""
    return "sessionId" in record or record.get("type") in ("queue-operation", "mode")


def parse(path: str | Path) -> Session:
    session_id = cwd = started = ""
    events: list[Event] = []
    seen: set[tuple[str, str]] = set()
    kinds: dict[str, ToolKind] = {}
    for record in read_objects(path):
        session_id = session_id or _text(record.get("sessionId"))
        if record.get("isSidechain") is True:
            continue
        kind = record.get("type")
        if kind not in ("user", "assistant"):
            continue
        cwd = cwd or _text(record.get("cwd"))
        started = started or _text(record.get("timestamp"))
        message = record.get("message")
        if not isinstance(message, dict):
            continue
        if kind == "assistant":
            events.extend(_assistant_events(message, seen, kinds))
        else:
            events.extend(_user_events(record, message, seen, kinds))
    return Session(
        agent=AGENT,
        session_id=session_id or Path(path).stem,
        path=str(path),
        cwd=cwd,
        started=started,
        events=tuple(events),
    )


def _assistant_events(
    message: dict[str, Any], seen: set[tuple[str, str]], kinds: dict[str, ToolKind]
) -> list[Event]:
    message_id = _text(message.get("id"))
    events: list[Event] = []
    for block in _blocks(message.get("content")):
        key = (message_id, _block_key(block))
        if message_id and key in seen:
            continue
        seen.add(key)
        if block.get("type") == "text":
            text = _text(block.get("text")).strip()
            if text:
                events.append(AssistantMessage(text))
        elif block.get("type") == "tool_use":
            call = _tool_call(block)
            if call is not None:
                kinds[call.id] = call.kind
                events.append(call)
    return events


def _user_events(
    record: dict[str, Any],
    message: dict[str, Any],
    seen: set[tuple[str, str]],
    kinds: dict[str, ToolKind],
) -> list[Event]:
    is_meta = bool(record.get("isMeta") or record.get("isCompactSummary"))
    content = message.get("content")
    if isinstance(content, str):
        return _user_text(content, is_meta)
    events: list[Event] = []
    for block in _blocks(content):
        if block.get("type") == "text":
            events.extend(_user_text(_text(block.get("text")), is_meta))
        elif block.get("type") == "tool_result":
            call_id = _text(block.get("tool_use_id"))
            if not call_id or ("result", call_id) in seen:
                continue
            seen.add(("result", call_id))
            events.append(_tool_result(call_id, block, kinds.get(call_id)))
    return events


def _user_text(text: str, is_meta: bool) -> list[Event]:
    text = text.strip()
    if not text:
        return []
    return [UserMessage(text, is_meta or text.startswith(_META_PREFIXES))]


def _tool_call(block: dict[str, Any]) -> ToolCall | None:
    call_id = _text(block.get("id"))
    name = _text(block.get("name"))
    if not call_id or not name:
        return None
    raw_input = block.get("input")
    tool_input = raw_input if isinstance(raw_input, dict) else {}
    kind = _KINDS.get(name, "other")
    command = (_text(tool_input.get("command")) or None) if kind == "shell" else None
    path = _text(tool_input.get("file_path") or tool_input.get("notebook_path"))
    paths = (path,) if path and kind != "other" else ()
    return ToolCall(call_id, name, tool_input, kind, command, paths)


def _tool_result(call_id: str, block: dict[str, Any], kind: ToolKind | None) -> ToolResult:
    output = _result_text(block.get("content"))
    failed = block.get("is_error") is True
    exit_code = exit_code_in(output)
    if exit_code is None and kind == "shell" and not failed:
        exit_code = 0  # Claude Code reports only failures' exit codes
    ok = not failed and exit_code in (None, 0)
    return ToolResult(call_id, ok, cap_output(output), exit_code)


def _result_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for block in _blocks(content):
        if block.get("type") == "text":
            parts.append(_text(block.get("text")))
    return "\n".join(parts)


def _blocks(content: Any) -> list[dict[str, Any]]:
    if isinstance(content, str):
        return [{"type": "text", "text": content}]
    if isinstance(content, list):
        return [b for b in content if isinstance(b, dict)]
    return []


def _block_key(block: dict[str, Any]) -> str:
    block_id = block.get("id")
    if isinstance(block_id, str) and block_id:
        return block_id
    return json.dumps(block, sort_keys=True, default=str)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
