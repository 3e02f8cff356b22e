"""`repomind related FILE`: files likely to change with FILE, each with the reasons why.

Every candidate gets a few features (co-change, its recency, import/reference edges both ways,
lexical similarity, test↔code naming, directory, churn, co-edits in agent sessions that
`repomind reflect` learned); the score is their weighted sum. The
best candidates so far are then compared with the file word by word (BM25 over their texts, read
from the work tree), which adds one more feature. The weights were chosen on several public
repositories' own histories with `repomind eval`.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from repomind.errors import UsageError
from repomind.layout import Layout
from repomind.retrieve.testpairs import is_test_pair, split_name, subject_stem
from repomind.store import Store

SIMILAR_TERMS = 60  # the file's own most telling words, used to find files about the same
SIMILAR_COLUMNS = (2.0, 2.0, 1.0, 0.3, 1.0, 0.5, 0.5)  # FTS columns, as in retrieve.query
PRIOR_COMMITS = 2  # shrinks confidence from few commits: 1 of 1 is weaker than 8 of 10
RECENT_DAYS = 365.0
HISTORY_TRUST = 5  # commits after which a file's co-change history outweighs its content
CONTENT_POOL = 30  # best candidates re-read from disk and compared word by word
CONTENT_TERMS = 100  # the file's most frequent words, compared by BM25
CONTENT_BYTES = 1 << 15  # of each file, read at query time
CONTENT_REASON = 0.5  # content similarity worth telling the user about
_TOKEN = re.compile(rb"[a-z0-9]+")  # ASCII words, as bytes: fast


@dataclass(frozen=True, slots=True)
class RelatedWeights:
    """Feature weights, fitted by coordinate ascent on eleven public repositories' histories
    (click, black, cobra, axios, gson, gin, express, jekyll, fastapi, tokio, redis;
    `bench/tune_retrieval.py`), maximising the mean margin over the best baseline with a penalty
    for any repository below it; rounded."""

    cochange: float = 4.0  # together / (own commits + 2)
    cochange_recent: float = 0.7  # the same, decayed by the pair's last co-change
    cochange_2hop: float = 0.75  # partner of a strong partner
    cochange_cosine: float = 0.75  # together / sqrt(both files' commits): corrects for hubs
    imports: float = 0.2  # this file imports / uses names from it
    imported_by: float = 0.0
    similar: float = 1.6  # BM25 of this file's telling words, relative to itself
    similar_fresh: float = 0.2  # ...counted more while the file has little history
    test_pair: float = 0.375
    same_dir: float = 0.09
    path_near: float = 0.0
    content: float = 0.5  # BM25 of this file's frequent words in the candidate's text
    sessions: float = 2.0  # edited together for one task in agent sessions (lessons.md);
    # not fitted (replayed history has no sessions): one session weighs like a partner in a
    # quarter of the file's commits (4.0 × 0.25), two or more like one in half of them
    churn: float = 0.25  # busy files are more often part of a change
    recent_change: float = 0.25  # ...and so are recently changed ones


DEFAULT_WEIGHTS = RelatedWeights()


@dataclass(frozen=True, slots=True)
class Related:
    path: str
    score: float
    reasons: tuple[str, ...]


@dataclass(slots=True)
class _Candidate:
    features: dict[str, float] = field(default_factory=dict)
    reasons: list[str] = field(default_factory=list)

    def score(self, weights: RelatedWeights) -> float:
        return sum(getattr(weights, name) * value for name, value in self.features.items())


def related_files(
    store: Store, path: str, limit: int = 10, weights: RelatedWeights = DEFAULT_WEIGHTS
) -> list[Related]:
    """Files related to `path`, best first. Raises UsageError when `path` is not indexed."""
    indexed = set(store.indexed_paths())
    if path not in indexed:
        raise UsageError(f"not an indexed file: {path} (run `repomind index`, or check the path)")
    candidates = _candidates(store, path, indexed, weights)
    scored = sorted(
        ((other, c.score(weights), c) for other, c in candidates.items()),
        key=lambda item: (-item[1], item[0]),
    )[:limit]
    me = path.rpartition("/")[2]
    results = []
    for other, score, candidate in scored:
        if score <= 0:
            continue
        if candidate.features.get("imports") and (names := store.names_used(path, other)):
            candidate.reasons.append(f"{me} uses {', '.join(names)}")
        if candidate.features.get("imported_by") and (names := store.names_used(other, path)):
            candidate.reasons.append(f"uses {', '.join(names)} from {me}")
        results.append(Related(other, round(score, 6), tuple(candidate.reasons)))
    return results


def _candidates(
    store: Store, path: str, indexed: set[str], weights: RelatedWeights = DEFAULT_WEIGHTS
) -> dict[str, _Candidate]:
    candidates = _signals(store, path, indexed)
    root = _work_tree(store)
    if root is not None:
        _add_sessions(root, path, candidates, indexed)
    _add_content(store, path, candidates, weights, len(indexed))
    return candidates


def _add_sessions(
    root: Path, path: str, candidates: dict[str, _Candidate], indexed: set[str]
) -> None:
    """Files agents edited together with this one for one task (`repomind reflect`'s co-edit
    lessons), however few commits recorded it."""
    if not Layout(root).lessons.is_file():
        return
    from repomind.reflect.verify import current_lessons

    for entry in current_lessons(root):
        if entry.kind != "cochange" or entry.stale or path not in entry.files:
            continue
        for other in entry.files:
            if other != path and other in indexed:
                candidate = candidates[other]
                candidate.features["sessions"] = min(entry.seen / 2, 1.0)
                sessions = "session" if entry.seen == 1 else "sessions"
                candidate.reasons.append(f"edited together in {entry.seen} agent {sessions}")


def _signals(store: Store, path: str, indexed: set[str]) -> dict[str, _Candidate]:
    busiest, newest = store.history_extremes()
    candidates: dict[str, _Candidate] = defaultdict(_Candidate)

    partners = store.cochange_partners(path)
    history = store.file_history_of([path, *(p for p, _, _ in partners)])
    own_commits = history.get(path, (0, 0, 0, 0))[1]
    for other, together, last_ts in partners:
        if other not in indexed or other == path:
            continue
        confidence = together / (own_commits + PRIOR_COMMITS)
        candidate = candidates[other]
        candidate.features["cochange"] = confidence
        theirs = history.get(other, (0, 0, 0, 0))[1]
        candidate.features["cochange_cosine"] = together / math.sqrt(
            (own_commits + PRIOR_COMMITS) * (theirs + PRIOR_COMMITS)
        )
        if newest and last_ts:
            age_days = max(0.0, (newest - last_ts) / 86400)
            candidate.features["cochange_recent"] = confidence * math.exp(-age_days / RECENT_DAYS)
        candidate.reasons.append(f"changed together in {together} of its {own_commits} commits")

    me = path.rpartition("/")[2]
    outgoing: dict[str, tuple[float, int]] = {}
    incoming: dict[str, tuple[float, int]] = {}
    for src, dst, weight, imports in store.edges_detail(path):
        if src == path and dst in indexed:
            outgoing[dst] = (weight, imports)
        elif dst == path and src in indexed:
            incoming[src] = (weight, imports)
    _add_edges(candidates, outgoing, "imports", f"imported by {me}")
    _add_edges(candidates, incoming, "imported_by", f"imports {me}")

    experience = own_commits / (own_commits + HISTORY_TRUST)
    for other, similarity in _similar_files(store, path, indexed):
        candidates[other].features["similar"] = similarity
        candidates[other].features["similar_fresh"] = similarity * (1 - experience)
        if similarity >= 0.5:
            candidates[other].reasons.append("uses the same names")

    stem = subject_stem(path)
    directory = split_name(path)[0]
    prefix = f"{directory}/" if directory else ""
    for other in indexed:
        if other == path:
            continue
        name = other.rpartition("/")[2].lower().replace("_", "").replace("-", "")
        if stem and stem in name and is_test_pair(path, other):
            candidates[other].features["test_pair"] = 1.0
            candidates[other].reasons.append("test and code pair")
        elif other.startswith(prefix) and "/" not in other[len(prefix) :]:
            candidates[other].features["same_dir"] = 1.0
            candidates[other].reasons.append("same directory")

    _add_two_hop(store, path, candidates, indexed, own_commits, history)
    history.update(store.file_history_of(p for p in candidates if p not in history))
    parts = path.split("/")[:-1]
    for other, candidate in candidates.items():
        commits, _, _, last_ts = history.get(other, (0, 0, 0, 0))
        if busiest:
            candidate.features["churn"] = math.log1p(commits) / math.log1p(busiest)
        if newest and last_ts:
            age_days = max(0.0, (newest - last_ts) / 86400)
            candidate.features["recent_change"] = math.exp(-age_days / 30)
        other_parts = other.split("/")[:-1]
        shared = 0
        for a, b in zip(parts, other_parts, strict=False):
            if a != b:
                break
            shared += 1
        depth = max(len(parts), len(other_parts), 1)
        candidate.features["path_near"] = shared / depth
    return candidates


def _add_two_hop(
    store: Store,
    path: str,
    candidates: dict[str, _Candidate],
    indexed: set[str],
    own_commits: int,
    history: dict[str, tuple[int, int, int, int]],
) -> None:
    """Partners of the strongest partners: files that move with what moves with this one."""
    direct = sorted(
        ((c.features.get("cochange", 0.0), p) for p, c in candidates.items()), reverse=True
    )[:5]
    for strength, middle in direct:
        if strength <= 0:
            break
        commits = history.get(middle, (0, 0, 0, 0))[1]
        for other, together, _ in store.cochange_partners(middle)[:20]:
            if other == path or other not in indexed:
                continue
            hop = strength * together / (commits + PRIOR_COMMITS)
            feature = candidates[other].features
            feature["cochange_2hop"] = max(feature.get("cochange_2hop", 0.0), hop)


def _similar_files(store: Store, path: str, indexed: set[str]) -> list[tuple[str, float]]:
    """Files whose names and words overlap this file's, with similarity scaled to 0..1."""
    from repomind.retrieve.query import match_expression

    terms = store.telling_terms(path, SIMILAR_TERMS)
    if not terms:
        return []
    found = store.search(match_expression(terms), SIMILAR_COLUMNS, 61)
    own = next((s for p, s in found if p == path), 0.0) or (found[0][1] if found else 0.0)
    if own <= 0:
        return []
    # Scaled by the file's match with itself, so 0.5 means "half as close as itself".
    return [(p, min(s / own, 1.0)) for p, s in found if p != path and p in indexed]


