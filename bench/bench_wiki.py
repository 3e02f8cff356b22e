"""Tokens a deep wiki costs: a full build of a real repository, then refreshes after commits.

    python bench/bench_wiki.py /work/bench-repos/black [--back 12] [--commits 8]

Clones the repository into a temp dir at HEAD~back (first parent), indexes it and builds the
whole wiki against the fake Messages API (tests/fake_messages.py: the real anthropic client,
tokens counted by the server), after a `--dry-run` whose estimate is compared with what the
server counted. Then it steps through the next `--commits` commits one at a time (index, dry
run, wiki) and reports what each refresh sent. Prints a table and writes
`bench/results/wiki-<name>.json`. Targets: a refresh after a typical commit sends a small
fraction (median ≤ 15%) of the full build; dry-run estimates within ±20% of the server's count.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from fake_messages import FakeMessages, count_tokens  # noqa: E402
from repomind.config import load_config  # noqa: E402
from repomind.indexer import run_index  # noqa: E402
from repomind.layout import Layout  # noqa: E402
from repomind.llm import open_llm  # noqa: E402
from repomind.store import Store  # noqa: E402
from repomind.wiki.run import run_wiki  # noqa: E402


def page_reply(body: dict[str, Any]) -> str:
    """A page of realistic length in the requested layout, citing definitions it was given."""
    message = body["messages"][0]["content"]
    cites = re.findall(r"^- ([\w./-]+):(\d+) ", message, re.M)[:12] or [("README.md", "1")]
    sentence = "This part {} and is used by the code around it (`{}:{}`)."
    verbs = ["parses input", "formats output", "holds the state", "checks the options"]
    parts = ["Summary: What this area of the code does, in one sentence."]
    for section in (
        "Purpose",
        "Key files and entry points",
        "Main flows",
        "Connections to other areas",
        "Gotchas",
    ):
        parts.append(f"\n## {section}\n")
        for i, (path, line) in enumerate(cites[:6]):
            parts.append("- " + sentence.format(verbs[i % len(verbs)], path, line))
    return "\n".join(parts) + "\n"


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True
    ).stdout


def one_run(root: Path, env: dict[str, str], fake: FakeMessages) -> dict[str, Any]:
    """Index, dry-run, then the real run; tokens as estimated and as the server counted."""
    layout = Layout(root)
    config = load_config(layout.config, environ=env)
    started = time.perf_counter()
    run_index(layout, config)
    index_s = time.perf_counter() - started
    llm = open_llm(layout, config, environ=env)
    store = Store.open(layout.index_db, readonly=True)
    try:
        plan = run_wiki(layout, config, store, dry_run=True, llm=llm)
        before = len(fake.requests)
        started = time.perf_counter()
        report = run_wiki(layout, config, store, llm=llm)
        wiki_s = time.perf_counter() - started
    finally:
        store.close()
    sent = fake.requests[before:]
    server_tokens = sum(count_tokens(r) for r in sent)
    estimate = plan.estimated_input_tokens
    return {
        "pages": report.pages,
        "rebuilt": [j.name for j in plan.to_build],
        "calls": report.calls,
        "input_tokens_server": server_tokens,
        "input_tokens_reported": report.input_tokens,
        "cache_read_tokens": report.cache_read_tokens,
        "output_tokens": report.output_tokens,
        "cost_usd": report.cost_usd,
        "estimated_input_tokens": estimate,
        "estimate_error": round((estimate - server_tokens) / server_tokens, 4)
        if server_tokens
        else None,
        "estimated_cost_usd": plan.estimated_cost_usd,
        "max_request_tokens": max((count_tokens(r) for r in sent), default=0),
        "index_seconds": round(index_s, 2),
        "wiki_seconds": round(wiki_s, 2),
        "messages": report.messages,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repo", type=Path)
    parser.add_argument("--back", type=int, default=12, help="start this many commits back")
    parser.add_argument("--commits", type=int, default=8, help="refreshes to measure")
    args = parser.parse_args()
    source = args.repo.resolve()
    name = source.name
    chain = git(source, "rev-list", "--first-parent", "--reverse", f"HEAD~{args.back}..HEAD")
    commits = chain.split()[: args.commits]
    with tempfile.TemporaryDirectory() as tmp, FakeMessages(responder=page_reply) as fake:
        root = Path(tmp) / name
        subprocess.run(["git", "clone", "-q", str(source), str(root)], check=True)
        git(root, "checkout", "-q", f"HEAD~{args.back}")
        env = {
            "ANTHROPIC_API_KEY": "bench",
            "ANTHROPIC_BASE_URL": fake.url,
            "REPOMIND_LLM_BACKOFF_SECONDS": "0",
            "REPOMIND_LLM_BUDGET_USD_DAY": "1000",
            "REPOMIND_LLM_BUDGET_USD_MONTH": "1000",
        }
        full = one_run(root, env, fake)
        again = one_run(root, env, fake)
        refreshes = []
        for sha in commits:
            git(root, "checkout", "-q", sha)
            changed = git(root, "diff", "--name-only", f"{sha}^", sha).split()
            result = one_run(root, env, fake)
            result["commit"] = sha[:12]
            result["files_changed"] = len(changed)
            result["subject"] = git(root, "log", "-1", "--format=%s", sha).strip()[:60]
            refreshes.append(result)
    tokens = [r["input_tokens_server"] for r in refreshes]
    median = statistics.median(tokens) if tokens else 0
    errors = [r["estimate_error"] for r in [full, *refreshes] if r["estimate_error"] is not None]
    summary = {
        "repo": name,
        "full": full,
        "rerun_without_change": {"calls": again["calls"], "rebuilt": again["rebuilt"]},
        "refreshes": refreshes,
        "refresh_median_tokens": median,
        "refresh_median_share": round(median / full["input_tokens_server"], 4)
        if full["input_tokens_server"]
        else None,
        "worst_estimate_error": max(errors, key=abs) if errors else None,
    }
    print(
        f"{name}: full wiki {full['pages']} pages, {full['calls']} calls, "
        f"{full['input_tokens_server']:,} input tokens "
        f"(estimate {full['estimated_input_tokens']:,}, "
        f"{100 * (full['estimate_error'] or 0):+.1f}%), largest request "
        f"{full['max_request_tokens']:,}, {full['cache_read_tokens']:,} read from the prompt "
        f"cache, {full['wiki_seconds']}s"
    )
    print(f"re-run without change: {again['calls']} calls")
    header = ("commit", "files", "pages", "tokens", "share", "est.err")
    print("{:<13} {:>5} {:>5} {:>8} {:>6} {:>7}  subject".format(*header))
    for r in refreshes:
        share = r["input_tokens_server"] / full["input_tokens_server"]
        err = f"{100 * r['estimate_error']:+.1f}%" if r["estimate_error"] is not None else "-"
        print(
            f"{r['commit']:<13} {r['files_changed']:>5} {len(r['rebuilt']):>5} "
            f"{r['input_tokens_server']:>8,} {100 * share:>5.1f}% {err:>7}  {r['subject']}"
        )
    print(
        f"median refresh: {median:,} tokens = {100 * (summary['refresh_median_share'] or 0):.1f}% "
        "of the full build; worst estimate error "
        f"{100 * (summary['worst_estimate_error'] or 0):+.1f}%"
    )
    out = HERE / "results" / f"wiki-{name}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")


if __name__ == "__main__":
    main()
