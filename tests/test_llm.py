"""The LLM layer through the real anthropic client against the fake Messages API on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from fake_messages import FakeMessages, count_tokens, tool_use
from repomind.config import Config
from repomind.layout import Layout
from repomind.llm import (
    BudgetExceeded,
    LLMError,
    RequestTooLarge,
    collect_batch,
    llm_configured,
    open_llm,
    pending_batches,
    spend_summary,
    submit_batch,
)
from repomind.llm.client import LLM
from repomind.llm.pricing import cost_usd
from repomind.llm.spend import append_entries, spend_log

ROOT = Path(__file__).resolve().parents[1]
USER = [{"role": "user", "content": "Summarise the build commands."}]
NOTE_TOOL = {
    "name": "record_lesson",
    "description": "Record one lesson learned in this session.",
    "input_schema": {
        "type": "object",
        "properties": {"text": {"type": "string"}, "files": {"type": "array"}},
        "required": ["text"],
    },
}


def make_llm(tmp_path: Path, fake: FakeMessages, **settings: Any) -> LLM:
    config = Config()
    config.llm.timeout_seconds = settings.pop("timeout_seconds", 5)
    config.llm.max_retries = settings.pop("max_retries", 2)
    for key, value in settings.items():
        setattr(config.llm, key, value)
    env = {"ANTHROPIC_BASE_URL": fake.url, "REPOMIND_LLM_BACKOFF_SECONDS": "0.01"}
    llm = open_llm(Layout(tmp_path), config, environ=env)
    assert llm is not None
    return llm


def log_lines(tmp_path: Path) -> list[dict[str, Any]]:
    path = spend_log(Layout(tmp_path))
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines()]


def calls(tmp_path: Path) -> list[dict[str, Any]]:
    return [e for e in log_lines(tmp_path) if e["kind"] == "call"]


def test_offline_without_key_or_base_url(tmp_path: Path) -> None:
    config = Config()
    assert open_llm(Layout(tmp_path), config, environ={}) is None
    assert not llm_configured(config, {"HOME": "/tmp"})
    assert llm_configured(config, {"ANTHROPIC_API_KEY": "sk-test"})
    assert llm_configured(config, {"ANTHROPIC_AUTH_TOKEN": "tok"})
    config.llm.base_url = "http://127.0.0.1:9"
    assert llm_configured(config, {})
    config.llm.budget_usd_day = 0.0
    assert not llm_configured(config, {})
    assert open_llm(Layout(tmp_path), config, environ={}) is None


def test_text_call_logs_tokens_and_cost(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "Use `make test`.") as fake:
        llm = make_llm(tmp_path, fake)
        reply = llm.call(purpose="reflect", system="You extract lessons.", messages=USER)
    assert reply.text() == "Use `make test`."
    assert reply.stop_reason == "end_turn"
    assert not reply.cached
    sent = fake.requests[0]
    assert reply.usage.input_tokens == count_tokens(sent)
    assert reply.usage.output_tokens > 0
    expected = cost_usd(llm.model, reply.usage.input_tokens, reply.usage.output_tokens)
    assert reply.cost_usd == pytest.approx(expected)
    assert "stream" not in sent
    assert sent["max_tokens"] == 2048
    [entry] = calls(tmp_path)
    assert entry["purpose"] == "reflect"
    assert entry["input_tokens"] == reply.usage.input_tokens
    assert entry["cost_usd"] == pytest.approx(reply.cost_usd)
    assert entry["batch"] is False


def test_streaming_tool_use(tmp_path: Path) -> None:
    lesson = {"text": "Run tox -e lint before pushing.", "files": ["tox.ini"]}
    with FakeMessages(responder=lambda body: tool_use("record_lesson", lesson)) as fake:
        llm = make_llm(tmp_path, fake)
        reply = llm.call(
            purpose="reflect",
            system="You extract lessons.",
            messages=USER,
            tools=[NOTE_TOOL],
            tool_choice={"type": "tool", "name": "record_lesson"},
            stream=True,
        )
    assert fake.requests[0]["stream"] is True
    assert fake.requests[0]["tool_choice"] == {"type": "tool", "name": "record_lesson"}
    assert reply.stop_reason == "tool_use"
    assert reply.tool_inputs("record_lesson") == [lesson]
    assert reply.tool_inputs("other") == []
    assert reply.usage.input_tokens == count_tokens(fake.requests[0])
    assert reply.usage.output_tokens > 1


def test_non_streaming_tool_use_and_long_answers_stream(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: tool_use("record_lesson", {"text": "x"})) as fake:
        llm = make_llm(tmp_path, fake)
        short = llm.call(purpose="t", system="s", messages=USER, tools=[NOTE_TOOL])
        llm.call(purpose="t", system="s", messages=USER, tools=[NOTE_TOOL], max_tokens=16000)
    assert short.tool_inputs("record_lesson") == [{"text": "x"}]
    assert "stream" not in fake.requests[0]
    assert fake.requests[1]["stream"] is True


def test_rate_limit_then_success_honours_retry_after(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "ok") as fake:
        fake.fail(429, retry_after=0.3)
        llm = make_llm(tmp_path, fake)
        start = time.monotonic()
        reply = llm.call(purpose="t", system="s", messages=USER)
        elapsed = time.monotonic() - start
    assert reply.text() == "ok"
    assert [status for _, _, status in fake.hits] == [429, 200]
    assert elapsed >= 0.3
    assert len(calls(tmp_path)) == 1


@pytest.mark.parametrize("status", [500, 529])
def test_server_error_then_success(tmp_path: Path, status: int) -> None:
    with FakeMessages(responder=lambda body: "ok") as fake:
        fake.fail(status)
        reply = make_llm(tmp_path, fake).call(purpose="t", system="s", messages=USER)
    assert reply.text() == "ok"
    assert fake.message_hits() == 2
    assert len(calls(tmp_path)) == 1


def test_persistent_server_errors_fail_in_bounded_time(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "ok") as fake:
        fake.fail(500, times=10)
        llm = make_llm(tmp_path, fake, max_retries=3)
        start = time.monotonic()
        with pytest.raises(LLMError, match="HTTP 500"):
            llm.call(purpose="t", system="s", messages=USER)
        elapsed = time.monotonic() - start
    assert fake.message_hits() == 4
    assert elapsed < 2
    assert calls(tmp_path) == []
    assert spend_summary(Layout(tmp_path)).calls_today == 0


def test_retry_after_beyond_the_time_bound_gives_up_at_once(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "ok") as fake:
        fake.fail(429, retry_after=3600)
        llm = make_llm(tmp_path, fake, timeout_seconds=1)
        start = time.monotonic()
        with pytest.raises(LLMError, match="retry in 3600s"):
            llm.call(purpose="t", system="s", messages=USER)
    assert time.monotonic() - start < 1
    assert fake.message_hits() == 1


def test_timeout_fails_quickly(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "late") as fake:
        fake.delay(1.5, times=2)
        llm = make_llm(tmp_path, fake, timeout_seconds=0.3, max_retries=1)
        start = time.monotonic()
        with pytest.raises(LLMError, match=r"no answer within 0\.3s"):
            llm.call(purpose="t", system="s", messages=USER)
        elapsed = time.monotonic() - start
    assert elapsed < 1.2
    assert fake.message_hits() == 2
    assert calls(tmp_path) == []


def test_client_error_is_not_retried(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "ok") as fake:
        fake.fail(400)
        with pytest.raises(LLMError, match="HTTP 400"):
            make_llm(tmp_path, fake).call(purpose="t", system="s", messages=USER)
    assert fake.message_hits() == 1


def test_malformed_response_is_an_error(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "ok") as fake:
        fake.malformed()
        with pytest.raises(LLMError, match="malformed"):
            make_llm(tmp_path, fake).call(purpose="t", system="s", messages=USER)
    assert calls(tmp_path) == []


def test_repeat_is_served_from_the_cache(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "cached answer") as fake:
        llm = make_llm(tmp_path, fake)
        first = llm.call(purpose="t", system="s", messages=USER)
        again = make_llm(tmp_path, fake).call(purpose="t", system="s", messages=USER)
        other = llm.call(purpose="t", system="s", messages=USER, max_tokens=100)
    assert fake.message_hits() == 2  # the repeat never reached the server
    assert again.cached and again.cost_usd == 0
    assert again.text() == first.text() == "cached answer"
    assert not other.cached
    assert len(calls(tmp_path)) == 2
    assert len(list((tmp_path / ".repomind/cache/llm").glob("*.json"))) == 2


def test_budget_exceeded_sends_nothing(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "ok") as fake:
        llm = make_llm(tmp_path, fake, budget_usd_day=0.001)
        with pytest.raises(BudgetExceeded, match="budget_usd_day"):
            llm.call(purpose="t", system="s", messages=USER, max_tokens=2048)
        assert fake.message_hits() == 0
        # spend already logged this month counts against the month budget
        llm = make_llm(tmp_path, fake, budget_usd_day=5.0, budget_usd_month=1.0)
        now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        append_entries(Layout(tmp_path), [{"kind": "call", "time": now, "cost_usd": 0.995}])
        with pytest.raises(BudgetExceeded, match="this month"):
            llm.call(purpose="t", system="s", messages=USER)
        assert fake.message_hits() == 0


def test_budget_is_never_exceeded_by_a_run_of_calls(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "a short answer " * 20) as fake:
        llm = make_llm(tmp_path, fake, budget_usd_day=0.02, max_output_tokens=300)
        made = 0
        with pytest.raises(BudgetExceeded):
            for i in range(100):
                llm.call(purpose="t", system="s", messages=[{"role": "user", "content": f"q{i}"}])
                made += 1
    assert made >= 3
    assert spend_summary(Layout(tmp_path)).today_usd <= 0.02


def test_reservation_of_a_call_in_flight_counts(tmp_path: Path) -> None:
    from repomind.llm.spend import release, reserve

    layout = Layout(tmp_path)
    rid = reserve(layout, 0.9, budget_day=1.0, budget_month=1.0, purpose="p", hold_seconds=60)
    with pytest.raises(BudgetExceeded):
        reserve(layout, 0.2, budget_day=1.0, budget_month=1.0, purpose="q", hold_seconds=60)
    release(layout, rid)
    reserve(layout, 0.2, budget_day=1.0, budget_month=1.0, purpose="q", hold_seconds=60)
    assert spend_summary(layout).today_usd == 0  # reservations are not spend


def test_request_too_large_sends_nothing(tmp_path: Path) -> None:
    big = [{"role": "user", "content": "word " * 5000}]
    with FakeMessages(responder=lambda body: "ok") as fake:
        llm = make_llm(tmp_path, fake, max_request_tokens=2000)
        with pytest.raises(RequestTooLarge, match="max_request_tokens"):
            llm.call(purpose="wiki", system="s", messages=big)
    assert fake.message_hits() == 0
    assert log_lines(tmp_path) == []


def test_shared_prefix_is_marked_for_prompt_caching(tmp_path: Path) -> None:
    prefix = (ROOT / "src/repomind/config.py").read_text()[:9000]
    with FakeMessages(responder=lambda body: "ok") as fake:
        llm = make_llm(tmp_path, fake)
        first = llm.call(purpose="wiki", system=prefix, messages=USER)
        second = llm.call(
            purpose="wiki", system=prefix, messages=[{"role": "user", "content": "Now lint."}]
        )
        listed = llm.call(
            purpose="wiki",
            system=[{"type": "text", "text": "part one"}, {"type": "text", "text": "part two"}],
            messages=USER,
        )
    system = fake.requests[0]["system"]
    assert system[-1]["cache_control"] == {"type": "ephemeral"}
    assert fake.requests[2]["system"][0].get("cache_control") is None
    assert fake.requests[2]["system"][1]["cache_control"] == {"type": "ephemeral"}
    assert first.usage.cache_write_tokens > 1000 and first.usage.cache_read_tokens == 0
    assert second.usage.cache_read_tokens == first.usage.cache_write_tokens
    assert second.cost_usd < first.cost_usd / 3
    assert listed.usage.cache_read_tokens == 0  # below the minimum cacheable size
    entries = calls(tmp_path)
    assert entries[1]["cache_read_tokens"] == second.usage.cache_read_tokens
    assert spend_summary(Layout(tmp_path)).cached_tokens_month == second.usage.cache_read_tokens


def test_secrets_are_redacted_before_sending(tmp_path: Path) -> None:
    key = "sk-ant-api03-" + "Q7x" * 30 + "AA"
    github = "ghp_" + "a1B2c3D4e5" * 4
    messages = [{"role": "user", "content": f"export ANTHROPIC_API_KEY={key}\ntoken {github}"}]
    with FakeMessages(responder=lambda body: "ok") as fake:
        make_llm(tmp_path, fake).call(
            purpose="reflect", system=f"context: {github}", messages=messages
        )
    raw = json.dumps(fake.requests[0])
    assert key not in raw and key[:24] not in raw
    assert github not in raw
    assert "Q7xQ7xQ7x" not in "".join(p.read_text() for p in tmp_path.rglob("*.json*"))


def test_spend_summary_days_months_and_corrupt_lines(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    now = dt.datetime(2026, 3, 15, 12, 0, tzinfo=dt.UTC)

    def entry(when: str, cost: float, **extra: Any) -> dict[str, Any]:
        return {
            "kind": "call",
            "time": when,
            "cost_usd": cost,
            "input_tokens": 100,
            "output_tokens": 10,
            "cache_read_tokens": 5,
            **extra,
        }

    append_entries(
        layout,
        [
            entry("2026-03-15T01:00:00Z", 0.25),
            entry("2026-03-15T11:59:00Z", 0.5, batch=True),
            entry("2026-03-02T08:00:00Z", 1.0),
            entry("2026-02-28T23:59:59Z", 4.0),  # last month
            entry("2026-03-16T00:00:01Z", 8.0),  # after `now`
        ],
    )
    with spend_log(layout).open("a") as handle:
        handle.write('{"kind": "call", "time": "2026-03-15T02:00:00Z", "cost_\n')
        handle.write("not json at all\n[1, 2]\n")
        handle.write('{"kind": "call", "time": "garbage", "cost_usd": 100}\n')
        handle.write('{"kind": "call", "time": "2026-03-15T03:00:00Z", "cost_usd": "x"}\n')
    summary = spend_summary(layout, now=now)
    assert summary.today_usd == pytest.approx(0.75)
    assert summary.month_usd == pytest.approx(1.75)
    assert summary.calls_today == 2
    assert summary.calls_month == 3
    assert summary.input_tokens_month == 300
    assert summary.output_tokens_month == 30
    assert summary.cached_tokens_month == 15
    naive = spend_summary(layout, now=dt.datetime(2026, 3, 2, 9, 0))
    assert naive.today_usd == pytest.approx(1.0)


def test_concurrent_appends_keep_every_line_valid(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from repomind.layout import Layout\n"
        "from repomind.llm.spend import append_entries\n"
        "layout = Layout(Path(sys.argv[1]))\n"
        "for i in range(40):\n"
        "    entry = {'kind': 'call', 'time': '2026-01-01T00:00:00Z', 'cost_usd': 0.001,\n"
        "             'purpose': sys.argv[2] + ' ' + 'x' * 3000, 'n': i}\n"
        "    append_entries(layout, [entry, dict(entry, n=-i)])\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(tmp_path), f"w{n}"]) for n in range(4)
    ]
    for proc in procs:
        assert proc.wait(timeout=60) == 0
    lines = spend_log(Layout(tmp_path)).read_text().splitlines()
    assert len(lines) == 4 * 40 * 2
    parsed = [json.loads(line) for line in lines]
    assert {p["purpose"].split()[0] for p in parsed} == {"w0", "w1", "w2", "w3"}
    summary = spend_summary(Layout(tmp_path), now=dt.datetime(2026, 1, 1, 1, 0))
    assert summary.calls_today == 320


def test_batches_end_to_end(tmp_path: Path) -> None:
    def answer(body: dict[str, Any]) -> str:
        return "page for " + body["messages"][0]["content"]

    requests = [
        (
            f"page-{n}",
            {
                "system": "You write wiki pages.",
                "messages": [{"role": "user", "content": f"area {n}"}],
                "max_tokens": 500,
            },
        )
        for n in range(3)
    ]
    with FakeMessages(responder=answer, batch_polls=1) as fake:
        llm = make_llm(tmp_path, fake)
        batch_id = submit_batch(llm, "wiki", requests)
        [pending] = pending_batches(llm.layout)
        assert pending.batch_id == batch_id
        assert pending.custom_ids == ("page-0", "page-1", "page-2")
        assert pending.purpose == "wiki"
        sent = fake.batches[batch_id].requests
        assert sent[0]["params"]["system"][-1]["cache_control"] == {"type": "ephemeral"}
        assert collect_batch(llm, batch_id) is None  # first poll: still in progress
        replies = collect_batch(llm, batch_id)
        assert replies is not None
        assert sorted(replies) == ["page-0", "page-1", "page-2"]
        assert replies["page-1"].text() == "page for area 1"
        assert pending_batches(llm.layout) == []
        # a later call with the same parameters is a cache hit: no message request at all
        again = llm.call(purpose="wiki", **requests[1][1])
        assert again.cached and again.text() == "page for area 1"
        assert fake.message_hits() == 0
        with pytest.raises(LLMError, match="not pending"):
            collect_batch(llm, batch_id)
    reply = replies["page-2"]
    full = cost_usd(llm.model, reply.usage.input_tokens, reply.usage.output_tokens)
    assert reply.cost_usd == pytest.approx(full / 2)
    entries = calls(tmp_path)
    assert len(entries) == 3 and all(e["batch"] for e in entries)
    assert spend_summary(llm.layout).today_usd == pytest.approx(
        sum(r.cost_usd for r in replies.values()), abs=1e-6
    )


def test_batch_budget_is_checked_for_the_whole_batch(tmp_path: Path) -> None:
    requests = [(f"r{n}", {"system": "s", "messages": USER, "max_tokens": 2000}) for n in range(20)]
    with FakeMessages(responder=lambda body: "ok") as fake:
        # one request fits at batch prices, twenty do not
        llm = make_llm(tmp_path, fake, budget_usd_day=0.05)
        with pytest.raises(BudgetExceeded, match="batch of 20"):
            submit_batch(llm, "wiki", requests)
        assert fake.batches == {}
        submit_batch(llm, "wiki", requests[:1])
    assert len(fake.batches) == 1


REALISTIC_PROSE = (
    "You are reviewing a repository so that coding agents can work in it. Write a short page "
    "about the area below: what it does, the entry points, the invariants a change must keep, "
    "and the commands that check it. Do not repeat what the code says; explain why. "
)


def _realistic_prompts() -> list[tuple[str, list[dict[str, Any]], list[dict[str, Any]] | None]]:
    sources = sorted((ROOT / "src/repomind").rglob("*.py"))
    docs = [ROOT / "README.md", Path("/work/shared/DESIGN.md"), Path("/work/shared/STYLE.md")]
    prompts = []
    for n, start in enumerate(range(0, min(len(sources), 40), 5)):
        excerpts = "\n\n".join(
            f"### {p.relative_to(ROOT)}\n```python\n{p.read_text()[:2500]}\n```"
            for p in sources[start : start + 5]
        )
        doc = docs[n % len(docs)]
        prose = doc.read_text()[:3000] if doc.exists() else REALISTIC_PROSE * 10
        system = REALISTIC_PROSE + "\n\nProject notes:\n" + prose
        messages = [{"role": "user", "content": f"Area {n}:\n\n{excerpts}"}]
        prompts.append((system, messages, [NOTE_TOOL] if n % 2 else None))
    return prompts


def test_estimate_within_20_percent_of_the_servers_count(tmp_path: Path) -> None:
    errors = []
    with FakeMessages(responder=lambda body: "ok") as fake:
        llm = make_llm(tmp_path, fake, max_request_tokens=100_000)
        client = llm.sdk()
        for system, messages, tools in _realistic_prompts():
            estimate = llm.estimate_tokens(system=system, messages=messages, tools=tools)
            reply = llm.call(purpose="wiki", system=system, messages=messages, tools=tools)
            used = (
                reply.usage.input_tokens
                + reply.usage.cache_read_tokens
                + reply.usage.cache_write_tokens
            )
            extra = {"tools": tools} if tools else {}
            counted = client.messages.count_tokens(
                model=llm.model, system=system, messages=messages, **extra
            ).input_tokens
            assert counted == used
            errors.append(estimate / used - 1)
    assert len(errors) >= 6
    assert all(abs(e) <= 0.2 for e in errors), errors


def test_status_shows_spend(repo: Any) -> None:
    repo.commit("first", {"a.py": "x = 1\n"})
    layout = Layout(repo.root)
    now = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    append_entries(
        layout,
        [
            {
                "kind": "call",
                "time": now,
                "cost_usd": 0.125,
                "input_tokens": 1000,
                "output_tokens": 50,
                "purpose": "wiki",
                "batch": False,
            },
            {
                "kind": "call",
                "time": now,
                "cost_usd": 0.25,
                "input_tokens": 2000,
                "output_tokens": 80,
                "purpose": "reflect",
                "batch": True,
            },
        ],
    )
    result = repo.repomind("status", "--json")
    assert result.code == 0, result.err
    data = json.loads(result.out)
    spend = data["spend"]
    assert spend["today_usd"] == pytest.approx(0.375)
    assert spend["month_usd"] == pytest.approx(0.375)
    assert spend["calls_month"] == 2
    assert spend["budget_usd_day"] == 1.0 and spend["budget_usd_month"] == 10.0
    result = repo.repomind("status")
    assert result.code == 0, result.err
    assert "$0.38 today of $1.00" in result.out
    assert "$0.38 this month of $10.00" in result.out


def test_credentials_reach_the_server(tmp_path: Path) -> None:
    config = Config()
    with FakeMessages(responder=lambda body: "ok") as fake:
        for n, env in enumerate(
            [
                {"ANTHROPIC_API_KEY": "sk-test-123"},
                {"ANTHROPIC_AUTH_TOKEN": "oauth-456"},
                {},  # a local model server behind base_url: placeholder key
            ]
        ):
            environ = {"ANTHROPIC_BASE_URL": fake.url, **env}
            llm = open_llm(Layout(tmp_path), config, environ=environ)
            assert llm is not None
            llm.call(purpose="t", system="s", messages=[{"role": "user", "content": f"q{n}"}])

    def credential(headers: dict[str, str]) -> str:
        return headers.get("x-api-key") or headers.get("authorization", "").removeprefix("Bearer ")

    keyed, token, local = (credential(h) for h in fake.headers)
    assert (keyed, token) == ("sk-test-123", "oauth-456")
    assert local  # some placeholder, never empty
    config.llm.base_url = "http://127.0.0.1:1"
    llm = open_llm(Layout(tmp_path), config, environ={"ANTHROPIC_BASE_URL": "http://x"})
    assert llm is not None and llm.base_url == "http://127.0.0.1:1"  # config wins over env


def test_lookup_answers_from_the_cache_only(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "remembered") as fake:
        llm = make_llm(tmp_path, fake)
        assert llm.lookup(system="s", messages=USER) is None
        llm.call(purpose="t", system="s", messages=USER)
        hit = llm.lookup(system="s", messages=USER)
    assert hit is not None and hit.cached and hit.text() == "remembered"
    assert fake.message_hits() == 1


def test_caller_placed_cache_breakpoint_is_kept(tmp_path: Path) -> None:
    system = [
        {"type": "text", "text": "shared", "cache_control": {"type": "ephemeral"}},
        {"type": "text", "text": "per request"},
    ]
    with FakeMessages(responder=lambda body: "ok") as fake:
        make_llm(tmp_path, fake).call(purpose="t", system=system, messages=USER)
    sent = fake.requests[0]["system"]
    assert [("cache_control" in block) for block in sent] == [True, False]


def test_batch_submit_retries_and_errored_results_are_left_out(tmp_path: Path) -> None:
    requests = [
        (name, {"system": "s", "messages": [{"role": "user", "content": name}]})
        for name in ("good", "bad")
    ]
    with FakeMessages(responder=lambda body: "fine", batch_polls=0) as fake:
        fake.fail(503)
        fake.batch_errored.add("bad")
        llm = make_llm(tmp_path, fake)
        batch_id = submit_batch(llm, "reflect", requests)
        assert [s for m, p, s in fake.hits if p == "/v1/messages/batches"] == [503, 200]
        replies = collect_batch(llm, batch_id)
        assert replies is not None and sorted(replies) == ["good"]
        assert llm.lookup(**requests[0][1]) is not None
        assert llm.lookup(**requests[1][1]) is None
    assert len(calls(tmp_path)) == 1
    assert pending_batches(llm.layout) == []


CONCURRENT_CALLER = """
import sys
from pathlib import Path
from repomind.config import Config
from repomind.layout import Layout
from repomind.llm import BudgetExceeded, open_llm

