"""`repomind query TEXT`: files (and their best-matching definitions) relevant to a task."""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field

from repomind.errors import UsageError
from repomind.store import Store
from repomind.textutil import split_identifier

EXPAND_TOP = 5
RECENT_DAYS = 180.0
MAX_TERMS = 48
MAX_DEFINERS = 5

_TOKEN = re.compile(r"[\w./-]+", re.UNICODE)
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
STOPWORDS = frozenset(
    """a an the and or but if then else of to in on at by for with from into onto as is are was
    were be been being it its this that these those there here we you i he she they them our
    your my me us do does did done not no yes can could should would will shall may might must
    when where which who whom what why how all any some each more most other such only own same
    so than too very just also via per use used using""".split()
)


@dataclass(frozen=True, slots=True)
class QueryWeights:
    # FTS5 column weights: path, defined names, docs, comments, used names, subjects, words.
    columns: tuple[float, ...] = (4.0, 3.0, 1.5, 0.5, 1.0, 2.0, 1.0)
    # Fitted by coordinate ascent on five repositories' histories (bench/tune_retrieval.py).
    lexical: float = 1.0  # BM25 relative to the best match
    named_file: float = 0.75  # the task names the file
    named_symbol: float = 1.2  # ...or a definition in it, written as code
    rank: float = 0.11  # PageRank prior
    recent: float = 0.2  # recently changed files
    expansion: float = 0.6  # co-change partners of the best hits


DEFAULT_WEIGHTS = QueryWeights()


@dataclass(frozen=True, slots=True)
class SymbolMatch:
    name: str
    kind: str
    line: int


@dataclass(frozen=True, slots=True)
class Hit:
    path: str
    score: float
    reasons: tuple[str, ...]
    symbols: tuple[SymbolMatch, ...] = ()


@dataclass(slots=True)
class _Score:
    total: float = 0.0
    reasons: list[str] = field(default_factory=list)


def query_terms(text: str) -> list[str]:
    """Search terms of a task description: words and identifiers, split on case and `_`."""
    seen: dict[str, None] = {}
    for token in _TOKEN.findall(text.lower()):
        for part in re.split(r"[./-]+", token):
            if len(part) > 1 and part not in STOPWORDS and not part.isdigit():
                seen.setdefault(part, None)
    for ident in _IDENT.findall(text):
        for word in split_identifier(ident):
            if len(word) > 1 and word not in STOPWORDS:
                seen.setdefault(word, None)
    return list(seen)[:MAX_TERMS]


def match_expression(terms: list[str]) -> str:
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def query_files(
    store: Store, text: str, limit: int = 10, weights: QueryWeights = DEFAULT_WEIGHTS
) -> list[Hit]:
    """Files relevant to `text`, best first. Raises UsageError for an empty query."""
    if not text.strip():
        raise UsageError(
            "the query is empty: describe the task, e.g. `repomind query 'retry on 429'`"
        )
    terms = query_terms(text)
    indexed = set(store.indexed_paths())
    scores: dict[str, _Score] = defaultdict(_Score)

    if terms:
        found = store.search(match_expression(terms), weights.columns, 200)
        best = found[0][1] if found else 0.0
        for path, relevance in found:
            if best > 0:
                scores[path].total += weights.lexical * relevance / best
                scores[path].reasons.append("matches the words of the task")

    for path, share, reason in named_in_text(store, text, indexed):
        weight = weights.named_file if reason == NAMED_FILE else weights.named_symbol
        scores[path].total += weight * share
        scores[path].reasons.append(reason)

    if not scores:
        return []
    history = store.file_history()
    _add_priors(store, scores, weights, history)
    _expand_by_cochange(store, scores, indexed, weights.expansion, history)
    ranked = sorted(scores.items(), key=lambda kv: (-kv[1].total, kv[0]))[:limit]
    symbols = _best_symbols(store, [p for p, _ in ranked], set(terms))
    return [
        Hit(p, round(s.total, 6), tuple(dict.fromkeys(s.reasons)), symbols.get(p, ()))
        for p, s in ranked
    ]


NAMED_FILE = "named in the task"


