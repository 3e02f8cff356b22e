"""`repomind wiki`: plan the pages, find the stale ones, write them (prose or skeleton), index.

A page is rebuilt only when the sources it was written from changed enough (by rank-weighted
share, `wiki.refresh_threshold`), when it is new, or when it is a skeleton and an LLM is now
available. Calls stop before a budget could be exceeded; a failing API leaves skeletons in
place. `--batch` submits the stale pages as one Message Batch and a later run collects it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from repomind.config import Config
from repomind.errors import UsageError
from repomind.layout import Layout
from repomind.store import Store
from repomind.wiki import page as pages
from repomind.wiki.facts import RepoFacts, collect_facts, read_lessons, read_repo_map
from repomind.wiki.plan import plan_areas
from repomind.wiki.skeleton import (
    area_skeleton,
    index_page,
    overview_description,
    overview_skeleton,
    skeleton_description,
)

OVERVIEW = "overview"
INDEX = "index"
OVERVIEW_SLACK = 2.0  # the overview is rewritten at this multiple of wiki.refresh_threshold
OVERVIEW_FILES = 12  # most central files the overview counts as its sources
INPUT_MARGIN = 1.2  # budget checks assume the request may be this much larger than estimated
BATCH_STATE = "wiki-batch.json"
PURPOSE = "wiki"

Kind = Literal["area", "overview"]


@dataclass(slots=True)
class Job:
    name: str  # page file name
    slug: str
    kind: Kind
    title: str
    sources: dict[str, str]
    reason: str  # why it is (re)built
    weight: float  # rank weight: the most central pages are written first
    estimated_input: int = 0
    estimated_output: int = 0


@dataclass(slots=True)
class WikiReport:
    generator: str  # "skeleton" or the model
    pages: int = 0  # pages planned (areas + overview)
    written: list[str] = field(default_factory=list)  # page files whose bytes changed
    removed: list[str] = field(default_factory=list)
    fresh: int = 0
    to_build: list[Job] = field(default_factory=list)  # dry run: what would be (re)built
    estimated_input_tokens: int = 0
    estimated_output_tokens: int = 0
    estimated_cost_usd: float = 0.0
    calls: int = 0
    input_tokens: int = 0  # all input tokens billed, cache reads and writes included
    cache_read_tokens: int = 0  # ...of which read from the prompt cache (billed at ~10%)
    output_tokens: int = 0
    cost_usd: float = 0.0
    unverified_citations: int = 0
    batch_submitted: str | None = None
    batch_collected: str | None = None
    batch_pending: str | None = None
    messages: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        from dataclasses import asdict

        data = asdict(self)
        data["to_build"] = [
            {
                "page": j.name,
                "reason": j.reason,
                "estimated_input_tokens": j.estimated_input,
                "estimated_output_tokens": j.estimated_output,
            }
            for j in self.to_build
        ]
        return data


@dataclass(slots=True)
class _Budget:
    tokens: int | None
    usd: float | None
    used_tokens: int = 0
    used_usd: float = 0.0

    def allows(self, tokens: int, usd: float) -> bool:
        if self.tokens is not None and self.used_tokens + tokens > self.tokens:
            return False
        return self.usd is None or self.used_usd + usd <= self.usd + 1e-12


def open_wiki_llm(layout: Layout, config: Config, environ: Mapping[str, str] | None = None) -> Any:
    """The LLM client, or None offline (no key, no base_url, or no LLM layer installed)."""
    try:
        from repomind.llm import open_llm
    except ImportError:
        return None
    return open_llm(layout, config, environ=dict(environ) if environ is not None else None)


def run_wiki(
    layout: Layout,
    config: Config,
    store: Store,
    *,
    dry_run: bool = False,
    budget_tokens: int | None = None,
    budget_usd: float | None = None,
    batch: bool = False,
    area: str | None = None,
    llm: Any = None,
) -> WikiReport:
    """Bring `.repomind/wiki/` up to date (or, with `dry_run`, say what that would cost)."""
    if budget_tokens is not None and budget_tokens < 0:
        raise UsageError("--budget-tokens must be zero or more")
    if budget_usd is not None and budget_usd < 0:
        raise UsageError("--budget-usd must be zero or more")
    plan = plan_areas(store, config.wiki.max_pages)
    repo = collect_facts(store, plan, config.memory, read_lessons(layout.memory), list(plan.edges))
    repo.repo_map = read_repo_map(layout.memory)
    titles = {a.slug: a.title for a in plan.areas}
    report = WikiReport(generator=llm.model if llm is not None else pages.SKELETON)
    report.pages = len(plan.areas) + 1
    wiki_dir = layout.wiki
    if area is not None:
        _check_area(area, plan)

    pending = _load_batch(layout)
    in_batch: set[str] = set()
    if pending is not None:
        if llm is None:
            report.messages.append(
                f"batch {pending['batch_id']} is waiting; run again with the API key to collect it"
            )
            in_batch = set(pending["pages"])
        elif not dry_run:
            in_batch = _collect(layout, llm, pending, repo, titles, report)
        else:
            in_batch = set(pending["pages"])
            report.batch_pending = pending["batch_id"]

    weights = {p: pages.file_weight(repo.rank.get(p, 0.0), repo.top_rank) for p in repo.file_hash}
    jobs = _area_jobs(wiki_dir, repo, titles, weights, config, llm, in_batch)
    if area is not None:
        jobs = [j for j in jobs if _matches(area, j, plan)]
    jobs.sort(key=lambda j: (-j.weight, j.name))
    budget = _Budget(budget_tokens, budget_usd)

    if dry_run:
        _estimate(jobs, repo, titles, layout, config, llm, batch, report, wiki_dir)
        overview = _overview_job(wiki_dir, repo, weights, config, llm)
        if (
            overview is not None
            and (area is None or area == OVERVIEW)
            and OVERVIEW + ".md" not in in_batch
        ):
            _estimate([overview], repo, titles, layout, config, llm, batch, report, wiki_dir)
        return report

    if batch and llm is None:
        report.messages.append("--batch needs an API key or base_url; wrote skeleton pages")
    if llm is not None and batch and jobs:
        _submit(layout, llm, jobs, repo, titles, config, budget, report)
    else:
        for job in jobs:
            _build(job, layout, repo, titles, config, llm, budget, report)
    report.fresh = report.pages - len(jobs) - 1

    if area is None or area == OVERVIEW:
        overview = _overview_job(wiki_dir, repo, weights, config, llm)
        if overview is None:
            report.fresh += 1
        elif in_batch:  # written from the areas' summaries: it waits for the batch
            _skeleton_fallback(overview, layout.wiki, repo, titles, report)
        elif batch and llm is not None:
            # Batched too, once no area page is waiting.
            if not jobs:
                _submit(layout, llm, [overview], repo, titles, config, budget, report)
            else:
                _skeleton_fallback(overview, layout.wiki, repo, titles, report)
        else:
            _build(overview, layout, repo, titles, config, llm, budget, report)
    if area is None:
        report.removed = _remove_orphans(wiki_dir, plan, in_batch)
    if _write_index(wiki_dir, repo, titles):
        report.written.append(INDEX + ".md")
    from repomind.wiki.search import write_search_cache

    write_search_cache(layout)
    report.written.sort()
    return report


# ---------------------------------------------------------------------- planning what to build
def _check_area(area: str, plan: Any) -> None:
    if area == OVERVIEW or any(_area_matches(area, a) for a in plan.areas):
        return
    known = ", ".join([OVERVIEW, *(a.slug for a in plan.areas)])
    raise UsageError(f"no wiki area {area!r} (known: {known})")


def _area_matches(text: str, a: Any) -> bool:
    clean = text.strip("/").removesuffix(".md")
    return clean in (a.slug, a.title, a.directory) or (
        bool(a.directory) and a.directory.startswith(clean + "/")
    )


def _matches(area: str, job: Job, plan: Any) -> bool:
    return any(a.slug == job.slug and _area_matches(area, a) for a in plan.areas)


def _area_jobs(
    wiki_dir: Path,
    repo: RepoFacts,
    titles: Mapping[str, str],
    weights: Mapping[str, float],
    config: Config,
    llm: Any,
    in_batch: set[str],
) -> list[Job]:
    jobs = []
    for a in repo.plan.areas:
        name = f"{a.slug}.md"
        if name in in_batch:
            continue
        sources = pages.source_hashes(list(a.files), repo.file_hash)
        weight = sum(weights.get(p, 0.25) for p in a.files)
        reason = _stale_reason(wiki_dir / name, sources, weights, config, llm)
        if reason:
            jobs.append(Job(name, a.slug, "area", titles[a.slug], sources, reason, weight))
    return jobs


def _stale_reason(
    path: Path,
    sources: Mapping[str, str],
    weights: Mapping[str, float],
    config: Config,
    llm: Any,
    slack: float = 1.0,
) -> str | None:
    state = pages.read_page(path)
    if state is None or not state.body:
        return "new" if state is None else "no generated block"
    if state.readonly:
        return None
    share = pages.changed_share(state.sources, sources, weights)
    if share > 0 and share >= min(1.0, config.wiki.refresh_threshold * slack):
        return f"sources changed ({round(100 * share)}%)"
    if llm is not None and state.generator == pages.SKELETON:
        return "skeleton → prose"
    return None


def _overview_sources(repo: RepoFacts) -> dict[str, str]:
    """The overview is written from the most central files and the map of areas: an area
    page counts by the files it covers, not by its wording, so rewriting a page does not
    cascade into rewriting the overview."""
    central = sorted(repo.rank, key=lambda p: (-repo.rank[p], p))[:OVERVIEW_FILES]
    sources = pages.source_hashes(central, repo.file_hash)
    for a in repo.plan.areas:
        digest = hashlib.sha1("\n".join(a.files).encode("utf-8")).hexdigest()
        sources[f".repomind/wiki/{a.slug}.md"] = digest[: pages.HASH_CHARS]
    return dict(sorted(sources.items()))


def _overview_job(
    wiki_dir: Path,
    repo: RepoFacts,
    weights: Mapping[str, float],
    config: Config,
    llm: Any,
) -> Job | None:
    sources = _overview_sources(repo)
    # The overview speaks of the whole: it waits for twice the change an area page needs.
    reason = _stale_reason(
        wiki_dir / f"{OVERVIEW}.md", sources, weights, config, llm, OVERVIEW_SLACK
    )
    if reason is None:
        return None
    return Job(f"{OVERVIEW}.md", OVERVIEW, "overview", "Overview", sources, reason, 0.0)


def _descriptions(wiki_dir: Path, repo: RepoFacts) -> dict[str, str]:
    out = {}
    for a in repo.plan.areas:
        state = pages.read_page(wiki_dir / f"{a.slug}.md")
        out[a.slug] = state.description if state is not None else ""
    return out


# ---------------------------------------------------------------------- requests and estimates
def _request(
    job: Job, layout: Layout, repo: RepoFacts, titles: Mapping[str, str], config: Config, llm: Any
) -> Any:
    from repomind.llm.tokens import estimate_text
    from repomind.wiki import prompt

    budget = min(prompt.PROMPT_TOKENS, int(config.llm.max_request_tokens * 0.9))
    descriptions = _descriptions(layout.wiki, repo)
    max_tokens = config.wiki.page_output_tokens
    if job.kind == "overview":
        return prompt.overview_request(
            repo, titles, descriptions, budget, max_tokens, measure=estimate_text
        )
    return prompt.area_request(
        repo.areas[job.slug],
        repo,
        titles,
        descriptions,
        layout.root,
        budget,
        max_tokens,
        measure=estimate_text,
    )


def _estimate_input(llm: Any, request: Any) -> int:
    return int(llm.estimate_tokens(system=request.system, messages=request.messages))


def _estimate(
    jobs: list[Job],
    repo: RepoFacts,
    titles: Mapping[str, str],
    layout: Layout,
    config: Config,
    llm: Any,
    batch: bool,
    report: WikiReport,
    wiki_dir: Path,
) -> None:
    for job in jobs:
        if llm is not None:
            request = _request(job, layout, repo, titles, config, llm)
            job.estimated_input = _estimate_input(llm, request)
            job.estimated_output = request.max_tokens
            report.estimated_input_tokens += job.estimated_input
            report.estimated_output_tokens += job.estimated_output
        report.to_build.append(job)
    if llm is not None:
        report.estimated_cost_usd = round(
            llm.estimate_cost(
                report.estimated_input_tokens, report.estimated_output_tokens, batch=batch
            ),
            6,
        )


# ---------------------------------------------------------------------- writing pages
def _write(
    wiki_dir: Path,
    job: Job,
    description: str,
    generator: str,
    body: str,
    report: WikiReport,
) -> None:
    try:
        changed = pages.write_page(wiki_dir / job.name, description, generator, job.sources, body)
    except UsageError as exc:
        report.messages.append(f"{job.name} not written: {exc}; fix or delete the page")
        return
    if changed:
        report.written.append(job.name)


def _skeleton_fallback(
    job: Job, wiki_dir: Path, repo: RepoFacts, titles: Mapping[str, str], report: WikiReport
) -> None:
    """Offline, over budget or on an API failure: a skeleton, unless prose is already there
    (stale prose is kept rather than replaced by less)."""
    state = pages.read_page(wiki_dir / job.name)
    if state is not None and state.body and state.generator != pages.SKELETON:
        if job.reason.startswith("sources changed") and not report.messages:
            report.messages.append(
                f"{job.name} and maybe others: sources changed, but the prose stays until "
                "an LLM can rewrite it (API key or budget)"
            )
        return
    if job.kind == "overview":
        descriptions = _descriptions(wiki_dir, repo)
        body = overview_skeleton(repo, titles, descriptions)
        _write(wiki_dir, job, overview_description(repo), pages.SKELETON, body, report)
        return
    facts = repo.areas[job.slug]
    body = area_skeleton(facts, repo, titles)
    _write(wiki_dir, job, skeleton_description(facts), pages.SKELETON, body, report)


def _affordable(job: Job, request: Any, llm: Any, budget: _Budget, batch: bool) -> bool:
    estimate = int(_estimate_input(llm, request) * INPUT_MARGIN)
    usd = llm.estimate_cost(estimate, request.max_tokens, batch=batch)
    return budget.allows(estimate + request.max_tokens, usd)


def _call(
    job: Job,
    layout: Layout,
    repo: RepoFacts,
    titles: Mapping[str, str],
    config: Config,
    llm: Any,
    budget: _Budget,
    report: WikiReport,
) -> str | None:
    """The model's reply for one page, or None (over budget, API failure: reported)."""
    from repomind.llm import BudgetExceeded, LLMError, RequestTooLarge

    if any(m.startswith("stopped:") for m in report.messages):
        return None
    request = _request(job, layout, repo, titles, config, llm)
    if not _affordable(job, request, llm, budget, batch=False):
        report.messages.append(
            f"stopped: the run's budget would be exceeded by {job.name}; "
            "the remaining pages keep their current text"
        )
        return None
    try:
        reply = llm.call(
            purpose=PURPOSE,
            system=request.system,
            messages=request.messages,
            max_tokens=request.max_tokens,
        )
    except BudgetExceeded as exc:
        report.messages.append(f"stopped: {exc}")
        return None
    except RequestTooLarge as exc:
        report.messages.append(f"{job.name}: request too large ({exc}); kept the skeleton")
        return None
    except LLMError as exc:
        report.messages.append(f"stopped: {job.name}: {exc}; pages keep their current text")
        return None
    usage = reply.usage
    spent_in = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
    if not reply.cached:
        report.calls += 1
        report.input_tokens += spent_in
        report.cache_read_tokens += usage.cache_read_tokens
        report.output_tokens += usage.output_tokens
        report.cost_usd = round(report.cost_usd + reply.cost_usd, 6)
        budget.used_tokens += spent_in + usage.output_tokens
        budget.used_usd += reply.cost_usd
    if reply.stop_reason == "max_tokens":
        report.messages.append(
            f"{job.name}: the answer hit wiki.page_output_tokens ({request.max_tokens}) and "
            "was cut; missing sections were filled from the index"
        )
    return reply.text()


