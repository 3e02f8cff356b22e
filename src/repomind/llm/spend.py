"""The spend log `.repomind/state/spend.jsonl`: every call's tokens and cost, budgets, summary.

One JSON object per line, appended under a file lock (watch, hooks and manual runs share it):
- `{"kind": "call", ...}`: a finished call (tokens, cost, purpose, model, batch flag);
- `{"kind": "reserve", ...}` / `{"kind": "release", ...}`: a call's worst-case cost is reserved
  before it is sent and released when it ends, so concurrent processes cannot overspend together.
Days and months are UTC. A line that does not parse is skipped.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from repomind.layout import Layout
from repomind.llm.errors import BudgetExceeded, LLMError

LOCK_WAIT_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class SpendSummary:
    today_usd: float
    month_usd: float
    calls_today: int
    calls_month: int
    input_tokens_month: int
    output_tokens_month: int
    cached_tokens_month: int


def spend_log(layout: Layout) -> Path:
    return layout.state / "spend.jsonl"


def _utc(now: dt.datetime | None) -> dt.datetime:
    if now is None:
        return dt.datetime.now(dt.UTC)
    return now.replace(tzinfo=dt.UTC) if now.tzinfo is None else now.astimezone(dt.UTC)


def timestamp(now: dt.datetime | None = None) -> str:
    return _utc(now).strftime("%Y-%m-%dT%H:%M:%SZ")


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return _utc(dt.datetime.fromisoformat(value))
    except ValueError:
        return None


@contextmanager
def spend_lock(layout: Layout) -> Iterator[None]:
    """Hold the spend log's lock (check-and-reserve must be atomic across processes)."""
    from filelock import FileLock, Timeout

    layout.state.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(layout.state / "spend.lock"))
    try:
        lock.acquire(timeout=LOCK_WAIT_SECONDS)
    except Timeout:
        raise LLMError(
            f"the spend log is locked by another repomind process (waited "
            f"{LOCK_WAIT_SECONDS:.0f}s); try again"
        ) from None
    try:
        yield
    finally:
        lock.release()


def append_entries(layout: Layout, entries: list[dict[str, Any]], locked: bool = False) -> None:
    """Append `entries` as JSON lines (one write, flushed to disk)."""
    if not entries:
        return
    data = "".join(json.dumps(e, sort_keys=True) + "\n" for e in entries).encode("utf-8")
    if not locked:
        with spend_lock(layout):
            _append(layout, data)
    else:
        _append(layout, data)


def _append(layout: Layout, data: bytes) -> None:
    path = spend_log(layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def _entries(layout: Layout) -> Iterator[dict[str, Any]]:
    try:
        raw = spend_log(layout).read_bytes()
    except FileNotFoundError:
        return
    for line in raw.splitlines():
        try:
            entry = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if isinstance(entry, dict):
            yield entry


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return 0.0
    return float(value) if value >= 0 else 0.0


def spend_summary(layout: Layout, now: dt.datetime | None = None) -> SpendSummary:
    """Spend of finished calls today and this month (UTC)."""
    return _totals(layout, now)[0]


def _totals(layout: Layout, now: dt.datetime | None) -> tuple[SpendSummary, float]:
    """The summary and the cost still reserved by calls in flight."""
    at = _utc(now)
    today = month = 0.0
    calls_today = calls_month = 0
    tokens_in = tokens_out = tokens_cached = 0
    reserved: dict[str, float] = {}
    settled: set[str] = set()
    for entry in _entries(layout):
        kind = entry.get("kind", "call")
        if kind == "reserve":
            expires = _parse_time(entry.get("expires"))
            if isinstance(entry.get("id"), str) and expires is not None and expires > at:
                reserved[entry["id"]] = _number(entry.get("cost_usd"))
            continue
        if kind == "release":
            settled.add(str(entry.get("id")))
            continue
        if kind != "call":
            continue
        when = _parse_time(entry.get("time"))
        raw_cost = entry.get("cost_usd")
        if when is None or isinstance(raw_cost, bool) or not isinstance(raw_cost, (int, float)):
            continue  # a damaged line: skipped
        if entry.get("reservation"):
            settled.add(str(entry["reservation"]))
        if (when.year, when.month) != (at.year, at.month) or when > at:
            continue
        cost = _number(entry.get("cost_usd"))
        month += cost
        calls_month += 1
        tokens_in += int(_number(entry.get("input_tokens")))
        tokens_out += int(_number(entry.get("output_tokens")))
        tokens_cached += int(_number(entry.get("cache_read_tokens")))
        if when.date() == at.date():
            today += cost
            calls_today += 1
    pending = sum(cost for rid, cost in reserved.items() if rid not in settled)
    summary = SpendSummary(
        today_usd=round(today, 6),
        month_usd=round(month, 6),
        calls_today=calls_today,
        calls_month=calls_month,
        input_tokens_month=tokens_in,
        output_tokens_month=tokens_out,
        cached_tokens_month=tokens_cached,
    )
    return summary, pending


def reserve(
    layout: Layout,
    cost: float,
    *,
    budget_day: float,
    budget_month: float,
    purpose: str,
    hold_seconds: float,
    what: str = "this call",
) -> str:
    """Reserve `cost` against both budgets, or raise BudgetExceeded; returns the reservation id.

    The reservation counts as spent until `release` or a call entry names it, or until
    `hold_seconds` pass (a process that died mid-call does not block the budget forever).
    """
    with spend_lock(layout):
        # Read the clock inside the lock: a call another process logged while we waited is
        # later than a clock read before waiting, and must still count.
        now = _utc(None)
        summary, pending = _totals(layout, now)
        for label, spent, budget in (
            ("today", summary.today_usd, budget_day),
            ("this month", summary.month_usd, budget_month),
        ):
            if spent + pending + cost > budget + 1e-12:
                raise BudgetExceeded(
                    f"LLM budget: {what} (up to ${cost:.4f}) would take spend {label} to "
                    f"${spent + pending + cost:.4f}, over the ${budget:.2f} budget "
                    f"(llm.budget_usd_{'day' if label == 'today' else 'month'} in "
                    ".repomind/config.yaml)"
                )
        rid = uuid.uuid4().hex
        entry = {
            "kind": "reserve",
            "id": rid,
            "time": timestamp(now),
            "expires": timestamp(now + dt.timedelta(seconds=hold_seconds)),
            "cost_usd": round(cost, 6),
            "purpose": purpose,
        }
        append_entries(layout, [entry], locked=True)
    return rid


def release(layout: Layout, reservation: str) -> None:
    append_entries(layout, [{"kind": "release", "id": reservation, "time": timestamp()}])
