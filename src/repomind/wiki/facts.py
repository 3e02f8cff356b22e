"""What the index knows about each area: ranked files and definitions, links, couplings, lessons.

Both page writers (the offline skeleton and the LLM prompt) read these facts, so a prose page
and its skeleton say the same things from the same sources.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from repomind.config import MemorySettings
from repomind.store import Store
from repomind.wiki.plan import Area, Plan, dependency_edges

TOP_SYMBOLS = 40
LINK_EXAMPLES = 3
COUPLINGS = 8
LESSONS = 6


@dataclass(frozen=True, slots=True)
class FileFact:
    path: str
    lines: int
    hash: str
    rank: float
    doc: str  # the file's own docstring / leading comment, one line


@dataclass(frozen=True, slots=True)
class SymbolFact:
    path: str
    name: str
    kind: str
    line: int
    end_line: int
    parent: str
    doc: str
    signature: str
    importance: float

    @property
    def qualified(self) -> str:
        return f"{self.parent}.{self.name}" if self.parent else self.name


@dataclass(frozen=True, slots=True)
class Dependency:
    src: str  # the file that uses
    dst: str  # the file used
    weight: float
    names: tuple[tuple[str, int], ...]  # (name, line in dst) of what src uses


@dataclass(slots=True)
class AreaLink:
    slug: str  # the other area
    weight: float
    examples: list[Dependency] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Coupling:
    path: str  # a file of this area
    partner: str
    together: int
    commits: int


@dataclass(slots=True)
class AreaFacts:
    area: Area
    files: list[FileFact]  # most central first
    symbols: list[SymbolFact]  # most used first
    internal: list[Dependency]  # strongest dependencies inside the area
    uses: list[AreaLink]  # areas this one depends on, strongest first
    used_by: list[AreaLink]  # areas depending on this one
    couplings: list[Coupling]
    lessons: list[str]

    @property
    def weight(self) -> float:
        return sum(f.rank for f in self.files)


@dataclass(slots=True)
class RepoFacts:
    plan: Plan
    areas: Mapping[str, AreaFacts]  # slug -> facts (LazyAreas)
    file_lines: dict[str, int]  # every indexed file -> its line count (for citation checks)
    file_hash: dict[str, str]
    rank: dict[str, float]
    top_rank: float
    readme: str  # the README's first paragraph, "" when none
    repo_map: str = ""  # memory/repo-map.md's generated text (shared context of every page)


class LazyAreas(Mapping[str, AreaFacts]):
    """slug -> AreaFacts, each computed on first use: a run that rebuilds one page reads
    the index for that area only (iterating computes them all, for the overview)."""

    def __init__(self, areas: tuple[Area, ...], build: Callable[[Area], AreaFacts]) -> None:
        self._areas = {a.slug: a for a in areas}
        self._build = build
        self._done: dict[str, AreaFacts] = {}

    def __getitem__(self, slug: str) -> AreaFacts:
        if slug not in self._done:
            self._done[slug] = self._build(self._areas[slug])
        return self._done[slug]

    def __iter__(self) -> Iterator[str]:
        return iter(self._areas)

    def __len__(self) -> int:
        return len(self._areas)


def collect_facts(
    store: Store,
    plan: Plan,
    memory: MemorySettings,
    lessons_text: str = "",
    edges: list[tuple[str, str, float]] | None = None,
) -> RepoFacts:
    """Facts for the planned areas (computed lazily, per area, while `store` is open;
    `edges`: the plan's dependency edges, when already read)."""
    rows = store.files()
    indexed = {p: r for p, r in rows.items() if r.skip is None}
    rank = store.rank()
    top = max(rank.values(), default=0.0)
    area_of = plan.area_of()
    if edges is None:
        edges = dependency_edges(store, sorted(area_of))
    by_area: dict[str, list[tuple[str, str, float]]] = defaultdict(list)
    for src, dst, weight in edges:
        by_area[area_of[src]].append((src, dst, weight))
        if area_of[dst] != area_of[src]:
            by_area[area_of[dst]].append((src, dst, weight))
    lessons = _lesson_lines(lessons_text)
    history: dict[str, tuple[int, int, int, int]] = {}

    def build(area: Area) -> AreaFacts:
        from repomind.memory.repomap import _symbol_importance

        if not history:
            history.update(store.file_history() or {"": (0, 0, 0, 0)})
        docs = store.file_docs(area.files)
        symbols_by_file: dict[str, list] = defaultdict(list)
        for row in store.symbols_of(area.files):
            symbols_by_file[row.path].append(row)
        importance = _symbol_importance(store, symbols_by_file)
        files = sorted(
            (
                FileFact(p, indexed[p].lines, indexed[p].hash, rank.get(p, 0.0), _first(docs, p))
                for p in area.files
                if p in indexed
            ),
            key=lambda f: (-f.rank, f.path),
        )
        members = set(area.files)
        touching = by_area.get(area.slug, [])
        internal = sorted(
            ((s, d, w) for s, d, w in touching if s in members and d in members),
            key=lambda e: (-e[2], e[0], e[1]),
        )[: LINK_EXAMPLES * 2]
        return AreaFacts(
            area=area,
            files=files,
            symbols=_ranked_symbols(area, symbols_by_file, importance),
            internal=[_dependency(store, s, d, w) for s, d, w in internal],
            uses=_links(store, touching, members, area_of, outgoing=True),
            used_by=_links(store, touching, members, area_of, outgoing=False),
            couplings=_couplings(store, area, memory, history, set(indexed)),
            lessons=[line for line in lessons if any(f"`{p}" in line for p in area.files)][
                :LESSONS
            ],
        )

    return RepoFacts(
        plan,
        LazyAreas(plan.areas, build),
        {p: r.lines for p, r in indexed.items()},
        {p: r.hash for p, r in indexed.items()},
        rank,
        top,
        _readme(store, indexed),
    )


def _first(docs: dict[str, str], path: str) -> str:
    return one_line(docs.get(path, ""), 200)


def one_line(text: str, limit: int) -> str:
    """First paragraph of `text` on one line, at most `limit` characters."""
    para = text.strip().split("\n\n")[0]
    flat = " ".join(para.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _ranked_symbols(
    area: Area, symbols_by_file: dict[str, list], importance: dict[tuple[str, str], float]
) -> list[SymbolFact]:
    facts: list[SymbolFact] = []
    seen: set[tuple[str, str, str]] = set()
    for path in area.files:
        for s in symbols_by_file.get(path, ()):
            key = (s.path, s.parent, s.name)
            if key in seen:
                continue
            seen.add(key)
            used = importance.get((s.path, s.name), 0.0)
            if s.parent:
                used *= 0.5
            if s.name.startswith("_") or s.parent.startswith("_"):
                used *= 0.5
            documented = 1e-9 if s.doc else 0.0
            facts.append(
                SymbolFact(
                    s.path,
                    s.name,
                    s.kind,
                    s.line,
                    s.end_line,
                    s.parent,
                    s.doc,
                    s.signature,
                    round(used + documented, 12),
                )
            )
    facts.sort(key=lambda f: (-f.importance, bool(f.parent), f.path, f.line, f.name))
    return [replace(f, doc=one_line(f.doc, 240)) for f in facts[:TOP_SYMBOLS]]


def _dependency(store: Store, src: str, dst: str, weight: float) -> Dependency:
    names = store.names_used(src, dst, LINK_EXAMPLES)
    lines: dict[str, int] = {}
    for name, places in store.definers_of(names).items():
        for path, _kind, line in places:
            if path == dst:
                lines.setdefault(name, line)
    return Dependency(src, dst, round(weight, 6), tuple((n, lines[n]) for n in names if n in lines))


def _links(
    store: Store,
    edges: list[tuple[str, str, float]],
    members: set[str],
    area_of: dict[str, str],
    *,
    outgoing: bool,
) -> list[AreaLink]:
    links: dict[str, AreaLink] = {}
    pairs: dict[str, list[tuple[float, str, str]]] = defaultdict(list)
    for src, dst, weight in edges:
        inside, other = (src, dst) if outgoing else (dst, src)
        if inside not in members or other in members:
            continue
        slug = area_of[other]
        link = links.setdefault(slug, AreaLink(slug, 0.0))
        link.weight += weight
        pairs[slug].append((weight, src, dst))
    for slug, link in links.items():
        link.weight = round(link.weight, 6)
        best = sorted(pairs[slug], key=lambda t: (-t[0], t[1], t[2]))[:LINK_EXAMPLES]
        link.examples = [_dependency(store, s, d, w) for w, s, d in best]
    return sorted(links.values(), key=lambda link: (-link.weight, link.slug))


def _couplings(
    store: Store,
    area: Area,
    memory: MemorySettings,
    history: dict[str, tuple[int, int, int, int]],
    indexed: set[str],
) -> list[Coupling]:
    """Pairs that clear memory's co-change bar, one side in this area."""
    found: dict[tuple[str, str], Coupling] = {}
    for path in area.files:
        commits = history.get(path, (0, 0, 0, 0))[1]
        if not commits:
            continue
        for other, together, _ in store.cochange_partners(path):
            if other not in indexed or together < memory.cochange_min_support:
                continue
            if together / commits < memory.cochange_min_confidence:
                continue
            key = tuple(sorted((path, other)))
            if key not in found or found[key].commits > commits:
                found[key] = Coupling(path, other, together, commits)  # type: ignore[index]
    ranked = sorted(
        found.values(),
        key=lambda c: (-round(c.together / c.commits * math.sqrt(c.together), 6), c.path),
    )
    return ranked[:COUPLINGS]


_BULLET = re.compile(r"^\s*[-*]\s+(.*\S)\s*$")


def _lesson_lines(text: str) -> list[str]:
    """Bullet lines of `memory/lessons.md` (each one lesson), in file order."""
    return [m.group(1) for line in text.splitlines() if (m := _BULLET.match(line))]


def read_repo_map(memory_dir: Path) -> str:
    """The generated part of `memory/repo-map.md` ("" when there is none)."""
    from repomind.memory.blocks import find_block
    from repomind.memory.document import GENERATED, split_frontmatter

    try:
        text = (memory_dir / "repo-map.md").read_text(encoding="utf-8")
        block = find_block(split_frontmatter(text).body, GENERATED)
    except (OSError, UnicodeDecodeError, ValueError):
        return ""
    except Exception:  # damaged markers: the map is optional context
        return ""
    return block.inner.strip() if block is not None else ""


def read_lessons(memory_dir: Path) -> str:
    try:
        return (memory_dir / "lessons.md").read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""


def _readme(store: Store, indexed: dict) -> str:
    names = sorted(
        (p for p in indexed if "/" not in p and p.lower().startswith("readme")),
        key=lambda p: (not p.lower().endswith(".md"), p),
    )
    if not names:
        return ""
    doc = store.file_docs([names[0]]).get(names[0], "")
    doc = re.sub(r"<[^>\n]*>", " ", doc)  # badges and logos
    doc = re.sub(r"\[!\[[^\]]*\]\([^)]*\)\]\([^)]*\)|!\[[^\]]*\]\([^)]*\)", " ", doc)  # images
    doc = re.sub(r"(^|\s)#+\s", " ", doc)
    return one_line(doc, 400)
