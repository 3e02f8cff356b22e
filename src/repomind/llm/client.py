"""The one way repomind talks to Claude: redaction, size cap, response cache, budget, retries.

Every call goes through `LLM.call` (or `batches.submit_batch`), in this order:
1. every outgoing string is redacted (`repomind.redact.redact_data`);
2. the estimated input must fit `llm.max_request_tokens` (else RequestTooLarge, nothing sent);
3. the response cache (`.repomind/cache/llm/<sha256>.json`) answers repeats for free;
4. the worst-case cost is reserved against the day and month budgets (else BudgetExceeded);
5. the request goes out with prompt caching on the shared prefix (the system prompt), a
   timeout and bounded retries (429 / 5xx / timeouts, `retry-after` honoured), streamed when
   asked or when the answer may be long;
6. tokens and cost are appended to `.repomind/state/spend.jsonl`, the answer to the cache.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from repomind.layout import Layout
from repomind.llm import spend
from repomind.llm.cache import cache_key, load_entry, store_entry
from repomind.llm.errors import BudgetExceeded, LLMError, RequestTooLarge
from repomind.llm.pricing import cost_usd
from repomind.llm.tokens import estimate_request

if TYPE_CHECKING:
    from repomind.config import Config, LLMSettings

__all__ = [
    "LLM",
    "BudgetExceeded",
    "LLMError",
    "Reply",
    "RequestTooLarge",
    "Usage",
    "llm_configured",
    "open_llm",
]

STREAM_ABOVE_TOKENS = 4096  # longer answers are streamed (the SDK refuses long non-streamed ones)
PLACEHOLDER_KEY = "repomind-no-key"  # a local model server behind base_url needs no real key
ESTIMATE_MARGIN = 1.2  # the budget check allows the offline token estimate to be 20% low
MAX_RETRY_WAIT_TOTAL = 60.0  # seconds of retry waits a call may add to its attempts' timeouts
BACKOFF_ENV = "REPOMIND_LLM_BACKOFF_SECONDS"  # first retry delay without retry-after (tests)
_RETRY_STATUSES = (408, 409, 429)
_RETRY_ERROR_TYPES = ("overloaded_error", "api_error", "rate_limit_error", "timeout_error")
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0


@dataclass(frozen=True, slots=True)
class Reply:
    blocks: tuple[dict[str, Any], ...]  # {"type":"text","text":..} / {"type":"tool_use",..}
    stop_reason: str
    usage: Usage
    cost_usd: float
    cached: bool  # True: served from repomind's response cache, no API call, cost 0

    def text(self) -> str:
        """The reply's text blocks, joined."""
        return "".join(b.get("text", "") for b in self.blocks if b.get("type") == "text")

    def tool_inputs(self, name: str) -> list[dict[str, Any]]:
        """The inputs of every `name` tool call in the reply, in order."""
        return [
            b.get("input") or {}
            for b in self.blocks
            if b.get("type") == "tool_use" and b.get("name") == name
        ]


@dataclass(frozen=True, slots=True)
class PreparedRequest:
    """A request after redaction, sized and keyed: what is sent and what is cached."""

    system: str | list[dict[str, Any]]
    messages: list[dict[str, Any]]
    tools: list[dict[str, Any]] | None
    tool_choice: dict[str, Any] | None
    max_tokens: int
    estimate: int
    key: str


@dataclass(frozen=True, slots=True)
class _Credentials:
    api_key: str | None
    auth_token: str | None
    base_url: str | None


def _credentials(config: Config, environ: Mapping[str, str] | None) -> _Credentials:
    env = os.environ if environ is None else environ
    base_url = config.llm.base_url or env.get("ANTHROPIC_BASE_URL") or None
    return _Credentials(
        api_key=env.get("ANTHROPIC_API_KEY") or None,
        auth_token=env.get("ANTHROPIC_AUTH_TOKEN") or None,
        base_url=base_url,
    )


def llm_configured(config: Config, environ: Mapping[str, str] | None = None) -> bool:
    """A key, token or base_url is set and both budgets allow some spend."""
    creds = _credentials(config, environ)
    if not (creds.api_key or creds.auth_token or creds.base_url):
        return False
    return config.llm.budget_usd_day > 0 and config.llm.budget_usd_month > 0


