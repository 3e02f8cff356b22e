"""A fake Anthropic Messages API on 127.0.0.1 for end-to-end tests with real clients.

Answers `POST /v1/messages` (streaming SSE or JSON) from a script of model turns, records every
request body, and answers anything else with an empty 200. The turn for a request is the
number of assistant messages it already carries, so retries and side requests never skew it;
requests without tools (titles, summaries) get a short text and consume nothing.

Beyond that script mode:
- `responder=`: a callable answering every request (`body -> Turn | str`), for tests whose
  replies depend on the request;
- usage like the real API's: input tokens counted by the server's own word-piece rule
  (`count_tokens`, deliberately not the client's estimator), `cache_creation_input_tokens` /
  `cache_read_input_tokens` when a request's `cache_control` prefix is new / seen before;
- `POST /v1/messages/count_tokens` with the same count;
- failure injection: `fail(status, retry_after=...)`, `delay(seconds)`, `malformed()`,
  `stream_error(kind)` queue faults that the next `POST /v1/messages` (or batch create)
  requests consume in order;
- the Message Batches endpoints the SDK uses: create, retrieve (`in_progress` for
  `batch_polls` retrievals, then `ended` with a `results_url`), and the JSONL results
  (`batch_errored` names custom ids whose result is an error).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import re
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Turn = list[dict[str, Any]]  # content blocks: {"type": "text"...} or {"type": "tool_use"...}
Responder = Callable[[dict[str, Any]], "Turn | str"]

# Documented extra input tokens the API adds when tools are present (tool-use system prompt).
TOOL_OVERHEAD = {"auto": 346, "none": 346, "any": 313, "tool": 313}
# Word pieces: lower-case runs (with one leading capital), capital runs, 3-digit groups, each
# punctuation mark; identifiers split at `_` and camelCase like a BPE vocabulary would.
_PIECE = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d{1,3}|[^\w\s]|[^\W\d_a-zA-Z]+")


def text(value: str) -> Turn:
    return [{"type": "text", "text": value}]


def tool_use(name: str, arguments: dict[str, Any]) -> Turn:
    return [
        {
            "type": "tool_use",
            "id": "toolu_" + uuid.uuid4().hex[:20],
            "name": name,
            "input": arguments,
        }
    ]


def count_text(value: str) -> int:
    """The server's token rule: one per word piece or punctuation mark, long pieces split."""
    total = 0
    for piece in _PIECE.findall(value):
        total += 1 + (len(piece) - 1) // 8 if piece[0].isalnum() else 1
    return total