def _build(
    job: Job,
    layout: Layout,
    repo: RepoFacts,
    titles: Mapping[str, str],
    config: Config,
    llm: Any,
    budget: _Budget,
    report: WikiReport,
) -> None:
    """One page (an area or the overview): prose when Claude answers, else the skeleton."""
    text = _call(job, layout, repo, titles, config, llm, budget, report) if llm else None
    if text is None:
        _skeleton_fallback(job, layout.wiki, repo, titles, report)
        return
    _write_prose(job, text, layout.wiki, repo, titles, llm.model, report)


def _off_layout(job: Job, text: str, report: WikiReport) -> bool:
    """A reply with none of the page's sections (a refusal, a truncated or foreign answer) is
    not a page: the skeleton stays, and the next run asks again."""
    from repomind.wiki.prose import split_reply

    if split_reply(text)[1]:
        return False
    report.messages.append(f"{job.name}: the reply did not follow the page layout; kept as it was")
    return True


def _write_prose(
    job: Job,
    text: str,
    wiki_dir: Path,
    repo: RepoFacts,
    titles: Mapping[str, str],
    model: str,
    report: WikiReport,
) -> None:
    from repomind.wiki.prose import area_prose, overview_prose

    if _off_layout(job, text, report):
        _skeleton_fallback(job, wiki_dir, repo, titles, report)
        return
    if job.kind == "overview":
        prose = overview_prose(text, repo, titles, overview_description(repo))
    else:
        facts = repo.areas[job.slug]
        prose = area_prose(text, facts, repo, titles, skeleton_description(facts))
    report.unverified_citations += prose.unverified
    _write(wiki_dir, job, prose.description, model, prose.body, report)


