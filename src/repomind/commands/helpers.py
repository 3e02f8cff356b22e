"""Small shared helpers: words, paths, sources, TOML/INI values, globs, and YAML nodes
(composed nodes keep line numbers).
"""

from __future__ import annotations

import configparser
import re
import shlex
from collections.abc import Callable, Iterable
from typing import Any

import yaml


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _pairs(text: str) -> dict[str, str]:
    """`"a=x b=y"` → {"a": "x", "b": "y"} (compact lookup tables)."""
    return dict(item.split("=", 1) for item in text.split())


def _ancestors(files: Iterable[str]) -> set[str]:
    """Every directory that contains an indexed file ("a/b/c.py" → "a", "a/b")."""
    out: set[str] = set()
    for rel in files:
        cut = rel.rfind("/")
        while cut > 0 and rel[:cut] not in out:
            out.add(rel[:cut])
            cut = rel.rfind("/", 0, cut)
    return out


def _parent(rel: str) -> str:
    return rel.rsplit("/", 1)[0] if "/" in rel else "."


def _suffix(rel: str) -> str:
    name = rel.rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[-1].lower() if "." in name.lstrip(".") else ""


def _clean_rel(path: str) -> str:
    path = path.replace("\\", "/").strip()
    while path.startswith("./"):
        path = path[2:]
    return path.strip("/")


def _line_of(message: str) -> str:
    m = re.search(r"line (\d+)", message)
    return f" (line {m.group(1)})" if m else ""


def _parse_ini(
    text: str, rel: str, warn: Callable[[str], None]
) -> configparser.ConfigParser | None:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    try:
        parser.read_string(text, source=rel)
    except configparser.Error as exc:
        line = getattr(exc, "lineno", None)
        if line is None and isinstance(exc, configparser.ParsingError) and exc.errors:
            line = exc.errors[0][0]
        warn(f"{rel}: invalid INI{f' (line {line})' if line else ''}, skipped")
        return None
    return parser


_DETAIL_MAX = 120


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 3].rstrip() + "..."


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _table(value: object, *keys: str) -> dict[str, Any]:
    """Nested table lookup tolerant of missing keys and wrong types: {} when absent."""
    for key in keys:
        value = _dict(value).get(key)
    return _dict(value)


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _strs(value: object) -> list[str]:
    """A string or list of strings (TOML/JSON/YAML) as a list of strings."""
    if isinstance(value, str):
        return [value]
    return [v for v in _list(value) if isinstance(v, str)]


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p)


def _split_source(source: str) -> tuple[str, int, str]:
    m = re.fullmatch(r"(.*?):(\d+)", source)
    if m:
        return m.group(1), int(m.group(2)), ""
    path, _, frag = source.partition("#")
    return path, 0, frag


def _tokens(command: str) -> list[str]:
    try:
        return shlex.split(command, comments=False, posix=True)
    except ValueError:
        return command.split()


def _req_name(spec: str) -> str:
    m = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", spec)
    return re.sub(r"[-_.]+", "-", m.group(1)).lower() if m else ""


def _section_line(text: str, header: str) -> int:
    """1-based line of an INI `[header]` (0 when absent)."""
    for i, line in enumerate(text.splitlines(), 1):
        if line.strip() == f"[{header}]":
            return i
    return 0


def _key_line(text: str, key: str, start: int = 0) -> int:
    """1-based line of the first `key =`/`key:` at or after line `start`."""
    rx = re.compile(rf"\s*{re.escape(key)}\s*[=:]")
    for i, line in enumerate(text.splitlines()[start:], start + 1):
        if rx.match(line):
            return i
    return 0


def _glob_regex(glob: str) -> re.Pattern[str]:
    glob = _clean_rel(glob)
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**", i):
            out.append(".*")
            i += 2
            if glob.startswith("/", i):
                out[-1] = "(?:.*/)?"
                i += 1
            continue
        ch = glob[i]
        out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
        i += 1
    return re.compile("".join(out))


def _expand_braces(text: str) -> list[str]:
    m = re.search(r"\{([^{}]*)\}", text)
    if not m:
        return [text]
    head, tail = text[: m.start()], text[m.end() :]
    out: list[str] = []
    for option in m.group(1).split(","):
        out.extend(_expand_braces(head + option.strip() + tail))
    return out


def _split_top_level(text: str) -> list[str]:
    """Split on commas/newlines outside `{...}` (tox envlists: `py{310,311}, lint`)."""
    parts, depth, current = [], 0, ""
    for ch in text:
        depth += (ch == "{") - (ch == "}")
        if ch in ",\n" and depth <= 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return [p for p in parts if p]


def _script_label(body: object) -> str:
    if isinstance(body, str):
        return body
    if isinstance(body, list):
        return "; ".join(_script_label(b) for b in body if _script_label(b))
    if isinstance(body, dict):
        for key in ("cmd", "shell", "call", "script", "composite", "sequence", "ref"):
            if key in body:
                return _script_label(body[key])
    return ""


def _runs(body: str) -> str:
    return f"runs: {body}" if body.strip() else ""


# ---------------------------------------------------------------------------
# YAML node helpers (composed nodes keep line numbers)
# ---------------------------------------------------------------------------


def _yitems(node: yaml.Node | None) -> list[tuple[str, yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        return []
    out: list[tuple[str, yaml.Node, yaml.Node]] = []
    seen: set[str] = set()
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value not in seen:
            seen.add(key.value)
            out.append((str(key.value), key, value))
    return out


def _ymap(node: yaml.Node | None) -> dict[str, yaml.Node]:
    return {name: value for name, _, value in _yitems(node)}


def _yseq(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def _ystr(node: yaml.Node | None) -> str:
    return str(node.value) if isinstance(node, yaml.ScalarNode) else ""


def _yline(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _scalar_lines(node: yaml.Node) -> list[tuple[int, str]]:
    """(1-based line, text) of each line of a scalar; block scalars start below `|`."""
    text = _ystr(node)
    first = _yline(node) + (1 if getattr(node, "style", None) in ("|", ">") else 0)
    return [(first + i, line) for i, line in enumerate(text.splitlines())]