def open_llm(
    layout: Layout, config: Config, environ: Mapping[str, str] | None = None
) -> LLM | None:
    """The LLM for this repository, or None when no key / base_url is set (offline mode)."""
    if not llm_configured(config, environ):
        return None
    env = os.environ if environ is None else environ
    creds = _credentials(config, environ)
    backoff = 1.0
    raw = env.get(BACKOFF_ENV)
    if raw:
        with contextlib.suppress(ValueError):
            backoff = max(0.0, float(raw))
    return LLM(
        layout,
        config.llm,
        api_key=creds.api_key,
        auth_token=creds.auth_token,
        base_url=creds.base_url,
        backoff_seconds=backoff,
    )


class LLM:
    """Claude for one repository: settings, credentials, cache and spend log."""

    def __init__(
        self,
        layout: Layout,
        settings: LLMSettings,
        *,
        api_key: str | None = None,
        auth_token: str | None = None,
        base_url: str | None = None,
        backoff_seconds: float = 1.0,
    ) -> None:
        self.layout = layout
        self.settings = settings
        self.model: str = settings.model
        self.base_url = base_url
        self.backoff_seconds = backoff_seconds
        self._api_key = api_key
        self._auth_token = auth_token
        self._client: Any = None

    # -- estimates (offline) ------------------------------------------------------------

    def estimate_tokens(
        self,
        *,
        system: str | list[dict[str, Any]],
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
    ) -> int:
        """Input tokens the request would be billed for, estimated without any API call."""
        return estimate_request(system, messages, tools)

    def estimate_cost(self, input_tokens: int, output_tokens: int, *, batch: bool = False) -> float:
        """USD for that many plain input and output tokens at this model's prices."""
        return cost_usd(self.model, input_tokens, output_tokens, batch=batch)

    def worst_case_cost(self, request: PreparedRequest, *, batch: bool = False) -> float:
        """What the budget check reserves: every input token a cache write, the estimate
        allowed to be 20% low, and all of max_tokens answered."""
        input_tokens = math.ceil(request.estimate * ESTIMATE_MARGIN)
        return cost_usd(
            self.model, 0, request.max_tokens, cache_write_tokens=input_tokens, batch=batch
        )

    # -- the pipeline ---------------------------------------------------------------------

    def prepare(
        self,
        *,
        system: str | list[dict[str, Any]],
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        purpose: str = "request",
    ) -> PreparedRequest:
        """Redact, size-check (RequestTooLarge) and key a request; nothing is sent."""
        from repomind.redact import redact_data

        system = redact_data(system)
        messages = redact_data(messages)
        tools = redact_data(tools) if tools else None
        limit = max_tokens if max_tokens else self.settings.max_output_tokens
        estimate = estimate_request(system, messages, tools)
        if estimate > self.settings.max_request_tokens:
            raise RequestTooLarge(
                f"{purpose}: the request has ~{estimate:,} input tokens, over "
                f"llm.max_request_tokens ({self.settings.max_request_tokens:,}); nothing was sent"
            )
        key = cache_key(self.model, system, messages, tools, tool_choice, limit)
        return PreparedRequest(system, messages, tools, tool_choice, limit, estimate, key)

    def lookup(
        self,
        *,
        system: str | list[dict[str, Any]],
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: dict[str, Any] | None = None,
        max_tokens: int | None = None,
    ) -> Reply | None:
        """The cached reply `call` would return for these arguments, or None (no API call)."""
        request = self.prepare(
            system=system,
            messages=messages,
            tools=tools,
            tool_choice=tool_choice,
            max_tokens=max_tokens,
        )
        return self._cached(request.key)

    def call(
        self,
        *,
        purpose: str,
        system: str | list[dict[str, Any]],
        messages: list[dict[str, Any]],
        tools: list[dict[str, Any]] | None = None,
        tool_choice: dict[str, Any] | None = None,
        max_tokens: int | None = None,
        stream: bool | None = None,
    ) -> Reply:
        """One Messages call (see the module docstring for what happens around it)."""
        request = self.prepare(
            system=system,
            messages=messages,
            tools=tools,
            tool_choice=tool_choice,
            max_tokens=max_tokens,
            purpose=purpose,
        )
        hit = self._cached(request.key)
        if hit is not None:
            return hit
        attempts = self.settings.max_retries + 1
        hold = self._timeout() * attempts + MAX_RETRY_WAIT_TOTAL + 60
        reservation = spend.reserve(
            self.layout,
            self.worst_case_cost(request),
            budget_day=self.settings.budget_usd_day,
            budget_month=self.settings.budget_usd_month,
            purpose=purpose,
            hold_seconds=hold,
            what=f"{purpose} call",
        )
        try:
            streamed = stream if stream is not None else request.max_tokens > STREAM_ABOVE_TOKENS
            message = self._send(self.request_params(request), streamed)
            reply = self.reply_from_message(message)
        except BaseException:
            spend.release(self.layout, reservation)
            raise
        self.record(purpose, [reply], reservation=reservation)
        self.store(request.key, reply)
        return reply

    # -- pieces shared with batches -----------------------------------------------------------

    def request_params(self, request: PreparedRequest) -> dict[str, Any]:
        """Messages API parameters, with the shared prefix (system prompt) marked for caching."""
        params: dict[str, Any] = {
            "model": self.model,
            "max_tokens": request.max_tokens,
            "system": _mark_cached_prefix(request.system),
            "messages": request.messages,
        }
        if request.tools:
            params["tools"] = request.tools
        if request.tool_choice:
            params["tool_choice"] = request.tool_choice
        if not params["system"]:
            del params["system"]
        return params

    def reply_from_message(self, message: Any, *, batch: bool = False) -> Reply:
        """An SDK Message as a Reply with its cost; LLMError when it is not a proper message."""
        try:
            blocks = tuple(_block_dict(block) for block in message.content)
            raw = message.usage
            usage = Usage(
                input_tokens=int(raw.input_tokens or 0),
                output_tokens=int(raw.output_tokens or 0),
                cache_read_tokens=int(getattr(raw, "cache_read_input_tokens", 0) or 0),
                cache_write_tokens=int(getattr(raw, "cache_creation_input_tokens", 0) or 0),
            )
            stop_reason = str(message.stop_reason or "")
        except (AttributeError, TypeError, ValueError, KeyError) as exc:
            raise LLMError(f"the Messages API answered with a malformed message ({exc})") from None
        cost = cost_usd(
            self.model,
            usage.input_tokens,
            usage.output_tokens,
            usage.cache_read_tokens,
            usage.cache_write_tokens,
            batch=batch,
        )
        return Reply(blocks, stop_reason, usage, round(cost, 8), cached=False)

    def record(
        self,
        purpose: str,
        replies: list[Reply],
        *,
        batch: bool = False,
        reservation: str | None = None,
    ) -> None:
        """Append one spend-log line per reply (the reservation, if any, is settled by them)."""
        now = spend.timestamp()
        entries = [
            {
                "kind": "call",
                "time": now,
                "purpose": purpose,
                "model": self.model,
                "input_tokens": r.usage.input_tokens,
                "output_tokens": r.usage.output_tokens,
                "cache_read_tokens": r.usage.cache_read_tokens,
                "cache_write_tokens": r.usage.cache_write_tokens,
                "cost_usd": r.cost_usd,
                "batch": batch,
                "reservation": reservation,
            }
            for r in replies
        ]
        if reservation is not None and not entries:
            entries.append({"kind": "release", "id": reservation, "time": now})
        spend.append_entries(self.layout, entries)

    def store(self, key: str, reply: Reply) -> None:
        store_entry(
            self.layout,
            key,
            {
                "model": self.model,
                "blocks": list(reply.blocks),
                "stop_reason": reply.stop_reason,
                "usage": {
                    "input_tokens": reply.usage.input_tokens,
                    "output_tokens": reply.usage.output_tokens,
                    "cache_read_tokens": reply.usage.cache_read_tokens,
                    "cache_write_tokens": reply.usage.cache_write_tokens,
                },
            },
        )

    def _cached(self, key: str) -> Reply | None:
        entry = load_entry(self.layout, key)
        if entry is None:
            return None
        usage = entry["usage"]
        try:
            return Reply(
                blocks=tuple(dict(b) for b in entry["blocks"]),
                stop_reason=str(entry.get("stop_reason") or ""),
                usage=Usage(
                    int(usage.get("input_tokens", 0)),
                    int(usage.get("output_tokens", 0)),
                    int(usage.get("cache_read_tokens", 0)),
                    int(usage.get("cache_write_tokens", 0)),
                ),
                cost_usd=0.0,
                cached=True,
            )
        except (TypeError, ValueError):
            return None

    # -- transport ------------------------------------------------------------------------

    def _timeout(self) -> float:
        return float(self.settings.timeout_seconds) or 60.0

    def sdk(self) -> Any:
        """The anthropic client (SDK retries off: `_send` retries within a time bound)."""
        if self._client is None:
            import anthropic

            api_key = self._api_key
            if api_key is None and self._auth_token is None:
                api_key = PLACEHOLDER_KEY
            self._client = anthropic.Anthropic(
                api_key=api_key,
                auth_token=None if api_key else self._auth_token,
                base_url=self.base_url or "https://api.anthropic.com",
                max_retries=0,
                timeout=self._timeout(),
            )
        return self._client

    def _send(self, params: dict[str, Any], streamed: bool) -> Any:
        """The API's Message for `params` (streamed or not), with bounded retries."""
        client = self.sdk()

        def attempt(timeout: float) -> Any:
            if streamed:
                with client.messages.stream(**params, timeout=timeout) as events:
                    return events.get_final_message()
            return client.messages.create(**params, timeout=timeout)

        return self.with_retries(attempt)

    def with_retries(self, attempt: Callable[[float], T]) -> T:
        """`attempt(timeout)`, retried on 408/409/429/5xx, timeouts and connection failures.

        Total time is bounded by (max_retries + 1) x timeout plus at most a minute of waits;
        a `retry-after` beyond that bound ends the call instead of sleeping through it.
        Every failure becomes an LLMError with a one-line reason.
        """
        import anthropic

        timeout = self._timeout()
        attempts = self.settings.max_retries + 1
        deadline = time.monotonic() + timeout * attempts + MAX_RETRY_WAIT_TOTAL
        problem = "no attempt made"
        for number in range(attempts):
            remaining = deadline - time.monotonic()
            wait: float | None = None
            try:
                return attempt(min(timeout, max(remaining, 0.1)))
            except anthropic.APIStatusError as exc:
                status = exc.status_code
                if not _retryable(exc):
                    raise LLMError(
                        f"the Messages API refused the request (HTTP {status}): {_detail(exc)}"
                    ) from None
                problem = f"HTTP {status} ({_detail(exc)})"
                if status < 400:
                    problem = f"stream interrupted ({_detail(exc)})"
                wait = _retry_after(exc.response.headers)
            except anthropic.APITimeoutError:
                problem = f"no answer within {timeout:g}s"
            except anthropic.APIConnectionError as exc:
                problem = f"connection failed ({exc})"
            except anthropic.AnthropicError as exc:
                raise LLMError(f"the Messages API answered badly: {exc}") from None
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise LLMError(f"the Messages API answered with a malformed body: {exc}") from None
            if number == attempts - 1:
                break
            if wait is None:
                wait = self.backoff_seconds * (2**number) * (1 - 0.25 * random.random())
            if time.monotonic() + wait > deadline:
                raise LLMError(
                    f"Claude API: {problem}; it asks to retry in {wait:.0f}s, beyond this call's "
                    "time bound; try again later"
                )
            time.sleep(wait)
        where = self.base_url or "api.anthropic.com"
        raise LLMError(f"Claude API ({where}): {problem}, {attempts} attempt(s); try again later")


