"""Experiment (issue 4, T1): per-repository `related` weights fitted on the repo's own history.

For each repository the cutoff index is built as `repomind eval` does (leak-free). Then, inside
that cutoff index, the newest --train qualifying commits *before the cutoff* are replayed as
training queries, with co-change counted leave-one-out (the replayed commit's own contribution
is subtracted from the pair counts and the files' commit counts, so it cannot predict itself).
A few rounds of coordinate ascent on the training recall@10 fit a subset of RelatedWeights,
accepting a change only if it improves training recall by --margin, then shrinking halfway to
the defaults. The test commits (the eval's) are scored with default and calibrated weights.

    python bench/calibrate_related.py /work/bench-repos/click ... [--train 150] [--json out]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from repomind.evaluate import (
    MAX_FILES,
    Query,
    eval_workspace,
    score,
    select_commits,
)
from repomind.retrieve import related as related_mod
from repomind.scan import PathFilter

sys.path.insert(0, str(Path(__file__).parent))
from tune_retrieval import best_baseline, t1_features, t1_score

FIT = (
    "cochange",
    "cochange_recent",
    "cochange_cosine",
    "similar",
    "content",
    "test_pair",
    "same_dir",
    "churn",
)
STEPS = (0.0, 0.5, 0.75, 1.5, 2.0)


class LeaveOneOut:
    """A Store proxy whose co-change counts leave out one commit's files."""

    def __init__(self, store: Any, files: frozenset[str]) -> None:
        self._store = store
        self._files = files

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def cochange_partners(self, path: str) -> list[tuple[str, int, int]]:
        rows = self._store.cochange_partners(path)
        if path not in self._files:
            return rows
        out = []
        for other, n, ts in rows:
            if other in self._files:
                n -= 1
            if n > 0:
                out.append((other, n, ts))
        return sorted(out, key=lambda r: (-r[1], r[0]))

    def file_history_of(self, paths: Any) -> dict[str, tuple[int, int, int, int]]:
        got = self._store.file_history_of(paths)
        for p in self._files & got.keys():
            c, cc, first, last = got[p]
            got[p] = (max(c - 1, 0), max(cc - 1, 0), first, last)
        return got


def train_features(ws: Any, count: int) -> tuple[list[Any], list[int]]:
    """Leave-one-out T1 features of the newest `count` qualifying commits up to the cutoff."""
    chosen = select_commits(ws.tree, count, PathFilter([], []))
    indexed = set(ws.indexed)
    out = []
    depths: list[int] = []
    for commit in chosen:
        known = frozenset(p for p in commit.files if p in indexed)
        if len(known) < 2 or len(commit.files) > MAX_FILES:
            continue
        proxy = LeaveOneOut(ws.store, frozenset(commit.files))
        for f in sorted(known):
            q = Query(commit.sha, f, known - {f})
            cands = related_mod._candidates(proxy, q.text, indexed)  # type: ignore[arg-type]
            out.append(([(p, dict(c.features)) for p, c in cands.items()], q.relevant))
            depths.append(proxy.file_history_of([f]).get(f, (0, 0, 0, 0))[1])
    return out, depths


def _depths(store: Any, paths: list[str], files: frozenset[str]) -> list[int]:
    got = store.file_history_of(paths)
    return [got.get(p, (0, 0, 0, 0))[1] for p in paths]


class Fast:
    """Features as matrices so a weight vector is scored by one matrix product per query."""

    names: ClassVar[list[str]] = [f.name for f in dataclasses.fields(related_mod.RelatedWeights)]

    def __init__(self, feats: list[Any]) -> None:
        self.items = []
        for cands, relevant in feats:
            paths = [p for p, _ in cands]
            x = np.array([[f.get(n, 0.0) for n in self.names] for _, f in cands]).reshape(
                len(cands), len(self.names)
            )
            rel = np.array([p in relevant for p in paths], dtype=bool)
            order = np.argsort(np.array(paths))  # ties broken by path as related_files does
            self.items.append((x[order], rel[order], len(relevant)))

    def recall(self, w: related_mod.RelatedWeights) -> float:
        vec = np.array([getattr(w, n) for n in self.names])
        total = 0.0
        for x, rel, n in self.items:
            if not len(rel):
                continue
            s = x @ vec
            top = np.argsort(-s, kind="stable")[:10]
            top = top[s[top] > 0]
            total += rel[top].sum() / n
        return total / max(len(self.items), 1)


def calibrate(
    train: Fast, rounds: int, margin: float, shrink: float
) -> tuple[related_mod.RelatedWeights, float, float]:
    d = related_mod.DEFAULT_WEIGHTS
    best, best_value = d, train.recall(d)
    start = best_value
    for _ in range(rounds):
        for name in FIT:
            current = getattr(best, name)
            for step in STEPS:
                value = current * step if current else step * 0.5
                trial = dataclasses.replace(best, **{name: value})
                got = train.recall(trial)
                if got > best_value + margin:
                    best, best_value = trial, got
    shrunk = dataclasses.replace(
        best,
        **{n: getattr(d, n) + (1 - shrink) * (getattr(best, n) - getattr(d, n)) for n in FIT},
    )
    return shrunk, start, best_value


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("repos", nargs="+", type=Path)
    parser.add_argument("--commits", type=int, default=100)
    parser.add_argument("--train", type=int, default=150)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--dump", type=Path, help="pickle train/test features here, per repo")
    args = parser.parse_args()
    rows = []
    for repo in args.repos:
        t0 = time.perf_counter()
        with eval_workspace(repo.resolve(), args.commits) as ws:
            built = time.perf_counter() - t0
            base = score(ws, {})
            bar = best_baseline(base)
            test = t1_features(ws)
            t1 = time.perf_counter()
            train_raw, train_depths = train_features(ws, args.train)
            train_seconds = time.perf_counter() - t1
            train = Fast(train_raw)
            test_fast = Fast(test)
            if args.dump:
                import pickle

                with open(args.dump / f"{repo.name}.pkl", "wb") as fh:
                    depth = {
                        "test": _depths(ws.store, [q.text for q in ws.t1], frozenset()),
                        "train": train_depths,
                    }
                    pickle.dump({"train": train_raw, "test": test, "bar": bar, "depth": depth}, fh)
            row: dict[str, Any] = {
                "repo": repo.name,
                "bar": bar,
                "baselines": {
                    k: v.recall_at_10 for k, v in base.t1.results.items() if v is not None
                },
                "index_seconds": ws.index_seconds,
                "build_seconds": built,
                "train_queries": len(train_raw),
                "train_feature_seconds": train_seconds,
                "default": t1_score(test, related_mod.DEFAULT_WEIGHTS).recall_at_10,
                "default_fast": test_fast.recall(related_mod.DEFAULT_WEIGHTS),
            }
            for margin, shrink in ((0.0, 0.0), (0.002, 0.5), (0.005, 0.5), (0.002, 0.0)):
                t2 = time.perf_counter()
                w, s0, s1 = calibrate(train, args.rounds, margin, shrink)
                key = f"m{margin}_s{shrink}"
                row[key] = {
                    "test": test_fast.recall(w),
                    "train_before": s0,
                    "train_after": s1,
                    "fit_seconds": time.perf_counter() - t2,
                    "weights": {n: getattr(w, n) for n in FIT},
                }
            rows.append(row)
            print(json.dumps(row), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()