def named_in_text(
    store: Store, text: str, indexed: set[str] | None = None
) -> list[tuple[str, float, str]]:
    """(path, share, reason) for files the text names by path, or whose definitions it names
    as code; a definition found in several files is shared among them (at most 5)."""
    indexed = set(store.indexed_paths()) if indexed is None else indexed
    out = [(path, 1.0, NAMED_FILE) for path in sorted(_named_files(text, indexed))]
    for name, places in sorted(store.definers_of(_named_identifiers(text)).items()):
        paths = sorted({p for p, _, _ in places})
        if len(paths) <= MAX_DEFINERS:
            out += [(path, 1.0 / len(paths), f"defines {name}") for path in paths]
    return out


def _named_identifiers(text: str) -> set[str]:
    """Words written as code: `quoted`, called(), snake_case, camelCase or CONSTANT_CASE."""
    named = set(re.findall(r"`([A-Za-z_][\w.]*)`", text))
    named.update(n.rpartition(".")[2] for n in set(named))
    named.update(re.findall(r"([A-Za-z_]\w*)\(", text))
    for ident in _IDENT.findall(text):
        if "_" in ident.strip("_") or any(c.isupper() for c in ident[1:]) or ident.isupper():
            named.add(ident)
    return {n for n in named if len(n) > 2}


def _named_files(text: str, indexed: set[str]) -> set[str]:
    """Indexed files the text names by path, path suffix or unambiguous file name."""
    by_name: dict[str, list[str]] = defaultdict(list)
    for path in indexed:
        by_name[path.rpartition("/")[2]].append(path)
    named: set[str] = set()
    for token in re.findall(r"[\w./-]+\.\w+", text):
        token = token.strip("./")
        if token in indexed:
            named.add(token)
            continue
        base = token.rpartition("/")[2]
        matches = [p for p in by_name.get(base, ()) if p.endswith(token)]
        if len(matches) == 1 or (matches and "/" in token):
            named.update(matches)
    return named


def _add_priors(
    store: Store,
    scores: dict[str, _Score],
    weights: QueryWeights,
    history: dict[str, tuple[int, int, int, int]],
) -> None:
    """Central and recently changed files win ties between equally good matches."""
    rank = store.rank_of(scores)
    top = store.top_rank()
    newest = max((h[3] for h in history.values()), default=0)
    for path, score in scores.items():
        if top > 0:
            score.total += weights.rank * math.sqrt(rank.get(path, 0.0) / top)
        last = history.get(path, (0, 0, 0, 0))[3]
        if newest and last:
            age_days = max(0.0, (newest - last) / 86400)
            score.total += weights.recent * math.exp(-age_days / RECENT_DAYS)


def _expand_by_cochange(
    store: Store,
    scores: dict[str, _Score],
    indexed: set[str],
    weight: float,
    history: dict[str, tuple[int, int, int, int]],
) -> None:
    """The files that usually change with the best hits are likely needed too."""
    top = sorted(scores.items(), key=lambda kv: (-kv[1].total, kv[0]))[:EXPAND_TOP]
    boosts: dict[str, tuple[float, str]] = {}
    for path, score in top:
        commits = history.get(path, (0, 0, 0, 0))[1]
        if not commits:
            continue
        for other, together, _ in store.cochange_partners(path)[:20]:
            if other not in indexed:
                continue
            boost = weight * score.total * together / (commits + 2)
            if boost > boosts.get(other, (0.0, ""))[0]:
                boosts[other] = (boost, path)
    for other, (boost, source) in boosts.items():
        scores[other].total += boost
        scores[other].reasons.append(f"usually changes with {source}")


def _best_symbols(
    store: Store, paths: list[str], terms: set[str]
) -> dict[str, tuple[SymbolMatch, ...]]:
    out: dict[str, list[tuple[int, int, SymbolMatch]]] = defaultdict(list)
    for row in store.symbols_of(paths):
        words = set(split_identifier(row.name)) | {row.name.lower()}
        overlap = len(words & terms)
        if overlap:
            out[row.path].append((-overlap, row.line, SymbolMatch(row.name, row.kind, row.line)))
    return {
        p: tuple(m for _, _, m in sorted(v, key=lambda t: (t[0], t[1], t[2].name))[:3])
        for p, v in out.items()
    }