def _mark_cached_prefix(system: str | list[dict[str, Any]]) -> list[dict[str, Any]] | str:
    """The system prompt as blocks, the last one marked `cache_control: ephemeral` (the shared
    prefix of a run's requests), unless the caller already placed its own breakpoint."""
    if isinstance(system, str):
        if not system:
            return ""
        return [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}]
    blocks = [dict(block) for block in system]
    if blocks and not any("cache_control" in block for block in blocks):
        blocks[-1]["cache_control"] = {"type": "ephemeral"}
    return blocks


def _block_dict(block: Any) -> dict[str, Any]:
    kind = block.type
    if kind == "text":
        return {"type": "text", "text": str(block.text)}
    if kind == "tool_use":
        if not isinstance(block.input, dict):
            raise TypeError("tool_use input is not an object")
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    data = block.model_dump(mode="json", exclude_none=True)
    if not isinstance(data, dict):
        raise TypeError(f"content block {kind!r} is not an object")
    return data


def _retryable(exc: Any) -> bool:
    """429, 408, 409 and 5xx are worth another try; so is an overload reported mid-stream
    (an `error` event after a 200, which the SDK raises with the 200 status)."""
    status = exc.status_code
    if status < 400:
        body = getattr(exc, "body", None)
        error = body.get("error") if isinstance(body, dict) else None
        kind = error.get("type") if isinstance(error, dict) else None
        return kind in _RETRY_ERROR_TYPES
    return status in _RETRY_STATUSES or status >= 500


def _retry_after(headers: Any) -> float | None:
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        raw = headers.get(name) if headers is not None else None
        if raw is None:
            continue
        try:
            value = float(raw) * scale
        except ValueError:
            continue
        if value >= 0:
            return value
    return None


def _detail(exc: Any) -> str:
    body = getattr(exc, "body", None)
    if isinstance(body, dict):
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])[:200]
    return str(getattr(exc, "message", exc))[:200]
