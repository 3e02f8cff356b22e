"""A fake Anthropic Messages API on 127.0.0.1 for end-to-end tests with real clients.

Answers `POST /v1/messages` (streaming SSE or JSON) from a script of model turns, records every
request body, and answers anything else with an empty 200. The turn for a request is the
number of assistant messages it already carries, so retries and side requests never skew it;
requests without tools (titles, summaries) get a short text and consume nothing.
"""

from __future__ import annotations

import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Turn = list[dict[str, Any]]  # content blocks: {"type": "text"...} or {"type": "tool_use"...}


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


class FakeMessages:
    def __init__(self, turns: list[Turn]) -> None:
        self.turns = turns
        self.requests: list[dict[str, Any]] = []
        self._lock = threading.Lock()
        handler = self._handler()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
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

    def reply_for(self, body: dict[str, Any]) -> Turn:
        if not body.get("tools"):
            return text("OK.")
        done = sum(1 for m in body.get("messages", []) if m.get("role") == "assistant")
        return self.turns[done] if done < len(self.turns) else text("Done.")

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                self._json({})

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                try:
                    body = json.loads(raw or b"{}")
                except json.JSONDecodeError:
                    body = {}
                path = self.path.split("?")[0]
                if path.endswith("/count_tokens"):
                    self._json({"input_tokens": 100})
                    return
                if path != "/v1/messages":
                    self._json({})
                    return
                with fake._lock:
                    fake.requests.append(body)
                blocks = fake.reply_for(body)
                if body.get("stream"):
                    self._stream(body, blocks)
                else:
                    self._json(_message(body, blocks))

            def _json(self, data: dict[str, Any]) -> None:
                payload = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _stream(self, body: dict[str, Any], blocks: Turn) -> None:
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.send_header("cache-control", "no-cache")
                self.end_headers()
                message = _message(body, blocks)
                start = dict(message, content=[], stop_reason=None)

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
                        "usage": {"output_tokens": 10},
                    },
                )
                send("message_stop", {"type": "message_stop"})
                self.wfile.flush()

        return Handler


def _message(body: dict[str, Any], blocks: Turn) -> dict[str, Any]:
    return {
        "id": "msg_" + uuid.uuid4().hex[:20],
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "claude-fake"),
        "content": blocks,
        "stop_reason": "tool_use" if blocks and blocks[-1]["type"] == "tool_use" else "end_turn",
        "stop_sequence": None,
        "usage": {
            "input_tokens": 100,
            "output_tokens": 10,
            "cache_read_input_tokens": 0,
            "cache_creation_input_tokens": 0,
        },
    }
