"""`repomind related FILE`: files likely to change with FILE, each with the reasons why."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from repomind.errors import UsageError
from repomind.retrieve.testpairs import is_test_pair, split_name, subject_stem
from repomind.store import Store

# How much each signal counts. Co-change is the direct evidence; the graph and naming
# conventions cover files with little history; a shared directory only breaks ties.
W_COCHANGE = 1.0
W_IMPORTS = 0.35
W_IMPORTED_BY = 0.25
W_TEST_PAIR = 0.6
W_SAME_DIR = 0.06
W_RECENT = 0.15
PRIOR_COMMITS = 2  # shrinks confidence from few commits: 1 of 1 is weaker than 8 of 10
RECENT_DAYS = 365.0


@dataclass(frozen=True, slots=True)
class Related:
    path: str
    score: float
    reasons: tuple[str, ...]


@dataclass(slots=True)
class _Candidate:
    score: float = 0.0
    reasons: list[str] = field(default_factory=list)


def related_files(store: Store, path: str, limit: int = 10) -> list[Related]:
    """Files related to `path`, best first. Raises UsageError when `path` is not indexed."""
    files = store.files()
    row = files.get(path)
    if row is None or row.skip is not None:
        raise UsageError(f"not an indexed file: {path} (run `repomind index`, or check the path)")
    indexed = {p for p, r in files.items() if r.skip is None}
    history = store.file_history()
    newest = max((h[3] for h in history.values()), default=0)
    candidates: dict[str, _Candidate] = defaultdict(_Candidate)

    own_commits = history.get(path, (0, 0, 0, 0))[1]
    for other, together, last_ts in store.cochange_partners(path):
        if other not in indexed or other == path:
            continue
        confidence = together / (own_commits + PRIOR_COMMITS)
        candidate = candidates[other]
        candidate.score += W_COCHANGE * confidence
        if newest and last_ts:
            age_days = max(0.0, (newest - last_ts) / 86400)
            candidate.score += W_RECENT * confidence * math.exp(-age_days / RECENT_DAYS)
        candidate.reasons.append(f"changed together in {together} of its {own_commits} commits")

    outgoing: dict[str, tuple[float, int]] = {}
    incoming: dict[str, tuple[float, int]] = {}
    for src, dst, weight, imports in store.edges_detail(path):
        if src == path and dst in indexed:
            outgoing[dst] = (weight, imports)
        elif dst == path and src in indexed:
            incoming[src] = (weight, imports)
    me = path.rpartition("/")[2]
    _add_graph(candidates, outgoing, W_IMPORTS, f"imported by {me}")
    _add_graph(candidates, incoming, W_IMPORTED_BY, f"imports {me}")

    stem = subject_stem(path)
    directory, _ = split_name(path)
    for other in indexed:
        if other == path:
            continue
        if stem and subject_stem(other) == stem and is_test_pair(path, other):
            candidates[other].score += W_TEST_PAIR
            candidates[other].reasons.append("test and code pair")
        elif split_name(other)[0] == directory and other in candidates:
            candidates[other].score += W_SAME_DIR
            candidates[other].reasons.append("same directory")

    ranked = sorted(candidates.items(), key=lambda kv: (-kv[1].score, kv[0]))[:limit]
    for other, candidate in ranked:
        if other in outgoing and (names := store.names_used(path, other)):
            candidate.reasons.append(f"{me} uses {', '.join(names)}")
        if other in incoming and (names := store.names_used(other, path)):
            candidate.reasons.append(f"uses {', '.join(names)} from {me}")
    return [Related(p, round(c.score, 6), tuple(c.reasons)) for p, c in ranked if c.score > 0]


def _add_graph(
    candidates: dict[str, _Candidate],
    edges: dict[str, tuple[float, int]],
    weight: float,
    import_reason: str,
) -> None:
    if not edges:
        return
    strongest = max(w for w, _ in edges.values())
    for other, (w, imports) in edges.items():
        candidate = candidates[other]
        candidate.score += weight * math.sqrt(w / strongest)
        if imports:
            candidate.reasons.append(import_reason)
