"""An LLM's reply turned into a page: summary line, required sections, citations checked.

Every `path:line` the model cites is checked against the index: a path given relative to a
package is completed when exactly one indexed file ends with it; a path or line that does not
exist is marked `(unverified)`. Missing sections are filled from the index, and the diagram is
always the one generated from the graph (the model is told not to draw one).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from repomind.wiki.facts import AreaFacts, RepoFacts, one_line
from repomind.wiki.mermaid import fenced
from repomind.wiki.skeleton import (
    SECTIONS,
    area_diagram,
    connections,
    entry_points,
    gotchas,
    overview_diagram,
)

UNVERIFIED = " (unverified)"
_CITATION = re.compile(r"(?<![\w./-])((?:[\w.-]+/)*[\w.-]+\.[A-Za-z0-9]+):(\d+)(?:[-–](\d+))?")
_HEADING = re.compile(r"^##\s+(.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class ProsePage:
    description: str
    body: str  # the generated block
    citations: int
    unverified: int


def check_citations(text: str, file_lines: Mapping[str, int]) -> tuple[str, int, int]:
    """`text` with citations completed or marked; (text, citations seen, unverified)."""
    by_suffix: dict[str, list[str]] = {}
    seen = bad = 0

    def resolve(path: str) -> str | None:
        if path in file_lines:
            return path
        if not by_suffix:
            for p in file_lines:
                parts = p.split("/")
                for i in range(1, len(parts)):
                    by_suffix.setdefault("/".join(parts[i:]), []).append(p)
        found = by_suffix.get(path.lstrip("./"), [])
        return found[0] if len(found) == 1 else None

    def fix(match: re.Match[str]) -> str:
        nonlocal seen, bad
        seen += 1
        path, start, end = match.group(1), int(match.group(2)), match.group(3)
        real = resolve(path)
        last = int(end) if end else start
        if real is None or not 1 <= start <= last <= file_lines[real]:
            bad += 1
            return match.group(0) + "\x00"
        return f"{real}:{start}" + (f"-{end}" if end else "")

    fixed = _CITATION.sub(fix, text)
    # The mark goes after the closing backtick when the citation was in code.
    fixed = re.sub(r"\x00(`?)", lambda m: m.group(1) + UNVERIFIED, fixed)
    return fixed, seen, bad


def split_reply(text: str) -> tuple[str, dict[str, str], list[str]]:
    """(summary, section title -> text, section order) of a reply."""
    text = text.replace("\r\n", "\n").strip()
    fenced = re.fullmatch(r"```(?:markdown|md)?\n(.*)\n```", text, flags=re.DOTALL)
    if fenced:  # the whole answer wrapped in a code fence
        text = fenced.group(1).strip()
    summary = ""
    lines = text.split("\n")
    for i, line in enumerate(lines[:5]):
        if line.lower().startswith("summary:"):
            summary = line.split(":", 1)[1].strip()
            del lines[i]
            break
    text = "\n".join(lines)
    sections: dict[str, str] = {}
    order: list[str] = []
    matches = list(_HEADING.finditer(text))
    for i, m in enumerate(matches):
        following = matches[i + 1] if i + 1 < len(matches) else None
        title = m.group(1).strip()
        body = text[m.end() : following.start() if following else len(text)].strip("\n")
        key = _canonical(title)
        if key not in sections:
            sections[key] = body.strip()
            order.append(key)
    return summary, sections, order


def _canonical(title: str) -> str:
    lowered = title.lower().strip(" :")
    for name in (*SECTIONS, "Dependency diagram", "How the areas connect"):
        if lowered == name.lower() or lowered.startswith(name.lower()):
            return name
    return title.strip()


def area_prose(
    reply: str,
    facts: AreaFacts,
    repo: RepoFacts,
    titles: Mapping[str, str],
    fallback_description: str,
) -> ProsePage:
    """The block of an area page from the model's reply."""
    summary, sections, _ = split_reply(reply)
    fill = {
        "Purpose": "",
        "Key files and entry points": "\n".join(f"- `{f.path}`" for f in facts.files[:8]),
        "Main flows": "",
        "Connections to other areas": connections(facts, titles),
        "Gotchas": gotchas(facts),
    }
    parts = [f"# {facts.area.title}\n"]
    for name in SECTIONS:
        body = sections.get(name) or fill[name].strip() or "(not described)"
        parts += [f"## {name}\n", body.strip() + "\n"]
    parts += ["## Dependency diagram\n", fenced(area_diagram(facts, titles))]
    text, seen, bad = check_citations("\n".join(parts), repo.file_lines)
    description = one_line(summary, 200) if summary else fallback_description
    return ProsePage(description, text, seen, bad)


def overview_prose(
    reply: str, repo: RepoFacts, titles: Mapping[str, str], fallback_description: str
) -> ProsePage:
    summary, sections, _ = split_reply(reply)
    parts = ["# Overview\n"]
    for name in SECTIONS:
        body = sections.get(name, "").strip()
        if not body and name == "Key files and entry points":
            body = entry_points(repo).strip()
        parts += [f"## {name}\n", (body or "(not described)") + "\n"]
    parts += ["## How the areas connect\n", fenced(overview_diagram(repo, titles))]
    text, seen, bad = check_citations("\n".join(parts), repo.file_lines)
    description = one_line(summary, 200) if summary else fallback_description
    return ProsePage(description, text, seen, bad)