def _write_index(wiki_dir: Path, repo: RepoFacts, titles: Mapping[str, str]) -> bool:
    entries = []
    names = [(f"{OVERVIEW}.md", "Overview")] + [
        (f"{a.slug}.md", titles[a.slug]) for a in repo.plan.areas
    ]
    for name, title in names:
        state = pages.read_page(wiki_dir / name)
        if state is not None:
            entries.append((name, title, state.description, state.generator or "?"))
    if not entries:
        return False
    description = "Table of contents of the deep wiki: one line per page, with its summary."
    with contextlib.suppress(UsageError):  # damaged markers in the index: left as they are
        return pages.write_page(
            wiki_dir / f"{INDEX}.md", description, pages.SKELETON, {}, index_page(entries)
        )
    return False


def _remove_orphans(wiki_dir: Path, plan: Any, in_batch: set[str]) -> list[str]:
    """Pages of areas that no longer exist; kept when a human wrote in them or locked them."""
    if not wiki_dir.is_dir():
        return []
    wanted = {f"{a.slug}.md" for a in plan.areas} | {f"{OVERVIEW}.md", f"{INDEX}.md"} | in_batch
    removed = []
    for path in sorted(wiki_dir.glob("*.md")):
        if path.name in wanted:
            continue
        state = pages.read_page(path)
        if state is None or not state.generator or state.readonly or state.human:
            continue
        path.unlink()
        removed.append(path.name)
    return removed


