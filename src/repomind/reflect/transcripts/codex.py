"""Codex CLI rollouts (`$CODEX_HOME/sessions/YYYY/MM/DD/rollout-*.jsonl`) → `Session`.

Only `session_meta` and `response_item` lines matter; `event_msg`, `turn_context` and the other
bookkeeping lines repeat the same items or carry none. Developer/system messages and the
`<environment_context>`-style blocks Codex injects as user messages are dropped.
"""

from __future__ import annotations

import json
import re
import shlex
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

AGENT = "codex"

_SHELL_TOOLS = frozenset(
    {"exec_command", "shell", "shell_command", "container.exec", "local_shell"}
)
# User-role text Codex writes itself, not the user.
_INJECTED_PREFIXES = (
    "<environment_context>",
    "<user_instructions>",
    "<permissions instructions>",
    "<skills_instructions>",
    "<turn_aborted>",
    "# AGENTS.md instructions",
)
_PATCH_FILE = re.compile(r"^\*\*\* (?:Update|Add|Delete) File: (.+?)\s*$", re.MULTILINE)
_PATCH_MOVE = re.compile(r"^\*\*\* Move to: (.+?)\s*$", re.MULTILINE)


def looks_like(record: dict[str, Any]) -> bool:
    """Whether a rollout line is Codex's."""
    return record.get("type") in ("session_meta", "response_item") and "payload" in record


def session_cwd(record: dict[str, Any]) -> str | None:
    """The working directory a `session_meta` line records, if this is one."""
    payload = record.get("payload")
    if record.get("type") != "session_meta" or not isinstance(payload, dict):
        return None
    return _text(payload.get("cwd")) or None


def parse(path: str | Path) -> Session:
    session_id = cwd = started = ""
    events: list[Event] = []
    kinds: dict[str, ToolKind] = {}
    for record in read_objects(path):
        payload = record.get("payload")
        if not isinstance(payload, dict):
            continue
        if record.get("type") == "session_meta":
            session_id = session_id or _text(payload.get("id"))
            cwd = cwd or _text(payload.get("cwd"))
            started = started or _text(payload.get("timestamp")) or _text(record.get("timestamp"))
            continue
        if record.get("type") != "response_item":
            continue
        started = started or _text(record.get("timestamp"))
        event = _item_event(payload, kinds)
        if event is not None:
            events.append(event)
    return Session(
        agent=AGENT,
        session_id=session_id or Path(path).stem,
        path=str(path),
        cwd=cwd,
        started=started,
        events=tuple(events),
    )


def _item_event(item: dict[str, Any], kinds: dict[str, ToolKind]) -> Event | None:
    kind = item.get("type")
    if kind == "message":
        return _message(item)
    if kind in ("function_call", "custom_tool_call", "local_shell_call"):
        call = _tool_call(item)
        if call is not None:
            kinds[call.id] = call.kind
        return call
    if kind in ("function_call_output", "custom_tool_call_output"):
        call_id = _text(item.get("call_id"))
        if not call_id:
            return None
        return _tool_result(call_id, item.get("output"), kinds.get(call_id))
    return None


def _message(item: dict[str, Any]) -> Event | None:
    role = item.get("role")
    content = item.get("content")
    blocks = content if isinstance(content, list) else [{"text": content}]
    text = "\n".join(
        _text(b.get("text")) for b in blocks if isinstance(b, dict) and _text(b.get("text"))
    ).strip()
    if not text:
        return None
    if role == "assistant":
        return AssistantMessage(text)
    if role == "user":
        return None if text.startswith(_INJECTED_PREFIXES) else UserMessage(text)
    return None  # developer / system instructions


def _tool_call(item: dict[str, Any]) -> ToolCall | None:
    call_id = _text(item.get("call_id")) or _text(item.get("id"))
    if item.get("type") == "local_shell_call":
        name, arguments = "local_shell", item.get("action")
    elif item.get("type") == "custom_tool_call":
        name, arguments = _text(item.get("name")), item.get("input")
    else:
        name, arguments = _text(item.get("name")), item.get("arguments")
    if not call_id or not name:
        return None
    tool_input = _arguments(arguments)
    if name in _SHELL_TOOLS:
        command = _command(tool_input.get("cmd") or tool_input.get("command"))
        return ToolCall(call_id, name, tool_input, "shell", command or None)
    if name == "apply_patch":
        patch = _text(tool_input.get("input") or tool_input.get("patch") or tool_input.get("raw"))
        return ToolCall(call_id, name, tool_input, "edit", None, _patched_files(patch))
    return ToolCall(call_id, name, tool_input, "other")


def _arguments(arguments: Any) -> dict[str, Any]:
    """A call's arguments: a JSON string for function calls, free text for custom tools."""
    if isinstance(arguments, dict):
        return arguments
    if not isinstance(arguments, str):
        return {}
    try:
        value = json.loads(arguments)
    except (ValueError, RecursionError):
        return {"raw": arguments}
    return value if isinstance(value, dict) else {"raw": arguments}


def _command(value: Any) -> str:
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, list) and all(isinstance(p, str) for p in value):
        # ["bash", "-lc", "make test"] ran `make test`; anything else is shown as typed.
        if len(value) == 3 and value[1] in ("-c", "-lc"):
            return value[2].strip()
        return shlex.join(value)
    return ""


def _patched_files(patch: str) -> tuple[str, ...]:
    paths = _PATCH_FILE.findall(patch) + _PATCH_MOVE.findall(patch)
    return tuple(dict.fromkeys(paths))


def _tool_result(call_id: str, output: Any, kind: ToolKind | None) -> ToolResult:
    text, exit_code, success = _output_parts(output)
    if exit_code is None:
        exit_code = exit_code_in(text)
    if success is None:
        success = exit_code in (None, 0)
    return ToolResult(call_id, success, cap_output(text), exit_code)


def _output_parts(output: Any) -> tuple[str, int | None, bool | None]:
    """(text, exit code, success) from the several shapes Codex versions have written."""
    if isinstance(output, str):
        try:
            decoded = json.loads(output)
        except (ValueError, RecursionError):
            return output, None, None
        if not isinstance(decoded, dict):
            return output, None, None
        output = decoded
    if not isinstance(output, dict):
        return "", None, None
    text = output.get("output", output.get("content", ""))
    if not isinstance(text, str):
        text = json.dumps(text, default=str)
    metadata = output.get("metadata")
    exit_code = metadata.get("exit_code") if isinstance(metadata, dict) else None
    success = output.get("success")
    return (
        text,
        exit_code if isinstance(exit_code, int) and not isinstance(exit_code, bool) else None,
        success if isinstance(success, bool) else None,
    )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
