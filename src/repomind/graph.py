"""File→file edges from imports and cross-file references, and their PageRank-style rank."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from itertools import pairwise

from repomind.store import Store

# A name defined in more files than this says little about which one a reference means;
# on big trees such names also make most of the edges (Aider-style graphs of CPython: 55x).
MAX_DEFINERS = 5
IMPORT_WEIGHT = 2.0
DAMPING = 0.85


@dataclass(frozen=True, slots=True)
class GraphReport:
    files: int
    edges: int


def name_weight(name: str, count: int) -> float:
    """How much one file's use of `name` says about depending on the file defining it."""
    weight = math.sqrt(count)
    if name.startswith("_"):
        weight *= 0.3
    words = name.count("_") + sum(1 for a, b in pairwise(name) if a.islower() and b.isupper())
    if len(name) >= 8 and words:
        weight *= 2.0  # long compound identifiers are specific
    return weight


def rebuild_graph(
    store: Store,
    resolve_imports: Callable[[], Mapping[str, set[str]]],
    paths: list[str],
) -> GraphReport:
    """Recompute every edge and the file and symbol ranks from the parsed facts in `store`."""
    definers: dict[str, set[str]] = defaultdict(set)
    for name, path in store.definitions():
        definers[name].add(path)

    weights: dict[tuple[str, str], float] = defaultdict(float)
    import_counts: dict[tuple[str, str], int] = defaultdict(int)
    via: dict[tuple[str, str], dict[str, float]] = defaultdict(dict)
    for src, name, count in store.references():
        files = definers.get(name)
        if not files or len(files) > MAX_DEFINERS or src in files:
            continue
        share = name_weight(name, count) / len(files)
        for dst in files:
            weights[(src, dst)] += share
            via[(src, dst)][name] = share
    for src, targets in resolve_imports().items():
        for dst in targets:
            if dst != src:
                weights[(src, dst)] += IMPORT_WEIGHT
                import_counts[(src, dst)] += 1

    edges = []
    for (src, dst), weight in sorted(weights.items()):
        names = sorted(via.get((src, dst), {}).items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        edges.append(
            (
                src,
                dst,
                round(weight, 6),
                import_counts.get((src, dst), 0),
                ",".join(n for n, _ in names),
            )
        )
    store.conn.execute("DELETE FROM edges")
    store.replace_edges((), edges)
    store.replace_rank(pagerank(paths, [(s, d, w) for s, d, w, _, _ in edges]))
    return GraphReport(files=len(paths), edges=len(edges))


def pagerank(nodes: list[str], edges: list[tuple[str, str, float]]) -> dict[str, float]:
    """PageRank of every node (networkx, scipy backend), rounded so reruns are byte-stable."""
    if not nodes:
        return {}
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_nodes_from(sorted(nodes))
    graph.add_weighted_edges_from(edges)
    try:
        scores = nx.pagerank(graph, alpha=DAMPING, weight="weight", max_iter=200, tol=1e-10)
    except nx.PowerIterationFailedConvergence:
        scores = {n: 1.0 / len(nodes) for n in nodes}
    return {n: float(f"{scores.get(n, 0.0):.8g}") for n in nodes}