# ---------------------------------------------------------------------- batches
def _batch_path(layout: Layout) -> Path:
    return layout.state / BATCH_STATE


def _load_batch(layout: Layout) -> dict[str, Any] | None:
    try:
        data = json.loads(_batch_path(layout).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("pages"), dict):
        return None
    return data


def _submit(
    layout: Layout,
    llm: Any,
    jobs: list[Job],
    repo: RepoFacts,
    titles: Mapping[str, str],
    config: Config,
    budget: _Budget,
    report: WikiReport,
) -> None:
    """Submit the stale area pages as one batch; new pages get a skeleton meanwhile. The
    overview follows once the areas are in (it is written from their summaries)."""
    from repomind.fsutil import write_text_atomic
    from repomind.llm import LLMError
    from repomind.llm.batches import submit_batch

    chosen: list[tuple[str, Job, Any]] = []
    for job in jobs:
        request = _request(job, layout, repo, titles, config, llm)
        estimate = int(_estimate_input(llm, request) * INPUT_MARGIN)
        usd = llm.estimate_cost(estimate, request.max_tokens, batch=True)
        if not budget.allows(estimate + request.max_tokens, usd):
            report.messages.append(
                f"stopped: the run's budget allows {len(chosen)} of {len(jobs)} pages in the batch"
            )
            break
        budget.used_tokens += estimate + request.max_tokens
        budget.used_usd += usd
        chosen.append((f"page-{len(chosen):03d}", job, request))
    for job in jobs:
        if not (layout.wiki / job.name).exists():
            _skeleton_fallback(job, layout.wiki, repo, titles, report)
    if not chosen:
        return
    try:
        batch_id = submit_batch(
            llm, PURPOSE, [(cid, request.params()) for cid, _, request in chosen]
        )
    except LLMError as exc:
        report.messages.append(f"batch not submitted: {exc}; pages keep their current text")
        return
    state = {
        "batch_id": batch_id,
        "model": llm.model,
        "pages": {
            job.name: {"custom_id": cid, "kind": job.kind, "slug": job.slug, "sources": job.sources}
            for cid, job, _ in chosen
        },
    }
    write_text_atomic(_batch_path(layout), json.dumps(state, indent=1, sort_keys=True) + "\n")
    report.batch_submitted = batch_id