config = Config()
config.llm.budget_usd_day = float(sys.argv[3])
config.llm.max_output_tokens = 200
llm = open_llm(Layout(Path(sys.argv[1])), config, environ={"ANTHROPIC_BASE_URL": sys.argv[2]})
made = 0
try:
    for i in range(200):
        question = [{"role": "user", "content": sys.argv[4] + str(i)}]
        llm.call(purpose="p", system="s", messages=question)
        made += 1
except BudgetExceeded:
    pass
print(made)
"""


def test_concurrent_processes_never_exceed_the_budget(tmp_path: Path) -> None:
    budget = 0.03
    with FakeMessages(responder=lambda body: "word " * 150) as fake:
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    CONCURRENT_CALLER,
                    str(tmp_path),
                    fake.url,
                    str(budget),
                    f"w{n}-",
                ],
                stdout=subprocess.PIPE,
                text=True,
            )
            for n in range(2)
        ]
        made = [int(proc.communicate(timeout=120)[0]) for proc in procs]
    summary = spend_summary(Layout(tmp_path))
    assert sum(made) == summary.calls_today == fake.message_hits()
    assert sum(made) >= 3
    assert summary.today_usd <= budget


def test_overload_in_the_middle_of_a_stream_is_retried(tmp_path: Path) -> None:
    with FakeMessages(responder=lambda body: "streamed") as fake:
        fake.stream_error("overloaded_error")
        reply = make_llm(tmp_path, fake).call(purpose="t", system="s", messages=USER, stream=True)
        assert reply.text() == "streamed"
        assert fake.message_hits() == 2
        fake.stream_error("invalid_request_error")
        with pytest.raises(LLMError, match="refused"):
            other = [{"role": "user", "content": "other"}]
            make_llm(tmp_path, fake).call(purpose="t", system="s", messages=other, stream=True)
    assert len(calls(tmp_path)) == 1


def test_the_cache_keeps_the_recently_used_within_its_bounds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from repomind.llm import cache

    monkeypatch.setattr(cache, "MAX_ENTRIES", 4)
    folder = tmp_path / ".repomind/cache/llm"
    with FakeMessages(responder=lambda body: "answer") as fake:
        llm = make_llm(tmp_path, fake)
        for i in range(4):
            llm.call(purpose="t", system="s", messages=USER, max_tokens=100 + i)
            for n, path in enumerate(
                sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
            ):
                os.utime(path, ns=(n * 10**9, n * 10**9))  # distinct ages, oldest first
        oldest = min(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
        first = llm.call(purpose="t", system="s", messages=USER, max_tokens=100)  # a hit...
        assert first.cached and oldest.exists()
        assert oldest.stat().st_mtime > 10  # ...makes it the most recently used
        llm.call(purpose="t", system="s", messages=USER, max_tokens=200)  # fifth entry: trims
        assert fake.message_hits() == 5
    kept = list(folder.glob("*.json"))
    assert len(kept) == 3  # back under 90% of the bound
    assert oldest in kept  # used recently, so kept
    again = make_llm(tmp_path, fake).call(purpose="t", system="s", messages=USER, max_tokens=200)
    assert again.cached