def _add_edges(
    candidates: dict[str, _Candidate],
    edges: dict[str, tuple[float, int]],
    feature: str,
    import_reason: str,
) -> None:
    if not edges:
        return
    strongest = max(w for w, _ in edges.values())
    for other, (w, imports) in edges.items():
        candidate = candidates[other]
        candidate.features[feature] = math.sqrt(w / strongest)
        if imports:
            candidate.reasons.append(import_reason)


def _work_tree(store: Store) -> Path | None:
    """The work tree an index belongs to (`<root>/.repomind/cache/index.sqlite`)."""
    for parent in Path(store.path).parents:
        if parent.name == ".repomind":
            return parent.parent
    return None


def _words(root: Path, path: str) -> tuple[Counter[bytes], int]:
    """How often each word occurs in the file's first CONTENT_BYTES, and how many words."""
    try:
        with open(root / path, "rb") as handle:
            data = handle.read(CONTENT_BYTES)
    except OSError:
        return Counter(), 0
    words = _TOKEN.findall(data.lower())
    return Counter(words), len(words)


def _add_content(
    store: Store,
    path: str,
    candidates: dict[str, _Candidate],
    weights: RelatedWeights,
    documents: int,
) -> None:
    """BM25 of the file's most frequent words in the texts of the best candidates so far.

    The index keeps each file's distinct words but not how often they occur; how often matters
    (a test of `download` says it many times), so the few best candidates are read from disk.
    Scaled by the file's match with itself; document frequencies come from the search index.
    """
    if not weights.content:
        return
    root = _work_tree(store)
    if root is None:
        return
    own, own_length = _words(root, path)
    if not own:
        return
    terms = [w for w, _ in sorted(own.items(), key=lambda wc: (-wc[1], wc[0]))[:CONTENT_TERMS]]
    frequency = store._term_document_frequency([t.decode() for t in terms])
    idf = {
        t: math.log(1 + (documents - df + 0.5) / (df + 0.5))
        for t in terms
        if (df := frequency.get(t.decode(), 0)) > 0
    }
    if not idf:
        return
    pool = sorted(candidates.items(), key=lambda pc: (-pc[1].score(weights), pc[0]))
    texts = {p: _words(root, p) for p, _ in pool[:CONTENT_POOL]}
    lengths = [n for _, n in texts.values()] + [own_length]
    average = max(sum(lengths) / len(lengths), 1.0)

    def bm25(words: Counter[bytes], length: int) -> float:
        norm = 1.2 * (0.25 + 0.75 * length / average)
        return sum(w * (tf := words.get(t, 0)) * 2.2 / (tf + norm) for t, w in idf.items())

    itself = bm25(own, own_length)
    if itself <= 0:
        return
    for other, (words, length) in texts.items():
        if words:
            similarity = min(bm25(words, length) / itself, 1.0)
            candidates[other].features["content"] = similarity
            if similarity >= CONTENT_REASON:
                candidates[other].reasons.append("says the same words")
