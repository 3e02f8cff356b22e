"""`repomind wiki` with Claude: the real anthropic client against the fake Messages API."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from conftest import GitRepo, run_cli
from fake_messages import FakeMessages, count_tokens
from repomind.config import LLMSettings, load_config
from repomind.layout import Layout
from repomind.llm import open_llm
from repomind.llm.tokens import estimate_request
from repomind.status import collect_status
from repomind.store import Store
from repomind.wiki.mermaid import check_flowchart, diagrams_in
from repomind.wiki.page import read_page
from repomind.wiki.run import WikiReport, run_wiki
from test_wiki import _shop

MODEL = LLMSettings().model
AREAS = ("app-core.md", "app-web.md", "tools.md")


def page_reply(body: dict[str, Any]) -> str:
    """A page in the requested layout, citing the first definition it was given, plus one
    citation of a file that does not exist."""
    message = body["messages"][0]["content"]
    title = re.search(r"^# Page to write: (.+?)(?: \(slug|$)", message, re.M)
    name = title.group(1) if title else "?"
    definition = re.search(r"^- ([\w./-]+\.py):(\d+) ", message, re.M)
    cite = f"{definition.group(1)}:{definition.group(2)}" if definition else "README.md:1"
    return (
        f"Summary: Prose about {name}.\n\n## Purpose\n\nIt keeps the shop running (`{cite}`).\n\n"
        f"## Key files and entry points\n\n- `{cite}` is where to start.\n\n"
        "## Main flows\n\nA request flows through here (`nowhere/ghost.py:3`).\n\n"
        "## Connections to other areas\n\nSee [tools](tools.md).\n\n"
        "## Gotchas\n\nNone known.\n"
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    repo = _shop(GitRepo(tmp_path_factory.mktemp("template") / "shop"))
    assert repo.repomind("index", "-q").code == 0
    return repo.root


@pytest.fixture
def shop(template: Path, tmp_path: Path) -> Path:
    root = tmp_path / "shop"
    shutil.copytree(template, root, symlinks=True)
    return root


@pytest.fixture
def fake() -> Any:
    with FakeMessages(responder=page_reply, cache_min_tokens=50) as server:
        yield server


def _env(fake: FakeMessages, **extra: str) -> dict[str, str]:
    env = {
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": fake.url,
        "REPOMIND_LLM_BACKOFF_SECONDS": "0",
    }
    env.update(extra)
    return env


def wiki(root: Path, env: dict[str, str], **options: Any) -> WikiReport:
    """One `repomind wiki` run in this process (the real anthropic client underneath)."""
    layout = Layout(root)
    config = load_config(layout.config, environ=env)
    store = Store.open(layout.index_db, readonly=True)
    try:
        llm = open_llm(layout, config, environ=env)
        return run_wiki(layout, config, store, llm=llm, **options)
    finally:
        store.close()


def _pages(root: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted((root / ".repomind/wiki").glob("*.md"))}


def test_prose_pages_then_a_rerun_makes_no_call_and_no_diff(shop: Path, fake: Any) -> None:
    report = wiki(shop, _env(fake))
    assert report.generator == MODEL and report.calls == 4  # three areas and the overview
    core = read_page(shop / ".repomind/wiki/app-core.md")
    assert core is not None and core.generator == MODEL
    assert core.description == "Prose about app/core."
    text = (shop / ".repomind/wiki/app-core.md").read_text()
    assert "## Main flows\n\nA request flows through here (`nowhere/ghost.py:3` (unverified))" in (
        text
    )
    cited = re.search(r"It keeps the shop running \(`(app/core/[\w.]+):(\d+)`\)", text)
    assert cited is not None
    lines = (shop / cited.group(1)).read_text().split("\n")
    assert int(cited.group(2)) <= len(lines)
    assert report.unverified_citations == 4
    for data in _pages(shop).values():
        for diagram in diagrams_in(data.decode()):
            assert check_flowchart(diagram) == []
    overview = read_page(shop / ".repomind/wiki/overview.md")
    assert overview is not None and overview.generator == MODEL
    # every request: the shared prefix first, marked for caching, identical across pages
    requests = fake.requests
    assert len(requests) == 4
    prefixes = {json.dumps(r["system"], sort_keys=True) for r in requests}
    assert len(prefixes) == 1
    assert requests[0]["system"][-1]["cache_control"] == {"type": "ephemeral"}
    assert "Map of the most central files" in requests[0]["system"][-1]["text"]
    assert report.cache_read_tokens > 0  # pages after the first read the prefix from the cache
    assert all(r["max_tokens"] == 1800 for r in requests)
    area_request = next(r for r in requests if "Page to write: app/core" in str(r["messages"]))
    material = area_request["messages"][0]["content"]
    assert "app/core/models.py:" in material and "A customer's cart" in material
    assert "## Code excerpts" in material
    before = _pages(shop)
    again = wiki(shop, _env(fake))
    assert fake.message_hits() == 4 and again.calls == 0
    assert again.written == [] and _pages(shop) == before


def test_prompt_stays_within_the_configured_size(shop: Path, fake: Any) -> None:
    env = _env(fake, REPOMIND_LLM_MAX_REQUEST_TOKENS="900")
    report = wiki(shop, env)
    assert report.calls == 4 and report.messages == []
    for request in fake.requests:
        assert estimate_request(request["system"], request["messages"]) <= 900
        assert count_tokens(request) <= 900 * 1.2


def test_dry_run_estimate_is_within_20_percent_of_the_tokens_sent(shop: Path, fake: Any) -> None:
    plan = wiki(shop, _env(fake), dry_run=True)
    assert fake.message_hits() == 0 and not (shop / ".repomind/wiki").exists()
    assert [j.name for j in plan.to_build] == [*_area_pages(plan), "overview.md"]
    assert plan.estimated_output_tokens == 4 * 1800 and plan.estimated_cost_usd > 0
    wiki(shop, _env(fake))
    sent = sum(count_tokens(r) for r in fake.requests)
    assert abs(plan.estimated_input_tokens - sent) <= 0.2 * sent, (
        plan.estimated_input_tokens,
        sent,
    )


def _area_pages(plan: WikiReport) -> list[str]:
    return [j.name for j in plan.to_build if j.name != "overview.md"]


def test_budget_flag_stops_before_it_would_be_exceeded(shop: Path, fake: Any) -> None:
    plan = wiki(shop, _env(fake), dry_run=True)
    first = plan.to_build[0]
    budget = int(first.estimated_input * 1.2) + first.estimated_output + 50
    report = wiki(shop, _env(fake), budget_tokens=budget)
    assert report.calls == 1 and fake.message_hits() == 1
    assert report.input_tokens + report.output_tokens <= budget
    assert any("budget" in m for m in report.messages)
    generators = {name: read_page(shop / ".repomind/wiki" / name) for name in AREAS}
    assert sorted(p.generator for p in generators.values() if p) == [MODEL, "skeleton", "skeleton"]
    nothing = wiki(shop, _env(fake), budget_usd=0.0)
    assert nothing.calls == 0 and fake.message_hits() == 1


def test_batch_is_submitted_then_collected_on_a_later_run(shop: Path) -> None:
    with FakeMessages(responder=page_reply, batch_polls=1) as fake:
        env = _env(fake)
        submitted = wiki(shop, env, batch=True)
        assert submitted.batch_submitted and fake.message_hits() == 0
        (batch,) = fake.batches.values()
        assert len(batch.requests) == 3
        assert batch.requests[0]["params"]["system"][-1]["cache_control"]["type"] == "ephemeral"
        for name in AREAS:  # skeletons meanwhile
            page = read_page(shop / ".repomind/wiki" / name)
            assert page is not None and page.generator == "skeleton"
        status = collect_status(Layout(shop)).wiki
        assert status["batch_pending"] == submitted.batch_submitted and status["skeleton"] == 4
        waiting = wiki(shop, env)
        assert waiting.batch_pending == submitted.batch_submitted and waiting.calls == 0
        assert any("still processing" in m for m in waiting.messages)
        collected = wiki(shop, env)
        assert collected.batch_collected == submitted.batch_submitted
        for name in AREAS:
            page = read_page(shop / ".repomind/wiki" / name)
            assert page is not None and page.generator == MODEL, name
        assert collected.calls == 1  # the overview, written from the collected summaries
        assert len(fake.batches) == 1
        final = wiki(shop, env)
        assert final.calls == 0 and final.written == []


def test_429_and_500_are_retried(shop: Path, fake: Any) -> None:
    fake.fail(429, retry_after=0)
    fake.fail(500)
    report = wiki(shop, _env(fake))
    assert report.calls == 4 and report.messages == []
    statuses = [status for method, path, status in fake.hits if path == "/v1/messages"]
    assert statuses[:3] == [429, 500, 200]


def test_streaming_replies_make_pages_too(shop: Path, fake: Any) -> None:
    report = wiki(shop, _env(fake, REPOMIND_WIKI_PAGE_OUTPUT_TOKENS="5000"))
    assert report.calls == 4
    assert all(r.get("stream") is True for r in fake.requests)
    page = read_page(shop / ".repomind/wiki/tools.md")
    assert page is not None and page.description == "Prose about tools."


def test_timeout_keeps_skeletons_and_says_why(shop: Path, fake: Any) -> None:
    fake.delay(3)
    env = _env(fake, REPOMIND_LLM_TIMEOUT_SECONDS="1", REPOMIND_LLM_MAX_RETRIES="0")
    report = wiki(shop, env)
    assert report.calls == 0
    assert any(m.startswith("stopped:") and "1s" in m for m in report.messages), report.messages
    assert fake.message_hits() == 1  # no more calls after the API failed
    for name in (*AREAS, "overview.md"):
        page = read_page(shop / ".repomind/wiki" / name)
        assert page is not None and page.generator == "skeleton"


def test_unreachable_api_through_the_cli_is_a_message_not_a_crash(shop: Path) -> None:
    env = {
        "ANTHROPIC_API_KEY": "test-key",
        "ANTHROPIC_BASE_URL": "http://127.0.0.1:9",
        "REPOMIND_LLM_BACKOFF_SECONDS": "0",
        "REPOMIND_LLM_MAX_RETRIES": "1",
    }
    result = run_cli("wiki", cwd=shop, env=env)
    assert result.code == 0, result.err
    assert "repomind: stopped:" in result.err and "connection failed" in result.err
    assert "Traceback" not in result.err
    page = read_page(shop / ".repomind/wiki/app-core.md")
    assert page is not None and page.generator == "skeleton"
    dry = run_cli("wiki", "--dry-run", cwd=shop, env=env)
    assert dry.code == 0 and "skeleton → prose" in dry.out and "input +" in dry.out


def test_a_reply_without_the_page_layout_is_not_a_crash(shop: Path) -> None:
    with FakeMessages(responder=lambda body: "I cannot help with that.") as server:
        report = wiki(shop, _env(server))
    assert report.calls == 4
    for name in AREAS:
        page = read_page(shop / ".repomind/wiki" / name)
        assert page is not None and page.generator == "skeleton"
    assert any("did not follow the page layout" in m for m in report.messages)
