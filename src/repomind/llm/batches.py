"""Message Batches (half price, answered within 24 h): submit now, collect on a later run.

Pending batches live in `.repomind/state/batches.json` with the cache key of each request, so
collected answers land in the response cache and the `LLM.call` that would have asked the same
question later is a free cache hit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from repomind.fsutil import write_text_atomic
from repomind.layout import Layout
from repomind.llm import spend
from repomind.llm.client import LLM, Reply
from repomind.llm.errors import LLMError

BATCH_HOLD_SECONDS = 25 * 3600  # a batch's budget reservation outlives its 24 h processing window
_PARAM_KEYS = ("system", "messages", "tools", "tool_choice", "max_tokens")


@dataclass(frozen=True, slots=True)
class PendingBatch:
    batch_id: str
    purpose: str
    model: str
    submitted_at: str
    custom_ids: tuple[str, ...]


def _path(layout: Layout) -> Any:
    return layout.state / "batches.json"


@contextmanager
def _locked(layout: Layout) -> Iterator[dict[str, dict[str, Any]]]:
    """The pending-batch records, saved back when the block ends without error."""
    from filelock import FileLock, Timeout

    layout.state.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(layout.state / "batches.lock"))
    try:
        lock.acquire(timeout=spend.LOCK_WAIT_SECONDS)
    except Timeout:
        raise LLMError("batches.json is locked by another repomind process; try again") from None
    try:
        records = _read(layout)
        before = json.dumps(records, sort_keys=True)
        yield records
        after = json.dumps(records, sort_keys=True, indent=1)
        if json.dumps(records, sort_keys=True) != before:
            write_text_atomic(_path(layout), after + "\n")
    finally:
        lock.release()


def _read(layout: Layout) -> dict[str, dict[str, Any]]:
    try:
        data = json.loads(_path(layout).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(v, dict)}


def pending_batches(layout: Layout) -> list[PendingBatch]:
    """Batches submitted from this repository and not collected yet, oldest first."""
    out = [
        PendingBatch(
            batch_id=batch_id,
            purpose=str(record.get("purpose", "")),
            model=str(record.get("model", "")),
            submitted_at=str(record.get("submitted_at", "")),
            custom_ids=tuple(sorted(record.get("keys") or {})),
        )
        for batch_id, record in _read(layout).items()
    ]
    return sorted(out, key=lambda b: (b.submitted_at, b.batch_id))


def submit_batch(llm: LLM, purpose: str, requests: list[tuple[str, dict[str, Any]]]) -> str:
    """Submit `(custom_id, params)` requests (params as for `LLM.call`); returns the batch id.

    Each request is redacted and size-checked like a call; the whole batch's worst case at
    batch prices is reserved against the budgets first (BudgetExceeded: nothing is sent).
    """
    if not requests:
        raise ValueError("submit_batch needs at least one request")
    ids = [custom_id for custom_id, _ in requests]
    if len(set(ids)) != len(ids):
        raise ValueError("submit_batch: custom ids must be unique")
    prepared = []
    for custom_id, params in requests:
        unknown = set(params) - set(_PARAM_KEYS) - {"stream"}
        if unknown:
            raise ValueError(f"submit_batch: unknown parameters {sorted(unknown)}")
        request = llm.prepare(
            purpose=f"{purpose} {custom_id}",
            system=params.get("system") or "",
            messages=list(params.get("messages") or []),
            tools=params.get("tools"),
            tool_choice=params.get("tool_choice"),
            max_tokens=params.get("max_tokens"),
        )
        prepared.append((custom_id, request))
    cost = sum(llm.worst_case_cost(request, batch=True) for _, request in prepared)
    reservation = spend.reserve(
        llm.layout,
        cost,
        budget_day=llm.settings.budget_usd_day,
        budget_month=llm.settings.budget_usd_month,
        purpose=purpose,
        hold_seconds=BATCH_HOLD_SECONDS,
        what=f"{purpose} batch of {len(prepared)} requests",
    )
    body = [
        {"custom_id": custom_id, "params": llm.request_params(request)}
        for custom_id, request in prepared
    ]
    client = llm.sdk()
    try:
        batch = llm.with_retries(
            lambda timeout: client.messages.batches.create(requests=body, timeout=timeout)
        )
        batch_id = str(batch.id)
    except BaseException:
        spend.release(llm.layout, reservation)
        raise
    with _locked(llm.layout) as records:
        records[batch_id] = {
            "purpose": purpose,
            "model": llm.model,
            "submitted_at": spend.timestamp(),
            "reservation": reservation,
            "keys": {custom_id: request.key for custom_id, request in prepared},
        }
    return batch_id


def collect_batch(llm: LLM, batch_id: str) -> dict[str, Reply] | None:
    """The batch's replies by custom id once it has ended, else None (still processing).

    Spend is logged at batch prices, each reply is cached under the key `LLM.call` would use,
    and the batch leaves the pending list. Requests that errored or expired are left out.
    """
    client = llm.sdk()
    batch = llm.with_retries(
        lambda timeout: client.messages.batches.retrieve(batch_id, timeout=timeout)
    )
    if batch.processing_status != "ended":
        return None
    with _locked(llm.layout) as records:
        record = records.get(batch_id)
        if record is None:
            raise LLMError(f"batch {batch_id} is not pending in this repository")
        results = llm.with_retries(
            lambda timeout: list(client.messages.batches.results(batch_id, timeout=timeout))
        )
        replies: dict[str, Reply] = {}
        for item in results:
            result: Any = getattr(item, "result", None)
            if getattr(result, "type", None) != "succeeded":
                continue
            try:
                replies[str(item.custom_id)] = llm.reply_from_message(result.message, batch=True)
            except LLMError:
                continue
        purpose = str(record.get("purpose", "batch"))
        reservation = record.get("reservation")
        llm.record(purpose, list(replies.values()), batch=True, reservation=reservation)
        keys = record.get("keys") or {}
        for custom_id, reply in replies.items():
            if isinstance(keys.get(custom_id), str):
                llm.store(keys[custom_id], reply)
        del records[batch_id]
    return replies
