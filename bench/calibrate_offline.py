"""Offline follow-ups to calibrate_related.py, on its `--dump` pickles (no index needed).

Per repository: the default weights; coordinate ascent fitted on the repo's own pre-cutoff
history without the recency features (`ca_norec`, regularised: margin 0.005, halfway shrink;
`ca_norec_m0`: no margin); per-repo logistic regression (pointwise, with history-depth ×
similarity/content interactions); and two diagnostics that are *not* leak-free on purpose:
`CEILING_in_candidates` (share of the expected files among the candidates at any rank) and
`ORACLE_*` (weights fitted on the test queries themselves: the most any per-repo reweighting of
these features could give). `--pair` scores a pairwise (RankNet-style) model instead.

    python bench/calibrate_offline.py /tmp/pk click cobra ... [--pair]
"""

from __future__ import annotations

import argparse
import pickle
import sys
from pathlib import Path
from typing import Any

import numpy as np
from scipy.optimize import minimize

sys.path.insert(0, str(Path(__file__).parent))
from calibrate_related import STEPS, Fast

from repomind.retrieve import related as rm

NAMES = Fast.names
DVEC = np.array([getattr(rm.DEFAULT_WEIGHTS, n) for n in NAMES])
NOREC = ("cochange", "cochange_cosine", "similar", "content", "test_pair", "same_dir", "churn")
ALL = ("cochange", "cochange_recent", *NOREC[1:])


def mats(feats: list[Any], depths: list[int]) -> list[Any]:
    out = []
    for (cands, rel), d in zip(feats, depths, strict=True):
        paths = [p for p, _ in cands]
        x = np.array([[f.get(n, 0.0) for n in NAMES] for _, f in cands]).reshape(
            len(cands), len(NAMES)
        )
        r = np.array([p in rel for p in paths], dtype=bool)
        o = np.argsort(np.array(paths))
        out.append((x[o], r[o], len(rel), d))
    return out


def rec(items: list[Any], scorer: Any, positive: bool = True) -> float:
    t = 0.0
    for x, r, n, d in items:
        if not len(r):
            continue
        s = scorer(x, d)
        top = np.argsort(-s, kind="stable")[:10]
        if positive:
            top = top[s[top] > 0]
        t += r[top].sum() / n
    return t / len(items)


def lin(w: Any) -> Any:
    return lambda x, d: x @ w


def ca(items: list[Any], fields: Any, margin: float, shrink: float, rounds: int = 2) -> Any:
    w = DVEC.copy()
    best = rec(items, lin(w))
    for _ in range(rounds):
        for n in fields:
            i = NAMES.index(n)
            cur = w[i]
            for st in STEPS:
                t = w.copy()
                t[i] = cur * st if cur else st * 0.5
                g = rec(items, lin(t))
                if g > best + margin:
                    w, best = t, g
    return DVEC + (1 - shrink) * (w - DVEC)


def design(x: Any, d: int) -> Any:
    e = d / (d + 5.0)  # history depth of the file asked about, 0..1
    base = x @ DVEC

    def col(n: str) -> Any:
        return x[:, NAMES.index(n)]

    extra = [e * col("similar"), e * col("content"), e * col("cochange")]
    return np.column_stack([base, *x.T, *extra, col("similar") * col("content"), e * base])


def _standardise(items: list[Any]) -> tuple[Any, Any]:
    allx = np.vstack([design(x, d) for x, _, _, d in items])
    return allx.mean(0), allx.std(0) + 1e-9


def fit_lr(items: list[Any], c: float) -> Any:
    mu, sd = _standardise(items)
    z = np.vstack([(design(x, d) - mu) / sd for x, _, _, d in items])
    z = np.column_stack([z, np.ones(len(z))])
    y = np.concatenate([r for _, r, _, _ in items]).astype(float)

    def f(b: Any) -> Any:
        p = 1 / (1 + np.exp(-(z @ b)))
        ll = -(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)).sum()
        g = z.T @ (p - y)
        g[:-1] += b[:-1] / c
        return ll + 0.5 / c * (b[:-1] ** 2).sum(), g

    b = minimize(f, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B").x
    return lambda x, d: ((design(x, d) - mu) / sd) @ b[:-1] + b[-1]


def fit_pair(items: list[Any], lam: float) -> Any:
    """Default score + delta·(standardised design); pairwise logistic on (expected, one of the
    300 best other candidates) pairs; delta penalised by lam (shrinks toward the default)."""
    mu, sd = _standardise(items)
    dx, db = [], []
    for x, r, _, d in items:
        if not r.any():
            continue
        z, base = (design(x, d) - mu) / sd, x @ DVEC
        neg = np.where(~r)[0]
        neg = neg[np.argsort(-base[neg], kind="stable")[:300]]
        for p in np.where(r)[0]:
            dx.append(z[p] - z[neg])
            db.append(base[p] - base[neg])
    mx, mb = np.vstack(dx), np.concatenate(db)

    def f(w: Any) -> Any:
        s = mb + mx @ w
        return np.logaddexp(0, -s).sum() + 0.5 * lam * (w @ w), mx.T @ (-1 / (1 + np.exp(s))) + (
            lam * w
        )

    w = minimize(f, np.zeros(mx.shape[1]), jac=True, method="L-BFGS-B").x
    return lambda x, d: x @ DVEC + ((design(x, d) - mu) / sd) @ w


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("dir", type=Path)
    parser.add_argument("repos", nargs="+")
    parser.add_argument("--pair", action="store_true")
    args = parser.parse_args()
    for repo in args.repos:
        with open(args.dir / f"{repo}.pkl", "rb") as fh:
            data = pickle.load(fh)
        tr = mats(data["train"], data["depth"]["train"])
        te = mats(data["test"], data["depth"]["test"])
        bar = data["bar"]
        row = {"default": rec(te, lin(DVEC))}
        if args.pair:
            for lam in (10.0, 100.0, 1000.0):
                row[f"pair_l{lam}"] = rec(te, fit_pair(tr, lam), positive=False)
            row["ORACLE_pair_test_l10"] = rec(te, fit_pair(te, 10.0), positive=False)
        else:
            row["CEILING_in_candidates"] = float(np.mean([r.sum() / n for _, r, n, _ in te]))
            row["ca_norec"] = rec(te, lin(ca(tr, NOREC, 0.005, 0.5)))
            row["ca_norec_m0"] = rec(te, lin(ca(tr, NOREC, 0.0, 0.5)))
            row["ORACLE_ca_on_test"] = rec(te, lin(ca(te, ALL, 0.0, 0.0)))
            row["ORACLE_ca14_on_test"] = rec(te, lin(ca(te, NAMES, 0.0, 0.0)))
            row["ORACLE_lr_on_test"] = rec(te, fit_lr(te, 1.0), positive=False)
            for c in (0.01, 1.0):
                row[f"lr_C{c}"] = rec(te, fit_lr(tr, c), positive=False)
        cells = " ".join(f"{k} {v:.3f}({v - bar:+.3f})" for k, v in row.items())
        print(repo, f"bar {bar:.3f}", cells, "train n", len(tr), flush=True)


if __name__ == "__main__":
    main()
