"""File→file edges from imports and cross-file references, and their PageRank-style rank.

Edges are stored per source file, so a change re-derives only the edges it can affect: those
of the changed files, of files using a name whose definitions moved, and of files whose
imports may now resolve differently. The rank is recomputed when the graph is rebuilt or
when enough edges changed since the last computation to matter.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from repomind.store import Store

# A name defined in more files than this says little about which one a reference means;
# on big trees such names also make most of the edges (Aider-style graphs of CPython: 55x).
MAX_DEFINERS = 5
IMPORT_WEIGHT = 2.0
DAMPING = 0.85
# Recompute the rank once this share of the edges changed since it was last computed.
RERANK_SHARE = 0.02
# Past this share of changed files an incremental update costs more than a rebuild.
REBUILD_SHARE = 0.2

_COMPOUND = re.compile(r"[a-z][A-Z]|_[A-Za-z]")

Resolver = Callable[[Iterable[str]], Mapping[str, set[str]]]


@dataclass(frozen=True, slots=True)
class GraphReport:
    files: int
    edges: int
    sources_updated: int
    reranked: bool


@lru_cache(maxsize=1 << 16)
def _name_factor(name: str) -> float:
    factor = 1.0
    if name.startswith("_"):
        factor *= 0.3
    if len(name) >= 8 and _COMPOUND.search(name):
        factor *= 2.0  # long compound identifiers are specific
    return factor


def name_weight(name: str, count: int) -> float:
    """How much one file's use of `name` says about depending on the file defining it."""
    return _name_factor(name) * math.sqrt(count)


@dataclass(frozen=True, slots=True)
class GraphChange:
    """What changed in the parsed facts since the graph was last updated."""

    changed: frozenset[str]  # code files whose content changed (added ones included)
    removed: frozenset[str]  # code files no longer indexed
    added: frozenset[str]  # code files new to the index
    names: frozenset[str]  # names whose set of defining files may have changed


def update_graph(
    store: Store, code: list[str], change: GraphChange | None, resolve: Resolver
) -> GraphReport:
    """Bring edges and rank up to date; `change=None` rebuilds everything."""
    code_set = set(code)
    full = (
        change is None
        or store.meta("graph_built") != "1"
        or len(change.changed) + len(change.removed) > REBUILD_SHARE * max(len(code), 1)
    )
    if full:
        sources = set(code)
        store.clear_edges()
    else:
        assert change is not None
        sources = set(change.changed)
        sources |= store.files_referencing(change.names)
        sources |= _import_users(store, change.added | change.removed)
        sources &= code_set
        store.delete_edges_of(change.removed)
    edges = _edges_from(store, sources, resolve)
    store.replace_edges(sources, edges)
    store.set_meta("graph_built", "1")

    pending = 0
    if change is not None and not full:
        pending = int(store.meta("rank_pending") or 0) + len(edges) + len(change.removed)
    total = store.edge_count()
    reranked = full or pending > max(50, RERANK_SHARE * total) or not store.rank()
    if reranked:
        store.replace_rank(pagerank(code, store.edges()))
        store.set_meta("rank_pending", "0")
    else:
        store.set_meta("rank_pending", str(pending))
        store.patch_rank(code_set)
    return GraphReport(len(code), total, len(sources), reranked)


def _import_users(store: Store, paths: Iterable[str]) -> set[str]:
    """Files with an import that mentions the stem of an added or removed file."""
    stems = {p.rpartition("/")[2].split(".")[0] for p in paths}
    stems = {s for s in stems if len(s) > 1 and s not in ("index", "__init__", "mod", "main")}
    return store.files_importing_like(stems)


def _edges_from(
    store: Store, sources: set[str], resolve: Resolver
) -> list[tuple[str, str, float, int]]:
    """(src, dst, weight, import count) for every edge leaving `sources`, sorted."""
    if not sources:
        return []
    references = list(store.references(sources))
    definers: dict[str, list[str]] = defaultdict(list)
    for name, path in store.definitions({name for _, name, _ in references}):
        definers[name].append(path)
    weights: dict[tuple[str, str], float] = defaultdict(float)
    for src, name, count in references:
        files = definers.get(name)
        if not files or len(files) > MAX_DEFINERS or src in files:
            continue
        share = name_weight(name, count) / len(files)
        for dst in files:
            weights[(src, dst)] += share
    import_counts: dict[tuple[str, str], int] = defaultdict(int)
    for src, targets in resolve(sorted(sources)).items():
        for dst in targets:
            if dst != src:
                weights[(src, dst)] += IMPORT_WEIGHT
                import_counts[(src, dst)] += 1
    return [
        (src, dst, round(weight, 6), import_counts.get((src, dst), 0))
        for (src, dst), weight in sorted(weights.items())
    ]


def pagerank(nodes: list[str], edges: list[tuple[str, str, float]]) -> dict[str, float]:
    """PageRank of every node, rounded so reruns are byte-stable.

    networkx's scipy algorithm (power iteration on a sparse, row-normalised matrix with
    dangling nodes spread uniformly), fed the edge table directly: building a networkx graph
    object first cost more than the ranking itself on 10k files.
    """
    if not nodes:
        return {}
    import numpy as np
    import scipy.sparse as sp

    order = sorted(nodes)
    index = {n: i for i, n in enumerate(order)}
    n = len(order)
    kept = [(index[s], index[d], w) for s, d, w in edges if s in index and d in index]
    if kept:
        rows, cols, data = (np.array(x) for x in zip(*kept, strict=True))
    else:
        rows = cols = np.array([], dtype=int)
        data = np.array([], dtype=float)
    matrix = sp.csr_array((data.astype(float), (rows, cols)), shape=(n, n))
    out_weight = np.asarray(matrix.sum(axis=1)).ravel()
    inverse = np.divide(1.0, out_weight, out=np.zeros(n), where=out_weight != 0)
    transition = sp.diags_array(inverse) @ matrix
    dangling = out_weight == 0
    uniform = np.full(n, 1.0 / n)
    x = uniform.copy()
    for _ in range(200):
        previous = x
        x = DAMPING * (x @ transition + x[dangling].sum() * uniform) + (1 - DAMPING) * uniform
        if np.abs(x - previous).sum() < n * 1e-10:
            break
    return {node: float(f"{x[i]:.8g}") for node, i in index.items()}