def _collect(
    layout: Layout,
    llm: Any,
    pending: dict[str, Any],
    repo: RepoFacts,
    titles: Mapping[str, str],
    report: WikiReport,
) -> set[str]:
    """Write the pages of a finished batch; returns the pages still waiting (none when done)."""
    from repomind.llm import LLMError
    from repomind.llm.batches import collect_batch

    batch_id = str(pending["batch_id"])
    try:
        results = collect_batch(llm, batch_id)
    except LLMError as exc:
        report.messages.append(f"batch {batch_id} not collected: {exc}")
        return set(pending["pages"])
    if results is None:
        report.batch_pending = batch_id
        report.messages.append(f"batch {batch_id} is still processing; run again later")
        return set(pending["pages"])
    model = str(pending.get("model") or llm.model)
    for name, info in sorted(pending["pages"].items()):
        reply = results.get(info.get("custom_id"))
        slug = info.get("slug")
        if reply is None or (info.get("kind") == "area" and slug not in repo.areas):
            continue
        job = Job(
            name,
            slug,
            info.get("kind", "area"),
            titles.get(slug, slug),
            dict(info.get("sources") or {}),
            "batch",
            0.0,
        )
        report.input_tokens += (
            reply.usage.input_tokens
            + reply.usage.cache_read_tokens
            + reply.usage.cache_write_tokens
        )
        report.cache_read_tokens += reply.usage.cache_read_tokens
        report.output_tokens += reply.usage.output_tokens
        report.cost_usd = round(report.cost_usd + reply.cost_usd, 6)
        _write_prose(job, reply.text(), layout.wiki, repo, titles, model, report)
    _batch_path(layout).unlink(missing_ok=True)
    report.batch_collected = batch_id
    return set()


def wiki_summary(layout: Layout) -> dict[str, Any]:
    """For `repomind status`: pages by kind of writer, read-only ones, a batch waiting."""
    if not layout.wiki.is_dir():
        return {}
    counts = {"pages": 0, "prose": 0, "skeleton": 0, "readonly": 0}
    for path in sorted(layout.wiki.glob("*.md")):
        if path.name == f"{INDEX}.md":
            continue
        state = pages.read_page(path)
        if state is None or not state.generator:
            continue
        counts["pages"] += 1
        counts["skeleton" if state.generator == pages.SKELETON else "prose"] += 1
        counts["readonly"] += state.readonly
    pending = _load_batch(layout)
    return {**counts, "batch_pending": pending["batch_id"] if pending else None}
