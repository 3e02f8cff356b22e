"""Tune retrieval weights on several repositories' own histories (leak-free, via `eval`).

For each repository the cutoff index is built once (repomind.evaluate.eval_workspace); T1
features are extracted once per query, so trying a weight vector costs only a re-sort.
Coordinate ascent maximises, over repositories, the mean margin of recall@10 over the
repository's best baseline plus the mean of the negative margins (a repository below its best
baseline counts twice), with MRR/10 as a tie-breaker; T2 (query weights) keeps the plain macro
recall@10. Prints the baselines, the default weights' scores, and the best weights found.

Fit on as many repositories as you can (the weights must generalise to repositories not seen);
`--held-out` repositories are scored with the weights found but never fitted on.

    python bench/tune_retrieval.py /work/bench-repos/click /work/bench-repos/cobra ... \
        [--commits 100] [--rounds 2]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from repomind.evaluate import Metrics, eval_workspace, query_metrics, score
from repomind.retrieve import query as query_mod
from repomind.retrieve import related as related_mod

STEPS = (0.0, 0.5, 0.75, 1.5, 2.0)


def t1_features(ws: Any) -> list[tuple[list[tuple[str, dict[str, float]]], frozenset[str]]]:
    indexed = set(ws.indexed)
    out = []
    for q in ws.t1:
        cands = related_mod._candidates(ws.store, q.text, indexed)
        out.append(([(p, dict(c.features)) for p, c in cands.items()], q.relevant))
    return out


def t1_score(features: list[Any], weights: related_mod.RelatedWeights) -> Metrics:
    totals = [0.0, 0.0, 0.0]
    for cands, relevant in features:
        ranked = sorted(
            ((p, sum(getattr(weights, k) * v for k, v in f.items())) for p, f in cands),
            key=lambda x: (-x[1], x[0]),
        )
        m = query_metrics([p for p, s in ranked[:10] if s > 0], relevant)
        totals[0] += m.recall_at_5
        totals[1] += m.recall_at_10
        totals[2] += m.mrr
    n = max(len(features), 1)
    return Metrics(totals[0] / n, totals[1] / n, totals[2] / n)


def t2_score(ws: Any, weights: query_mod.QueryWeights) -> Metrics:
    report = score(
        ws,
        {"x": (None, lambda s, t, n: query_mod.query_files(s, t, n, weights))},
        baselines=False,
    )
    metrics = report.t2.results["x"]
    assert metrics is not None
    return metrics


def objective(per_repo: list[Metrics], bars: list[float] | None = None) -> float:
    if bars is None:
        return sum(m.recall_at_10 + 0.1 * m.mrr for m in per_repo) / len(per_repo)
    margins = [m.recall_at_10 - bar for m, bar in zip(per_repo, bars, strict=True)]
    mrr = sum(m.mrr for m in per_repo) / len(per_repo)
    return (sum(margins) + sum(min(x, 0.0) for x in margins)) / len(margins) + 0.1 * mrr


def best_baseline(report: Any) -> float:
    return max(v.recall_at_10 for v in report.t1.results.values() if v is not None)


def ascend(
    start: Any, evaluate: Any, rounds: int, fields: list[str], bars: list[float] | None = None
) -> Any:
    best, best_value = start, objective(evaluate(start), bars)
    for _ in range(rounds):
        for name in fields:
            current = getattr(best, name)
            for step in STEPS:
                value = current * step if current else step * 0.5
                trial = dataclasses.replace(best, **{name: value})
                got = objective(evaluate(trial), bars)
                if got > best_value + 1e-4:
                    best, best_value = trial, got
    return best


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--commits", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--t1-only", action="store_true")
    parser.add_argument("--held-out", nargs="*", type=Path, default=[])
    args = parser.parse_args()
    with ExitStack() as stack:
        spaces = [
            stack.enter_context(eval_workspace(r.resolve(), args.commits)) for r in args.repos
        ]
        baselines = [score(ws, {}) for ws in spaces]
        feats = [t1_features(ws) for ws in spaces]

        def eval_t1(w: related_mod.RelatedWeights) -> list[Metrics]:
            return [t1_score(f, w) for f in feats]

        def eval_t2(w: query_mod.QueryWeights) -> list[Metrics]:
            return [t2_score(ws, w) for ws in spaces]

        r_fields = [f.name for f in dataclasses.fields(related_mod.RelatedWeights)]
        q_fields = [
            f.name for f in dataclasses.fields(query_mod.QueryWeights) if f.name != "columns"
        ]
        bars = [best_baseline(b) for b in baselines]
        best_r = ascend(related_mod.DEFAULT_WEIGHTS, eval_t1, args.rounds, r_fields, bars)
        if args.t1_only:
            for repo, base, d0, d1 in zip(
                args.repos,
                baselines,
                eval_t1(related_mod.DEFAULT_WEIGHTS),
                eval_t1(best_r),
                strict=True,
            ):
                print(
                    repo.name,
                    f"default {d0.recall_at_10:.3f} tuned {d1.recall_at_10:.3f}",
                    f"best baseline {best_baseline(base):.3f}",
                )
            for repo in args.held_out:
                with eval_workspace(repo.resolve(), args.commits) as ws:
                    base = score(ws, {})
                    held = t1_features(ws)
                    d0 = t1_score(held, related_mod.DEFAULT_WEIGHTS)
                    d1 = t1_score(held, best_r)
                print(
                    repo.name,
                    f"(held out) default {d0.recall_at_10:.3f} tuned {d1.recall_at_10:.3f}",
                    f"best baseline {best_baseline(base):.3f}",
                )
            print("best related weights:", best_r)
            return
        best_q = ascend(query_mod.DEFAULT_WEIGHTS, eval_t2, args.rounds, q_fields)
        rows = []
        for repo, base, d1, b1, d2, b2 in zip(
            args.repos,
            baselines,
            eval_t1(related_mod.DEFAULT_WEIGHTS),
            eval_t1(best_r),
            eval_t2(query_mod.DEFAULT_WEIGHTS),
            eval_t2(best_q),
            strict=True,
        ):
            rows.append(
                {
                    "repo": repo.name,
                    "t1_queries": base.t1.queries,
                    "t2_queries": base.t2.queries,
                    "t1_r10": {
                        k: (v.recall_at_10 if v else None) for k, v in base.t1.results.items()
                    }
                    | {"default": d1.recall_at_10, "tuned": b1.recall_at_10},
                    "t2_r10": {
                        k: (v.recall_at_10 if v else None) for k, v in base.t2.results.items()
                    }
                    | {"default": d2.recall_at_10, "tuned": b2.recall_at_10},
                }
            )
        print(json.dumps(rows, indent=1))
        print("best related weights:", best_r)
        print("best query weights:", best_q)


if __name__ == "__main__":
    main()
