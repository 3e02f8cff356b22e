"""Gemini CLI chat recordings (`~/.gemini/tmp/<project>/chats/session-*.json[l]`) → `Session`.

Two formats, both read the way gemini-cli's own `loadConversationRecord` reads them:
- JSONL (current): a metadata line (`sessionId`, `projectHash`, `startTime`), then one line per
  message write. A message is re-appended whenever it changes (tokens, tool calls): the last
  write wins, its place is its first. `{"$rewindTo": id}` drops that message and all after it;
  `{"$set": {...}}` updates metadata, and when it carries `messages` they replace the lot.
- legacy JSON: one pretty-printed `ConversationRecord` holding `messages`.

Tool calls live in `toolCalls` of `gemini` messages, each with its `result` (function-response
parts) and `status`. The project folder is a sha256 of the project root (older versions) or a
short slug whose `.project_root` file names the root (newer versions, `projects.json` maps both).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
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
from repomind.reflect.transcripts.jsonl import read_objects

AGENT = "gemini"

_KINDS: dict[str, ToolKind] = {
    "run_shell_command": "shell",
    "replace": "edit",
    "edit": "edit",
    "write_file": "write",
    "read_file": "read",
    "read_many_files": "read",
}
_PATH_ARGS = ("file_path", "absolute_path", "path")  # read_file took absolute_path before 2025-10
_TERMINAL = frozenset({"success", "error", "cancelled"})
# User content the CLI itself treats as not typed at the model (sessionUtils.isIgnoredUserContent).
_META_PREFIXES = ("/", "?", "<session_context>", "<hook_context>")
_EXIT_CODE = re.compile(r"^Exit Code: (-?\d+|\(none\))\s*$", re.MULTILINE)
_SIGNAL = re.compile(r"^Signal: (\S+)\s*$", re.MULTILINE)
_UNTRUSTED = re.compile(r"\A\s*<untrusted_context>\n?(.*?)\n?</untrusted_context>\s*\Z", re.DOTALL)
_GLOB = re.compile(r"[*?\[{]")
_LEGACY_LIMIT = 64 * 1024 * 1024  # a legacy record is read whole; beyond this it is not a chat
PROJECT_ROOT_FILE = ".project_root"


def gemini_dir() -> Path:
    """The CLI's global folder: `$GEMINI_CLI_HOME/.gemini`, else `~/.gemini` (utils/paths.ts)."""
    configured = os.environ.get("GEMINI_CLI_HOME")
    home = Path(configured).expanduser() if configured else Path.home()
    return home / ".gemini"


def project_hash(root: str | Path) -> str:
    """The sha256 of the project root path: `projectHash`, and the legacy folder name."""
    return hashlib.sha256(str(root).encode("utf-8")).hexdigest()


def looks_like(record: dict[str, Any]) -> bool:
    """Whether a JSONL line is Gemini CLI's (the metadata line, or a rewind/metadata update)."""
    return ("projectHash" in record and "sessionId" in record) or (
        "$rewindTo" in record or isinstance(record.get("$set"), dict)
    )


def looks_like_legacy(path: str | Path) -> bool:
    """Whether a file is a legacy single-JSON conversation record."""
    return _legacy_record(path) is not None


