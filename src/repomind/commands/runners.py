"""Task runners the project wrote: Makefile, justfile, Taskfile."""

from __future__ import annotations

import re
from collections.abc import Iterable

import yaml

from repomind.commands.helpers import _runs, _yitems, _yline, _ymap, _yseq, _ystr
from repomind.commands.model import TIER_EXPLICIT, _Ctx
from repomind.commands.shell import _script_kind

_MAKE_RULE = re.compile(r"^([A-Za-z0-9_][A-Za-z0-9_.\-/ \t]*?)\s*(::?)(?!=)\s*(.*)$")
_MAKE_ASSIGN = re.compile(
    r"^\s*(?:export\s+|override\s+)?[A-Za-z0-9_.\-]+\s*(?::{1,3}=|\?=|\+=|!=|=)"
)
_SKIP_TARGETS = frozenset({"help", "default", "FORCE", "list"})
_MAKE_DIRECTIVE = re.compile(r"\s*-?(ifn?eq|ifn?def|else|endif|s?include|export|unexport)\b")


def _makefile(ctx: _Ctx) -> None:
    rel = ctx.first("GNUmakefile", "makefile", "Makefile")
    text = ctx.text(rel) if rel else None
    if not rel or text is None:
        return
    for target, line, recipe, prereqs in _make_targets(text):
        body = "\n".join(recipe)
        kind = _script_kind(target, body)
        if recipe:
            detail = _runs(recipe[0])
        elif prereqs:
            detail = f"runs: make {' '.join(prereqs)}"
        else:
            detail = ""
        ctx.add(kind, f"make {target}", f"{rel}:{line}", detail, tier=TIER_EXPLICIT)


def _make_targets(text: str) -> list[tuple[str, int, list[str], list[str]]]:
    """(target, line, recipe lines, prerequisites) for each explicit, phony-looking target."""
    targets: dict[str, tuple[int, list[str], list[str]]] = {}
    current: list[str] = []
    in_define = False
    lines = _join_continuations(enumerate(text.splitlines(), 1))
    for number, raw in lines:
        if in_define:
            in_define = not raw.strip().startswith("endef")
            continue
        if raw.startswith("\t"):
            step = raw.strip().lstrip("@-+").strip()
            for target in current:
                if step and not step.startswith("#"):
                    targets[target][1].append(step)
            continue
        stripped = raw.split("#", 1)[0].rstrip()
        if re.match(r"\s*define\b", stripped):
            in_define, current = True, []
            continue
        if not stripped.strip() or _MAKE_DIRECTIVE.match(stripped):
            continue  # blank/comment lines and conditionals do not end a recipe
        if _MAKE_ASSIGN.match(stripped):
            current = []
            continue
        m = _MAKE_RULE.match(stripped)
        if not m:
            current = []
            continue
        names, rest = m.group(1).split(), m.group(3)
        if _MAKE_ASSIGN.match(rest):
            continue
        deps, _, inline = rest.partition(";")
        current = []
        for name in names:
            if (
                name.startswith(".")
                or "%" in name
                or "/" in name
                or "." in name
                or name in _SKIP_TARGETS
            ):
                continue
            entry = targets.setdefault(name, (number, [], []))
            if not entry[2]:
                entry[2].extend(
                    d for d in deps.split() if "$" not in d and "/" not in d and "." not in d
                )
            if inline.strip():
                entry[1].append(inline.strip())
            current.append(name)
    return [(name, line, recipe, deps) for name, (line, recipe, deps) in targets.items()]


def _join_continuations(lines: Iterable[tuple[int, str]]) -> list[tuple[int, str]]:
    """Join backslash-continued lines; each result keeps its first line number and indent."""
    out: list[tuple[int, str]] = []
    buffer, start = "", 0
    for number, line in lines:
        if not buffer:
            start = number
        piece = line.rstrip() if not buffer else " " + line.strip()
        if piece.endswith("\\"):
            buffer += piece[:-1].rstrip()
            continue
        out.append((start, buffer + piece))
        buffer = ""
    if buffer:
        out.append((start, buffer))
    return out


_JUST_RECIPE = re.compile(r"@?([A-Za-z_][\w-]*)(?:\s+[^:]*?)?\s*:(?!=)")


def _justfile(ctx: _Ctx) -> None:
    rel = ctx.first("justfile", "Justfile", ".justfile", "JUSTFILE")
    text = ctx.text(rel) if rel else None
    if not rel or text is None:
        return
    private = False
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if re.match(r"\[(.*\b)?private\b", line):
            private = True
            continue
        m = _JUST_RECIPE.match(line)
        if not m or re.match(r"(set|alias|export|import|mod)\b", line):
            if line.strip() and not line.startswith((" ", "\t", "[", "#")):
                private = False
            continue
        name = m.group(1)
        if private or name.startswith("_"):
            private = False
            continue
        body = _indented_body(lines[i + 1 :])
        first = next((b for b in body if not b.startswith("#!")), "")
        kind = _script_kind(name, "\n".join(body))
        ctx.add(
            kind, f"just {name}", f"{rel}:{i + 1}", _runs(first.lstrip("@-")), tier=TIER_EXPLICIT
        )


def _indented_body(lines: list[str]) -> list[str]:
    body = []
    for line in lines:
        if line.strip() and not line.startswith((" ", "\t")):
            break
        if (line.strip() and not line.strip().startswith("#")) or line.strip().startswith("#!"):
            body.append(line.strip())
    return body


def _taskfile(ctx: _Ctx) -> None:
    rel = ctx.first("Taskfile.yml", "Taskfile.yaml", "taskfile.yml", "taskfile.yaml")
    doc = ctx.yaml(rel) if rel else None
    if not rel or doc is None:
        return
    for name, key, task in _yitems(_ymap(doc).get("tasks")):
        spec = _ymap(task)
        if _ystr(spec.get("internal")).lower() == "true" or name.startswith("_"):
            continue
        cmds = _yseq(spec.get("cmds")) if spec else _yseq(task) or [task]
        body = [_ystr(c) or _ystr(_ymap(c).get("cmd")) or _task_ref(c) for c in cmds]
        body = [b for b in body if b]
        kind = _script_kind(name, "\n".join(body))
        detail = _runs(body[0]) if body else _ystr(spec.get("desc"))
        ctx.add(kind, f"task {name}", f"{rel}:{_yline(key)}", detail, tier=TIER_EXPLICIT)


def _task_ref(node: yaml.Node) -> str:
    ref = _ystr(_ymap(node).get("task"))
    return f"task {ref}" if ref else ""