def _strings(value: Any) -> list[str]:
    """Every string a request carries in its content (keys of tool inputs included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        out: list[str] = []
        for key, item in value.items():
            if key in ("type", "cache_control", "id", "tool_use_id"):
                continue
            if key == "input" and isinstance(item, dict):
                out.append(json.dumps(item))
                continue
            out.extend(_strings(item))
        return out
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def count_tokens(body: dict[str, Any]) -> int:
    """Input tokens of a Messages request, as this server bills them."""
    total = 3
    system = body.get("system")
    if system:
        total += 3 + sum(count_text(s) for s in _strings(system))
    for message in body.get("messages", []):
        total += 4 + sum(count_text(s) for s in _strings(message.get("content")))
    tools = body.get("tools") or []
    if tools:
        choice = (body.get("tool_choice") or {}).get("type", "auto")
        total += TOOL_OVERHEAD.get(choice, 346)
        total += sum(count_text(json.dumps(tool)) for tool in tools)
    return total


def _cache_prefix(body: dict[str, Any]) -> tuple[str, int] | None:
    """(hash, tokens) of the request prefix up to its last `cache_control` mark, if any."""
    parts: list[Any] = []
    mark: list[Any] | None = None
    for tool in body.get("tools") or []:
        parts.append(tool)
        if "cache_control" in tool:
            mark = list(parts)
    system = body.get("system")
    blocks = [{"type": "text", "text": system}] if isinstance(system, str) else system or []
    for block in blocks:
        parts.append(block)
        if isinstance(block, dict) and "cache_control" in block:
            mark = list(parts)
    for message in body.get("messages", []):
        content = message.get("content")
        for block in content if isinstance(content, list) else [content]:
            parts.append(block)
            if isinstance(block, dict) and "cache_control" in block:
                mark = list(parts)
    if mark is None:
        return None
    tokens = sum(count_text(s) for s in _strings(mark))
    digest = hashlib.sha256(json.dumps(mark, sort_keys=True).encode()).hexdigest()
    return digest, tokens


@dataclass(slots=True)
class Fault:
    """One injected failure: an HTTP error status, a slow answer, or a malformed body."""

    status: int = 0
    retry_after: float | None = None
    delay: float = 0.0
    malformed: bool = False
    stream_error: str = ""  # an SSE `error` event of this type after message_start


@dataclass(slots=True)
class FakeBatch:
    id: str
    requests: list[dict[str, Any]]
    created: float
    polls: int = 0
    results: list[dict[str, Any]] | None = None


class FakeMessages:
    def __init__(
        self,
        turns: list[Turn] | None = None,
        *,
        responder: Responder | None = None,
        cache_min_tokens: int = 1024,
        batch_polls: int = 1,
    ) -> None:
        self.turns = turns or []
        self.responder = responder
        self.cache_min_tokens = cache_min_tokens
        self.batch_polls = batch_polls
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []  # lower-cased headers of each message request
        self.batch_errored: set[str] = set()  # custom ids whose batch result is an error
        self.hits: list[tuple[str, str, int]] = []  # (method, path, status) of every request
        self.faults: list[Fault] = []
        self.batches: dict[str, FakeBatch] = {}
        self._cache: set[str] = set()
        self._lock = threading.Lock()
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeMessages:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def main_requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r for r in self.requests if r.get("tools")]

    def message_hits(self) -> int:
        """How many `POST /v1/messages` requests arrived (faulted and delayed ones included)."""
        with self._lock:
            return len(self.requests)

    def fail(self, status: int, retry_after: float | None = None, times: int = 1) -> None:
        """The next `times` message requests answer `status` (with `retry-after` if given)."""
        with self._lock:
            self.faults.extend(Fault(status=status, retry_after=retry_after) for _ in range(times))

    def delay(self, seconds: float, times: int = 1) -> None:
        """The next `times` message requests are answered only after `seconds`."""
        with self._lock:
            self.faults.extend(Fault(delay=seconds) for _ in range(times))

    def stream_error(self, kind: str = "overloaded_error", times: int = 1) -> None:
        """The next `times` streamed message requests break off with an `error` event."""
        with self._lock:
            self.faults.extend(Fault(stream_error=kind) for _ in range(times))

    def malformed(self, times: int = 1) -> None:
        """The next `times` message requests get a 200 whose body is not a Message."""
        with self._lock:
            self.faults.extend(Fault(malformed=True) for _ in range(times))

    def reply_for(self, body: dict[str, Any]) -> Turn:
        if self.responder is not None:
            reply = self.responder(body)
            return text(reply) if isinstance(reply, str) else reply
        if not body.get("tools"):
            return text("OK.")
        done = sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")
        return self.turns[done] if done < len(self.turns) else text("Done.")

    def usage_for(self, body: dict[str, Any], blocks: Turn) -> dict[str, int]:
        total = count_tokens(body)
        read = write = 0
        prefix = _cache_prefix(body)
        if prefix is not None and prefix[1] >= self.cache_min_tokens:
            digest, tokens = prefix
            with self._lock:
                if digest in self._cache:
                    read = tokens
                else:
                    write = tokens
                    self._cache.add(digest)
        output = sum(count_text(s) for s in _strings(blocks)) + 1
        return {
            "input_tokens": max(total - read - write, 0),
            "output_tokens": output,
            "cache_read_input_tokens": read,
            "cache_creation_input_tokens": write,
        }

    def message(self, body: dict[str, Any]) -> dict[str, Any]:
        blocks = self.reply_for(body)
        return _message(body, blocks, self.usage_for(body, blocks))

    def _next_fault(self) -> Fault | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else None

    def _batch_json(self, batch: FakeBatch) -> dict[str, Any]:
        ended = batch.polls > self.batch_polls
        n = len(batch.requests)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(batch.created))
        later = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(batch.created + 86400))
        return {
            "id": batch.id,
            "type": "message_batch",
            "processing_status": "ended" if ended else "in_progress",
            "request_counts": {
                "processing": 0 if ended else n,
                "succeeded": n if ended else 0,
                "errored": 0,
                "canceled": 0,
                "expired": 0,
            },
            "created_at": stamp,
            "expires_at": later,
            "ended_at": stamp if ended else None,
            "archived_at": None,
            "cancel_initiated_at": None,
            "results_url": f"{self.url}/v1/messages/batches/{batch.id}/results" if ended else None,
        }

    def _batch_results(self, batch: FakeBatch) -> bytes:
        if batch.results is None:
            error = {
                "type": "errored",
                "error": {"type": "error", "error": {"type": "api_error", "message": "fake"}},
            }
            batch.results = [
                {
                    "custom_id": item["custom_id"],
                    "result": error
                    if item["custom_id"] in self.batch_errored
                    else {"type": "succeeded", "message": self.message(item["params"])},
                }
                for item in batch.requests
            ]
        return b"".join(json.dumps(r).encode() + b"\n" for r in batch.results)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def handle(self) -> None:
                # the client may give up first (timeout tests): nothing left to answer
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    super().handle()

            def _hit(self, path: str, status: int) -> None:
                with fake._lock:
                    fake.hits.append((self.command, path, status))

            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                match = re.fullmatch(r"/v1/messages/batches/([\w-]+)(/results)?", path)
                batch = fake.batches.get(match.group(1)) if match else None
                if match is None or batch is None:
                    self._hit(path, 200)
                    self._json({})
                    return
                self._hit(path, 200)
                if match.group(2):
                    self._send(200, "application/binary", fake._batch_results(batch))
                    return
                with fake._lock:
                    batch.polls += 1
                self._json(fake._batch_json(batch))

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {}
                path = self.path.split("?")[0]
                if path.endswith("/count_tokens"):
                    self._hit(path, 200)
                    self._json({"input_tokens": count_tokens(body)})
                    return
                if path not in ("/v1/messages", "/v1/messages/batches"):
                    self._hit(path, 200)
                    self._json({})
                    return
                if path == "/v1/messages":
                    with fake._lock:
                        fake.requests.append(body)
                        fake.headers.append({k.lower(): v for k, v in self.headers.items()})
                fault = fake._next_fault()
                if fault is not None and self._fault(path, fault):
                    return
                self._hit(path, 200)
                if path == "/v1/messages/batches":
                    batch = FakeBatch(
                        id="msgbatch_" + uuid.uuid4().hex[:20],
                        requests=list(body.get("requests") or []),
                        created=time.time(),
                    )
                    with fake._lock:
                        fake.batches[batch.id] = batch
                    self._json(fake._batch_json(batch))
                    return
                blocks = fake.reply_for(body)
                message = _message(body, blocks, fake.usage_for(body, blocks))
                if body.get("stream"):
                    self._stream(message)
                else:
                    self._json(message)

            def _fault(self, path: str, fault: Fault) -> bool:
                """Answer with the fault; False when it only delays the normal answer."""
                if fault.delay:
                    time.sleep(fault.delay)
                if fault.stream_error:
                    self._hit(path, 200)
                    message = _message({}, [], {"input_tokens": 1, "output_tokens": 1})
                    self.send_response(200)
                    self.send_header("content-type", "text/event-stream")
                    self.end_headers()
                    error = {"type": "error", "error": {"type": fault.stream_error, "message": "x"}}
                    for event, data in (
                        ("message_start", {"type": "message_start", "message": message}),
                        ("error", error),
                    ):
                        self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())
                    return True
                if fault.malformed:
                    self._hit(path, 200)
                    self._send(200, "application/json", b'{"type": "message", "content": 7}')
                    return True
                if not fault.status:
                    return False
                self._hit(path, fault.status)
                kind = {
                    429: "rate_limit_error",
                    529: "overloaded_error",
                    400: "invalid_request_error",
                    401: "authentication_error",
                }.get(fault.status, "api_error")
                error = {"type": "error", "error": {"type": kind, "message": f"fake {kind}"}}
                headers = {}
                if fault.retry_after is not None:
                    headers["retry-after"] = str(math.ceil(fault.retry_after))
                    headers["retry-after-ms"] = str(int(fault.retry_after * 1000))
                self._send(fault.status, "application/json", json.dumps(error).encode(), headers)
                return True

            def _send(
                self,
                status: int,
                content_type: str,
                payload: bytes,
                headers: dict[str, str] | None = None,
            ) -> None:
                self.send_response(status)
                self.send_header("content-type", content_type)
                self.send_header("content-length", str(len(payload)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(payload)

            def _json(self, data: dict[str, Any]) -> None:
                self._send(200, "application/json", json.dumps(data).encode())

            def _stream(self, message: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.end_headers()
                blocks = message["content"]
                usage = message["usage"]
                start = dict(message, content=[], stop_reason=None, usage=dict(usage))
                start["usage"]["output_tokens"] = 1

                def send(event: str, data: dict[str, Any]) -> None:
                    self.wfile.write(f"event: {event}\ndata: {json.dumps(data)}\n\n".encode())

                send("message_start", {"type": "message_start", "message": start})
                for i, block in enumerate(blocks):
                    if block["type"] == "text":
                        send(
                            "content_block_start",
                            {
                                "type": "content_block_start",
                                "index": i,
                                "content_block": {"type": "text", "text": ""},
                            },
                        )
                        delta = {"type": "text_delta", "text": block["text"]}
                    else:
                        opening = {
                            "type": "tool_use",
                            "id": block["id"],
                            "name": block["name"],
                            "input": {},
                        }
                        send(
                            "content_block_start",
                            {"type": "content_block_start", "index": i, "content_block": opening},
                        )
                        delta = {
                            "type": "input_json_delta",
                            "partial_json": json.dumps(block["input"]),
                        }
                    send(
                        "content_block_delta",
                        {"type": "content_block_delta", "index": i, "delta": delta},
                    )
                    send("content_block_stop", {"type": "content_block_stop", "index": i})
                send(
                    "message_delta",
                    {
                        "type": "message_delta",
                        "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                        "usage": {"output_tokens": usage["output_tokens"]},
                    },
                )
                send("message_stop", {"type": "message_stop"})
                self.wfile.flush()

        return Handler


def _message(
    body: dict[str, Any], blocks: Turn, usage: dict[str, int] | None = None
) -> dict[str, Any]:
    return {
        "id": "msg_" + uuid.uuid4().hex[:20],
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "claude-fake"),
        "content": blocks,
        "stop_reason": "tool_use" if blocks and blocks[-1]["type"] == "tool_use" else "end_turn",
        "stop_sequence": None,
        "usage": usage
        or {
            "input_tokens": 100,
            "output_tokens": 10,
            "cache_read_input_tokens": 0,
            "cache_creation_input_tokens": 0,
        },
    }
