"""Which pages the wiki has: areas of the code from directories, refined by graph communities.

An area is a set of files a reader wants explained together: a package or directory, split
along graph communities when a flat directory is too big, with tiny directories folded into
their best-connected neighbour. Same index, same plan: everything is sorted, and the community
detection is seeded.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from repomind.store import Store

MAX_AREA_FILES = 24  # a bigger directory is split (sub-directories, then communities)
MIN_AREA_FILES = 3  # a smaller group is folded into its best-connected neighbour
MAX_AREA_LINES = 8000  # ...and so is a directory with more code than one page can explain
MIN_AREA_LINES = 20  # ...and so is one with less code than this (fixtures, empty packages)
RESERVED_SLUGS = frozenset({"overview", "index"})


@dataclass(frozen=True, slots=True)
class Area:
    slug: str  # the page's file name without `.md`
    title: str  # what the page is called: the directory, or the directory and its theme
    directory: str  # common directory of the files ("" for the repository root)
    files: tuple[str, ...]  # sorted repo-relative paths


@dataclass(frozen=True, slots=True)
class Plan:
    areas: tuple[Area, ...]  # sorted by slug
    edges: tuple[tuple[str, str, float], ...] = ()  # dependency edges between wiki files

    def area_of(self) -> dict[str, str]:
        """path -> slug of the area holding it."""
        return {path: area.slug for area in self.areas for path in area.files}


@dataclass(slots=True)
class _Group:
    directory: str
    files: list[str]
    theme: str = ""  # set when a directory was split into communities


def wiki_files(store: Store) -> list[str]:
    """The files the wiki explains: indexed source code (all indexed files if there is none)."""
    rows = store.files()
    code = sorted(p for p, r in rows.items() if r.skip is None and r.language is not None)
    if code:
        return code
    return sorted(p for p, r in rows.items() if r.skip is None and not p.startswith(".repomind/"))


def plan_areas(store: Store, max_pages: int) -> Plan:
    """The areas of the repository's code, at most `max_pages` of them."""
    files = wiki_files(store)
    if not files:
        return Plan(())  # nothing to explain
    pages = max(1, max_pages)
    limit = max(MAX_AREA_FILES, math.ceil(len(files) / pages))
    directed = dependency_edges(store, files)
    edges = _undirected(directed, set(files))
    rank = store.rank()
    lines = {p: r.lines for p, r in store.files().items()}
    groups = _split("", files, limit, edges, rank, lines)
    adjacency: dict[str, dict[str, float]] = defaultdict(dict)
    for (a, b), weight in edges.items():
        adjacency[a][b] = adjacency[b][a] = weight
    groups = _fold_tiny(groups, adjacency, lines)
    while len(groups) > pages:
        smallest = min(groups, key=lambda g: (len(g.files), g.directory, g.theme))
        groups = _merge_into_neighbour(groups, smallest, adjacency)
    return Plan(_name(groups, rank), tuple(directed))


def dependency_edges(store: Store, paths: list[str]) -> list[tuple[str, str, float]]:
    """(src, dst, weight) between wiki files: import edges when the repository has any (a
    shared method name is weaker evidence than an import), else every edge."""
    members = set(paths)
    detail: dict[tuple[str, str], tuple[float, int]] = {}
    for path in paths:
        for src, dst, weight, imports in store.edges_detail(path):
            if src == path and dst in members:
                detail[(src, dst)] = (weight, imports)
    with_imports = any(imports for _, imports in detail.values())
    return [
        (src, dst, weight)
        for (src, dst), (weight, imports) in sorted(detail.items())
        if imports or not with_imports
    ]


def _parent(path: str) -> str:
    return path.rpartition("/")[0]


def _undirected(
    edges: Iterable[tuple[str, str, float]], keep: set[str]
) -> dict[tuple[str, str], float]:
    out: dict[tuple[str, str], float] = defaultdict(float)
    for src, dst, weight in edges:
        if src in keep and dst in keep and src != dst:
            a, b = sorted((src, dst))
            out[(a, b)] += weight
    return dict(out)


def _split(
    directory: str,
    files: list[str],
    limit: int,
    edges: dict[tuple[str, str], float],
    rank: dict[str, float],
    lines: dict[str, int],
) -> list[_Group]:
    prefix = f"{directory}/" if directory else ""
    direct = [f for f in files if _parent(f) == directory]
    below: dict[str, list[str]] = defaultdict(list)
    for f in files:
        if _parent(f) != directory:
            below[prefix + f[len(prefix) :].split("/")[0]].append(f)
    packages = sum(1 for sub in below.values() if _substantial(sub, lines))
    size = sum(lines.get(f, 0) for f in files)
    if len(files) <= limit and size <= MAX_AREA_LINES and packages < 2:
        if not direct and len(below) == 1:  # a wrapper directory (src/): look inside
            (sub,) = below
            return _split(sub, files, limit, edges, rank, lines)
        return [_Group(directory, files)]  # small enough, and not several packages
    if not below:
        return _communities(directory, files, edges, rank)
    groups: list[_Group] = []
    for sub in sorted(below):
        groups += _split(sub, below[sub], limit, edges, rank, lines)
    tiny = [g for g in groups if not _substantial(g.files, lines)]
    rest = [g for g in groups if _substantial(g.files, lines)]
    # The directory's own files and its tiny sub-directories make one area together.
    own = sorted(direct + [f for g in tiny for f in g.files])
    if own:
        if len(own) > limit:
            rest += _communities(directory, own, edges, rank)
        else:
            rest.append(_Group(directory, own))
    return rest


