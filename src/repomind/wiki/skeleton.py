"""Offline pages: the structural skeleton of an area, the overview and the index, from the index.

Same sections as a prose page (purpose, key files and entry points, main flows, connections,
gotchas, dependency diagram), filled with facts only, each citing `path:line`. Deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping

from repomind.wiki.facts import AreaFacts, Dependency, RepoFacts, SymbolFact, one_line
from repomind.wiki.mermaid import Node, fenced, flowchart

KEY_FILES = 8
SYMBOLS_PER_FILE = 4
OTHER_FILES = 40  # listed by name after the key files
SECTIONS = (
    "Purpose",
    "Key files and entry points",
    "Main flows",
    "Connections to other areas",
    "Gotchas",
)
SKELETON_NOTE = (
    "*Structural page generated from the index (no LLM). With an API key, "
    "`repomind wiki` replaces it by prose.*"
)


def cite(path: str, line: int) -> str:
    return f"`{path}:{line}`"


def _code(text: str, limit: int = 100) -> str:
    return "`" + one_line(text, limit).replace("`", "'") + "`"


def _display(s: SymbolFact) -> str:
    text = s.signature or f"{s.kind} {s.qualified}"
    if s.parent and f"{s.parent}." not in text and s.name in text:
        at = text.find(s.name)
        text = f"{text[:at]}{s.parent}.{text[at:]}"
    return text


def skeleton_description(facts: AreaFacts) -> str:
    files = len(facts.area.files)
    entry = ("__init__.", "index.", "mod.", "main.", "lib.", "package-info.")
    documented = sorted(
        (f for f in facts.files if f.doc),
        key=lambda f: (not f.path.rpartition("/")[2].startswith(entry), -f.rank, f.path),
    )
    lead = documented[0].doc if documented else ""
    text = f"{facts.area.title}: {files} file{'s' * (files != 1)}"
    return one_line(f"{text} — {lead}" if lead else text, 200)


def area_skeleton(facts: AreaFacts, repo: RepoFacts, titles: Mapping[str, str]) -> str:
    """The generated block of an area page without an LLM."""
    parts = [f"# {facts.area.title}\n", SKELETON_NOTE + "\n", "## Purpose\n", _purpose(facts)]
    parts += ["## Key files and entry points\n", _key_files(facts)]
    parts += ["## Main flows\n", _flows(facts)]
    parts += ["## Connections to other areas\n", connections(facts, titles)]
    parts += ["## Gotchas\n", gotchas(facts)]
    parts += ["## Dependency diagram\n", fenced(area_diagram(facts, titles))]
    return "\n".join(parts)


def _purpose(facts: AreaFacts) -> str:
    lines = []
    total = sum(f.lines for f in facts.files)
    lines.append(
        f"{len(facts.files)} file{'s' * (len(facts.files) != 1)}, {total} lines. "
        "What the most central files say about themselves:"
    )
    lines.append("")
    documented = [f for f in facts.files if f.doc][:5]
    for f in documented:
        lines.append(f"- `{f.path}`: {f.doc} ({cite(f.path, 1)})")
    if not documented:
        lines.append("- (no file of this area has a docstring or leading comment)")
    return "\n".join(lines) + "\n"


def _key_files(facts: AreaFacts) -> str:
    by_file: dict[str, list[SymbolFact]] = {}
    for s in facts.symbols:
        by_file.setdefault(s.path, []).append(s)
    lines = []
    for f in facts.files[:KEY_FILES]:
        lines.append(f"- `{f.path}` ({f.lines} lines)")
        for s in sorted(by_file.get(f.path, [])[:SYMBOLS_PER_FILE], key=lambda s: s.line):
            doc = f" — {one_line(s.doc, 120)}" if s.doc else ""
            lines.append(f"  - {_code(_display(s))} {cite(s.path, s.line)}{doc}")
    rest = [f.path for f in facts.files[KEY_FILES:]]
    if rest:
        shown = ", ".join(f"`{p}`" for p in rest[:OTHER_FILES])
        more = f" and {len(rest) - OTHER_FILES} more" if len(rest) > OTHER_FILES else ""
        lines += ["", f"Other files: {shown}{more}"]
    return "\n".join(lines) + "\n"


def _uses(d: Dependency) -> str:
    names = ", ".join(f"`{n}` ({cite(d.dst, line)})" for n, line in d.names)
    return f"`{d.src}` → `{d.dst}`" + (f": {names}" if names else "")


def _flows(facts: AreaFacts) -> str:
    if not facts.internal:
        return "No file of this area uses another one directly.\n"
    lines = ["Strongest dependencies between the files of this area (user → used):", ""]
    lines += [f"- {_uses(d)}" for d in facts.internal]
    return "\n".join(lines) + "\n"


def connections(facts: AreaFacts, titles: Mapping[str, str]) -> str:
    lines: list[str] = []
    for heading, links in (("Uses", facts.uses), ("Used by", facts.used_by)):
        if not links:
            continue
        lines += [f"{heading}:", ""]
        for link in links[:6]:
            lines.append(f"- [{titles.get(link.slug, link.slug)}]({link.slug}.md)")
            lines += [f"  - {_uses(d)}" for d in link.examples[:2]]
        lines.append("")
    if not lines:
        return "No dependency on or from other areas was found.\n"
    return "\n".join(lines).rstrip("\n") + "\n"


def gotchas(facts: AreaFacts) -> str:
    lines = [
        f"- `{c.path}` usually changes with `{c.partner}` "
        f"({c.together} of {c.commits} commits): check it when you edit the first."
        for c in facts.couplings
    ]
    lines += [f"- Lesson: {lesson}" for lesson in facts.lessons]
    if not lines:
        return "None recorded: no strong co-change and no lesson mentions these files.\n"
    return "\n".join(lines) + "\n"


def area_diagram(facts: AreaFacts, titles: Mapping[str, str]) -> str:
    """Files of the area (most central first) and the areas they use or are used by."""
    files = [f.path for f in facts.files[:10]]
    nodes = [Node(p, p.rpartition("/")[2], facts.area.title) for p in files]
    edges: list[tuple[str, str, float]] = [(d.src, d.dst, d.weight) for d in facts.internal]
    member = set(files)
    for link in facts.uses[:3]:
        key = f"area:{link.slug}"
        nodes.append(Node(key, titles.get(link.slug, link.slug), "other areas"))
        for d in link.examples:
            if d.src in member:
                edges.append((d.src, key, d.weight))
    for link in facts.used_by[:3]:
        key = f"area:{link.slug}"
        nodes.append(Node(key, titles.get(link.slug, link.slug), "other areas"))
        for d in link.examples:
            if d.dst in member:
                edges.append((key, d.dst, d.weight))
    return flowchart(nodes, _summed(edges))


def _summed(edges: list[tuple[str, str, float]]) -> list[tuple[str, str, float]]:
    total: dict[tuple[str, str], float] = {}
    for s, d, w in edges:
        total[(s, d)] = total.get((s, d), 0.0) + w
    return [(s, d, round(w, 6)) for (s, d), w in sorted(total.items())]


def overview_diagram(repo: RepoFacts, titles: Mapping[str, str]) -> str:
    nodes = [Node(slug, titles.get(slug, slug)) for slug in repo.areas]
    edges = [(slug, link.slug, link.weight) for slug, f in repo.areas.items() for link in f.uses]
    return flowchart(nodes, edges)


def overview_skeleton(
    repo: RepoFacts, titles: Mapping[str, str], descriptions: Mapping[str, str]
) -> str:
    """The overview page without an LLM: what the repository is, its areas, entry points."""
    parts = ["# Overview\n", SKELETON_NOTE + "\n", "## Purpose\n"]
    files = sum(len(a.files) for a in repo.plan.areas)
    intro = f"{files} source files in {len(repo.plan.areas)} areas."
    parts.append((f"{repo.readme}\n\n{intro}" if repo.readme else intro) + "\n")
    parts += ["## Areas\n", area_list(repo, titles, descriptions)]
    parts += ["## Key files and entry points\n", entry_points(repo)]
    parts += ["## How the areas connect\n", fenced(overview_diagram(repo, titles))]
    return "\n".join(parts)


def area_list(repo: RepoFacts, titles: Mapping[str, str], descriptions: Mapping[str, str]) -> str:
    lines = []
    for area in repo.plan.areas:
        what = descriptions.get(area.slug, "")
        lines.append(
            f"- [{titles[area.slug]}]({area.slug}.md) ({len(area.files)} files)"
            + (f": {what}" if what else "")
        )
    return "\n".join(lines) + "\n"


def entry_points(repo: RepoFacts, limit: int = 8) -> str:
    ranked = sorted(
        (f for a in repo.areas.values() for f in a.files), key=lambda f: (-f.rank, f.path)
    )[:limit]
    area_of = repo.plan.area_of()
    lines = []
    for f in ranked:
        doc = f": {f.doc}" if f.doc else ""
        lines.append(
            f"- `{f.path}` ({cite(f.path, 1)}, area [{area_of[f.path]}]({area_of[f.path]}.md)){doc}"
        )
    return ("\n".join(lines) or "- (no source file was indexed)") + "\n"


def overview_description(repo: RepoFacts) -> str:
    intro = f"Overview of the repository: {len(repo.plan.areas)} areas of code, how they connect"
    return one_line(f"{intro} — {repo.readme}" if repo.readme else intro, 200)


def index_page(
    entries: list[tuple[str, str, str, str]],
) -> str:
    """The wiki's table of contents: (file name, title, description, generator) rows."""
    lines = [
        "# Wiki index\n",
        "Pages of this repository's deep wiki, written by `repomind wiki` from the code index "
        "(prose pages by an LLM, skeleton pages from the index alone). Each page records the "
        "sources it was written from in its frontmatter.\n",
    ]
    for name, title, description, generator in entries:
        what = f": {description}" if description else ""
        lines.append(f"- [{title}]({name}) ({generator}){what}")
    return "\n".join(lines) + "\n"
