"""How far can T1 (co-change prediction) go above its best baseline? Per-query oracles.

    python bench/t1_ceiling.py /work/bench-repos/click /work/bench-repos/cobra ... [--commits 100]

On each repository's `eval` workspace (the same cutoff index and queries as `repomind eval`),
prints recall@10 of the co-change and BM25 baselines, of `repomind related`, and of two
oracles that know the answer: the better of the two baselines for each query, and the best of
all three. The first oracle is the most any per-query switch between the baselines can reach;
a ranker that beats it must rank better than both baselines inside single queries.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from repomind.evaluate import _bm25_related, _cochange, eval_workspace, query_metrics
from repomind.retrieve.related import related_files


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--commits", type=int, default=100)
    args = parser.parse_args()
    print(
        f"{'repo':16s} {'queries':>7s} {'cochange':>8s} {'bm25':>6s} {'repomind':>8s} "
        f"{'oracle(cc,bm25)':>15s} {'oracle(all)':>11s} {'repomind-best':>13s} "
        f"{'oracle-best':>11s}"
    )
    for repo in args.repos:
        with eval_workspace(repo.resolve(), args.commits) as ws:
            if ws.store is None or not ws.t1:
                print(f"{repo.name:16s} nothing to score: {ws.message}")
                continue
            bm25 = _bm25_related(ws)
            sums = [0.0] * 5
            for q in ws.t1:
                cc = query_metrics(_cochange(ws, q.text), q.relevant).recall_at_10
                bm = query_metrics(bm25(q), q.relevant).recall_at_10
                ours = query_metrics(related_files(ws.store, q.text, 10), q.relevant).recall_at_10
                for i, value in enumerate((cc, bm, ours, max(cc, bm), max(cc, bm, ours))):
                    sums[i] += value
            cc, bm, ours, oracle, oracle_all = (s / len(ws.t1) for s in sums)
            best = max(cc, bm)
            print(
                f"{repo.name:16s} {len(ws.t1):7d} {cc:8.3f} {bm:6.3f} {ours:8.3f} {oracle:15.3f} "
                f"{oracle_all:11.3f} {ours - best:+13.3f} {oracle - best:+11.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
