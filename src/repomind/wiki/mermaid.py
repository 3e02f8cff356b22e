"""Mermaid flowcharts of dependencies, generated from the graph, and a checker for what we emit.

Node ids are `n` plus a number given in sorted order (never a keyword, never clashing), labels
are always quoted with `"` replaced by `#quot;`, edges carry no labels: a small, safe subset of
the flowchart syntax. `check_flowchart` parses exactly that subset and says what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

MAX_NODES = 16
MAX_EDGES = 30


@dataclass(frozen=True, slots=True)
class Node:
    key: str  # what the node stands for (a path or an area slug)
    label: str
    group: str = ""  # subgraph title ("" = top level)


def flowchart(
    nodes: Iterable[Node], edges: Iterable[tuple[str, str, float]], direction: str = "LR"
) -> str:
    """A `flowchart` over `nodes` with the strongest `edges` (src key, dst key, weight) between
    them; nodes in the same group are drawn inside one subgraph. Deterministic."""
    nodes = sorted({n.key: n for n in nodes}.values(), key=lambda n: (n.group, n.key))[:MAX_NODES]
    ids = {n.key: f"n{i}" for i, n in enumerate(nodes)}
    kept = sorted(
        ((s, d, w) for s, d, w in edges if s in ids and d in ids and s != d),
        key=lambda e: (-e[2], e[0], e[1]),
    )[:MAX_EDGES]
    lines = [f"flowchart {direction}"]
    groups: dict[str, list[Node]] = {}
    for n in nodes:
        groups.setdefault(n.group, []).append(n)
    for g, (title, members) in enumerate(sorted(groups.items())):
        indent = "  "
        if title:
            lines.append(f'  subgraph g{g}["{_label(title)}"]')
            indent = "    "
        for n in members:
            lines.append(f'{indent}{ids[n.key]}["{_label(n.label)}"]')
        if title:
            lines.append("  end")
    for s, d, _ in sorted(kept, key=lambda e: (int(ids[e[0]][1:]), int(ids[e[1]][1:]))):
        lines.append(f"  {ids[s]} --> {ids[d]}")
    return "\n".join(lines) + "\n"


def _label(text: str) -> str:
    flat = " ".join(text.split())
    for ch, entity in (("#", "#35;"), ('"', "#quot;"), ("<", "#lt;"), (">", "#gt;")):
        flat = flat.replace(ch, entity)
    return flat or "?"


def fenced(diagram: str) -> str:
    return "```mermaid\n" + diagram + "```\n"


_HEADER = re.compile(r"^(flowchart|graph) (LR|RL|TB|TD|BT)$")
_ID = r"[A-Za-z][A-Za-z0-9_]*"
_NODE = re.compile(rf'^({_ID})\["([^"\n]*)"\]$')
_SUBGRAPH = re.compile(rf'^subgraph ({_ID})\["([^"\n]*)"\]$')
_EDGE = re.compile(rf"^({_ID}) --> ({_ID})$")
_ENTITY = re.compile(r"#(?:\d+|[a-z]+);")
KEYWORDS = frozenset(
    {
        "end",
        "graph",
        "flowchart",
        "subgraph",
        "style",
        "class",
        "classDef",
        "click",
        "linkStyle",
        "direction",
        "default",
    }
)


def check_flowchart(text: str) -> list[str]:
    """Problems with `text` as a Mermaid flowchart in the subset `flowchart` emits ([] = valid).

    Checks the header, that every line is a node, edge, subgraph or `end`, ids are not
    keywords and are declared once before use, labels are quoted without raw `"`, `<`, `>` or
    bare `#`, and subgraphs are balanced.
    """
    problems: list[str] = []
    lines = [line.strip() for line in text.strip("\n").split("\n")]
    if not lines or not _HEADER.match(lines[0]):
        return [f"line 1: expected `flowchart <direction>`, got {lines[0] if lines else ''!r}"]
    declared: set[str] = set()
    depth = 0
    for number, line in enumerate(lines[1:], start=2):
        if not line or line.startswith("%%"):
            continue
        if line == "end":
            depth -= 1
            if depth < 0:
                problems.append(f"line {number}: `end` without `subgraph`")
                depth = 0
            continue
        match = _SUBGRAPH.match(line) or _NODE.match(line)
        if match:
            ident, label = match.groups()
            if line.startswith("subgraph "):
                depth += 1
            problems += _check_id(number, ident, declared)
            problems += _check_label(number, label)
            declared.add(ident)
            continue
        edge = _EDGE.match(line)
        if edge:
            for ident in edge.groups():
                if ident not in declared:
                    problems.append(f"line {number}: edge to undeclared node {ident}")
            continue
        problems.append(f"line {number}: not a node, edge, subgraph or end: {line!r}")
    if depth:
        problems.append(f"{depth} subgraph(s) not closed")
    return problems


def _check_id(number: int, ident: str, declared: set[str]) -> list[str]:
    if ident in KEYWORDS or ident.lower() == "end":
        return [f"line {number}: id {ident!r} is a keyword"]
    if ident in declared:
        return [f"line {number}: id {ident!r} declared twice"]
    return []


def _check_label(number: int, label: str) -> list[str]:
    rest = _ENTITY.sub("", label)
    bad = sorted({c for c in rest if c in '"<>#'})
    if bad:
        return [f"line {number}: label has unescaped {''.join(bad)!r}"]
    if not label.strip():
        return [f"line {number}: empty label"]
    return []


def diagrams_in(markdown: str) -> list[str]:
    """The bodies of the ```mermaid fences of a markdown text."""
    return re.findall(r"```mermaid\n(.*?)```", markdown, flags=re.DOTALL)