def _communities(
    directory: str, files: list[str], edges: dict[tuple[str, str], float], rank: dict[str, float]
) -> list[_Group]:
    """A flat directory too big for one page, split along its import/reference communities;
    kept whole when its files hardly depend on each other (tests, examples)."""
    import networkx as nx
    from networkx.algorithms.community import louvain_communities

    graph = nx.Graph()
    graph.add_nodes_from(files)
    keep = set(files)
    for (a, b), weight in sorted(edges.items()):
        if a in keep and b in keep:
            graph.add_edge(a, b, weight=weight)
    parts = [sorted(c) for c in louvain_communities(graph, weight="weight", seed=7)]
    big = [p for p in parts if len(p) >= MIN_AREA_FILES]
    if len(big) < 2:
        return [_Group(directory, files)]
    leftovers = sorted(f for p in parts if len(p) < MIN_AREA_FILES for f in p)
    groups = [_Group(directory, p) for p in big]
    for f in leftovers:
        best = max(
            groups, key=lambda g: (sum(_weight(edges, f, o) for o in g.files), -len(g.files))
        )
        best.files.append(f)
    for g in groups:
        g.files.sort()
        g.theme = max(g.files, key=lambda p: (rank.get(p, 0.0), p))
    return sorted(groups, key=lambda g: g.files)


def _weight(edges: dict[tuple[str, str], float], a: str, b: str) -> float:
    return edges.get((a, b) if a < b else (b, a), 0.0)


def _substantial(files: list[str], lines: dict[str, int]) -> bool:
    """Enough files and enough code for a page of its own."""
    if len(files) < MIN_AREA_FILES:
        return False
    return sum(lines.get(f, 0) for f in files) >= MIN_AREA_LINES


def _fold_tiny(
    groups: list[_Group], adjacency: dict[str, dict[str, float]], lines: dict[str, int]
) -> list[_Group]:
    while len(groups) > 1:
        tiny = [g for g in groups if not _substantial(g.files, lines)]
        if not tiny:
            break
        smallest = min(tiny, key=lambda g: (len(g.files), g.directory, g.theme))
        groups = _merge_into_neighbour(groups, smallest, adjacency)
    return groups


def _merge_into_neighbour(
    groups: list[_Group], group: _Group, adjacency: dict[str, dict[str, float]]
) -> list[_Group]:
    """`group` folded into the group it depends on most (then the nearest directory)."""
    others = [g for g in groups if g is not group]
    owner = {f: i for i, g in enumerate(others) for f in g.files}
    links: dict[int, float] = defaultdict(float)
    for f in group.files:
        for other_file, weight in adjacency.get(f, {}).items():
            if (i := owner.get(other_file)) is not None:
                links[i] += weight

    def closeness(i: int) -> tuple[float, int, int, int, str, str]:
        other = others[i]
        link = links.get(i, 0.0)
        shared = _common_depth(group.directory, other.directory)
        depth = other.directory.count("/") + bool(other.directory)
        return (round(link, 6), shared, -depth, len(other.files), other.directory, other.theme)

    target = others[max(range(len(others)), key=closeness)]
    target.files = sorted(target.files + group.files)
    return others


def _common_depth(a: str, b: str) -> int:
    depth = 0
    for x, y in zip(a.split("/"), b.split("/"), strict=False):
        if x != y or not x:
            break
        depth += 1
    return depth


def _common_directory(files: list[str]) -> str:
    parts = [f.split("/")[:-1] for f in files]
    common: list[str] = []
    for level in zip(*parts, strict=False):
        if len(set(level)) != 1:
            break
        common.append(level[0])
    return "/".join(common)


def slugify(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "root"


def _name(groups: list[_Group], rank: dict[str, float]) -> tuple[Area, ...]:
    for g in groups:
        common = _common_directory(g.files)
        prefix = f"{g.directory}/" if g.directory else ""
        inside = sum(1 for f in g.files if f.startswith(prefix))
        if common.startswith(g.directory) or 2 * inside < len(g.files):
            # Named after what it holds: the deepest common directory, unless most of its
            # files sit in the directory it grew from (a few folded-in strays).
            g.directory = common
    by_directory: dict[str, int] = defaultdict(int)
    for g in groups:
        by_directory[g.directory] += 1
    named: list[tuple[str, str, _Group]] = []
    for g in groups:
        title = g.directory or "(repository root)"
        slug = slugify(g.directory)
        if by_directory[g.directory] > 1:
            theme = g.theme or max(g.files, key=lambda p: (rank.get(p, 0.0), p))
            stem = theme.rpartition("/")[2].rsplit(".", 1)[0]
            title = f"{title}: {stem} and related"
            slug = f"{slug}-{slugify(stem)}"
        if slug in RESERVED_SLUGS:
            slug += "-area"
        named.append((slug, title, g))
    named.sort(key=lambda t: (t[0], t[2].files))
    seen: dict[str, int] = defaultdict(int)
    areas = []
    for slug, title, g in named:
        seen[slug] += 1
        unique = slug if seen[slug] == 1 else f"{slug}-{seen[slug]}"
        areas.append(Area(unique, title, g.directory, tuple(sorted(g.files))))
    return tuple(sorted(areas, key=lambda a: a.slug))