def project_root_of(folder: Path) -> str:
    """The project root a `tmp/<project>` folder belongs to, or "" when nothing records it."""
    try:
        marker = (folder / PROJECT_ROOT_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        marker = ""
    if marker:
        return marker
    for root, slug in _registry(folder.parent.parent).items():
        if folder.name in (slug, project_hash(root)):
            return root
    return ""


def session_files(root: Path) -> list[Path]:
    """Main-session chat files of every project folder whose root is `root` or inside it."""
    tmp = gemini_dir() / "tmp"
    try:
        folders = sorted(p for p in tmp.iterdir() if p.is_dir())
    except OSError:
        return []
    found: list[Path] = []
    for folder in folders:
        # A subdirectory's sessions count too, when its folder records where it was.
        if folder.name == project_hash(root) or _inside(project_root_of(folder), root):
            found += _chat_files(folder / "chats")
    return found


def parse(path: str | Path) -> Session:
    record = _jsonl_record(path)
    if record is None:
        record = _legacy_record(path) or {}
    messages = record.get("messages")
    events = _events(messages if isinstance(messages, list) else [])
    return Session(
        agent=AGENT,
        session_id=_text(record.get("sessionId")) or Path(path).stem,
        path=str(path),
        cwd=project_root_of(Path(path).parent.parent),
        started=_text(record.get("startTime")) or _first_timestamp(messages),
        events=tuple(events),
    )


def _jsonl_record(path: str | Path) -> dict[str, Any] | None:
    """The conversation a JSONL file adds up to, or None if it has no metadata line."""
    metadata: dict[str, Any] = {}
    messages: dict[str, dict[str, Any]] = {}
    for line in read_objects(path):
        if isinstance(line.get("$rewindTo"), str):
            ids = list(messages)
            target = line["$rewindTo"]
            for dropped in ids[ids.index(target) :] if target in messages else ids:
                del messages[dropped]
        elif isinstance(line.get("id"), str):
            messages[line["id"]] = line
        elif isinstance(line.get("$set"), dict):
            update = line["$set"]
            if isinstance(update.get("messages"), list):
                messages = _by_id(update["messages"])
            metadata.update({k: v for k, v in update.items() if k != "messages"})
        elif isinstance(line.get("sessionId"), str) and isinstance(line.get("projectHash"), str):
            metadata.update({k: v for k, v in line.items() if k != "messages"})
            if isinstance(line.get("messages"), list):  # a whole legacy record on one line
                messages.update(_by_id(line["messages"]))
    if not metadata.get("sessionId") or not metadata.get("projectHash"):
        return None
    return {**metadata, "messages": list(messages.values())}


def _legacy_record(path: str | Path) -> dict[str, Any] | None:
    try:
        with open(path, "rb") as handle:
            raw = handle.read(_LEGACY_LIMIT + 1)
    except OSError:
        return None
    if len(raw) > _LEGACY_LIMIT or not raw.lstrip().startswith(b"{"):
        return None
    try:
        value = json.loads(raw.decode("utf-8", errors="replace"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict) or "sessionId" not in value:
        return None
    if not isinstance(value.get("messages"), list):
        return None
    return value


def _by_id(messages: list[Any]) -> dict[str, dict[str, Any]]:
    return {m["id"]: m for m in messages if isinstance(m, dict) and isinstance(m.get("id"), str)}


def _events(messages: list[Any]) -> list[Event]:
    # Newer versions also record tool responses as synthetic user messages of functionResponse
    # parts; they stand in for a call record that has no result of its own.
    responses = {
        _text(r.get("id")): r
        for m in messages
        if isinstance(m, dict) and m.get("type") == "user"
        for r in _function_responses(m.get("content"))
    }
    events: list[Event] = []
    seen: set[str] = set()
    for message in messages:
        if not isinstance(message, dict):
            continue
        if message.get("type") == "user":
            events.extend(_user_events(message))
        elif message.get("type") == "gemini":
            events.extend(_gemini_events(message, responses, seen))
    return events


def _user_events(message: dict[str, Any]) -> list[Event]:
    # displayContent is what was typed when content differs (e.g. @file expanded into text).
    shown = message.get("displayContent")
    text = _parts_text(shown if shown is not None else message.get("content")).strip()
    if not text:
        return []
    return [UserMessage(text, text.startswith(_META_PREFIXES))]


def _gemini_events(
    message: dict[str, Any], responses: dict[str, dict[str, Any]], seen: set[str]
) -> list[Event]:
    events: list[Event] = []
    text = _parts_text(message.get("content")).strip()
    if text:
        events.append(AssistantMessage(text))
    records = [c for c in message.get("toolCalls") or [] if isinstance(c, dict)]
    known = {_text(c.get("id")) for c in records}
    # Turns rebuilt from history (after /compress) keep their calls only as functionCall parts.
    for part in _parts(message.get("content")):
        call = part.get("functionCall")
        if isinstance(call, dict) and _text(call.get("id")) not in known:
            records.append({k: call.get(k) for k in ("id", "name", "args")})
    for record in records:
        call = _tool_call(record)
        if call is None or call.id in seen:
            continue
        seen.add(call.id)
        events.append(call)
        result = _tool_result(call, record, responses.get(call.id))
        if result is not None:
            events.append(result)
    return events


def _tool_call(record: dict[str, Any]) -> ToolCall | None:
    call_id = _text(record.get("id"))
    name = _text(record.get("name"))
    if not call_id or not name:
        return None
    raw_args = record.get("args")
    args = raw_args if isinstance(raw_args, dict) else {}
    kind = _KINDS.get(name, "other")
    command = (_text(args.get("command")).strip() or None) if kind == "shell" else None
    return ToolCall(call_id, name, args, kind, command, _paths(name, kind, args))


def _paths(name: str, kind: ToolKind, args: dict[str, Any]) -> tuple[str, ...]:
    if kind in ("shell", "other"):
        return ()
    if name == "read_many_files":
        listed = args.get("include", args.get("paths"))
        items = listed if isinstance(listed, list) else []
        # Glob patterns name no file; literal paths do.
        return tuple(dict.fromkeys(p for p in items if isinstance(p, str) and not _GLOB.search(p)))
    path = next((_text(args.get(k)) for k in _PATH_ARGS if _text(args.get(k))), "")
    return (path,) if path else ()


def _tool_result(
    call: ToolCall, record: dict[str, Any], response: dict[str, Any] | None
) -> ToolResult | None:
    status = _text(record.get("status"))
    result = record.get("result")
    parts = _function_responses(result) if result else ([response] if response else [])
    if status not in _TERMINAL and not parts and not result:
        return None  # never finished (scheduled, awaiting approval, cut short)
    output, errored = _response_text(parts, result)
    if not output and isinstance(record.get("resultDisplay"), str):
        output = record["resultDisplay"]
    ok = status != "error" and status != "cancelled" and not errored
    exit_code = None
    if call.kind == "shell":
        exit_code, ended_ok = _shell_outcome(output)
        if exit_code is None and ok and ended_ok and output.startswith(("Output:", "Command:")):
            exit_code = 0  # since 2026 a zero exit code is left out of the summary
        ok = ok and ended_ok and exit_code in (None, 0)
    return ToolResult(call.id, ok, cap_output(output), exit_code)


def _response_text(parts: list[dict[str, Any]], result: Any) -> tuple[str, bool]:
    """(text of a call's response, whether it reports an error)."""
    texts: list[str] = []
    errored = False
    for part in parts:
        body = part.get("response")
        if isinstance(body, dict):
            if "error" in body:
                errored = True
                texts.append(_any_text(body["error"]))
            elif "output" in body:
                texts.append(_any_text(body["output"]))
        elif body is not None:
            texts.append(_any_text(body))
    if not parts:
        texts.append(_parts_text(result))
    text = "\n".join(t for t in texts if t)
    match = _UNTRUSTED.match(text)
    return (match.group(1) if match else text), errored


def _shell_outcome(output: str) -> tuple[int | None, bool]:
    """(exit code, whether it ended normally) from run_shell_command's summary lines."""
    codes = _EXIT_CODE.findall(output)
    signals = [s for s in _SIGNAL.findall(output) if s != "(none)"]
    code = codes[-1] if codes else None  # the summary follows the output, so the last one
    exit_code = int(code) if code is not None and code != "(none)" else None
    cancelled = output.startswith("Command was cancelled") or "exceeded the timeout" in output
    return exit_code, not signals and not cancelled and code != "(none)"


def _function_responses(content: Any) -> list[dict[str, Any]]:
    found = []
    for part in _parts(content):
        response = part.get("functionResponse")
        if isinstance(response, dict):
            found.append(response)
    return found


def _parts(content: Any) -> list[dict[str, Any]]:
    """A PartListUnion as parts: a string, one part, or a list of both."""
    items = content if isinstance(content, list) else [content]
    parts = []
    for item in items:
        if isinstance(item, str):
            parts.append({"text": item})
        elif isinstance(item, dict):
            parts.append(item)
    return parts


def _parts_text(content: Any) -> str:
    return "".join(_text(p.get("text")) for p in _parts(content) if p.get("thought") is not True)


def _any_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, default=str, sort_keys=True)


def _first_timestamp(messages: Any) -> str:
    for message in messages if isinstance(messages, list) else []:
        if isinstance(message, dict) and _text(message.get("timestamp")):
            return message["timestamp"]
    return ""


def _registry(base: Path) -> dict[str, str]:
    """`projects.json`: project root → folder slug (newer versions)."""
    try:
        data = json.loads((base / "projects.json").read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return {}
    projects = data.get("projects") if isinstance(data, dict) else None
    if not isinstance(projects, dict):
        return {}
    return {k: v for k, v in projects.items() if isinstance(k, str) and isinstance(v, str)}


def _chat_files(chats: Path) -> list[Path]:
    # Only the folder's own session files: subagents record under chats/<parent id>/.
    try:
        files = [p for p in chats.glob("session-*.json*") if p.is_file()]
    except OSError:
        return []
    names = {p.name for p in files}
    return sorted(
        p
        for p in files
        if p.suffix == ".jsonl" or (p.suffix == ".json" and p.name + "l" not in names)
    )  # a resumed legacy .json was migrated to a .jsonl beside it, which holds it all


def _inside(path: str, root: Path) -> bool:
    if not path:
        return False
    try:
        return Path(path).resolve().is_relative_to(root)
    except (OSError, ValueError, RuntimeError):
        return False


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""
