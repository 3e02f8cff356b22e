"""The LLM response cache: `.repomind/cache/llm/<sha256 of the request>.json`.

Bounded: past MAX_ENTRIES answers or MAX_BYTES, the least recently used (a hit refreshes an
entry's mtime) are deleted until the cache is back under 90% of both.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

from repomind.fsutil import write_text_atomic
from repomind.layout import Layout

CACHE_VERSION = 1
MAX_ENTRIES = 2000
MAX_BYTES = 64 << 20


def cache_key(
    model: str,
    system: Any,
    messages: list[dict[str, Any]],
    tools: list[dict[str, Any]] | None,
    tool_choice: dict[str, Any] | None,
    max_tokens: int,
) -> str:
    """Content hash of everything that decides the answer (redacted request, as sent)."""
    request = {
        "model": model,
        "system": system,
        "messages": messages,
        "tools": tools,
        "tool_choice": tool_choice,
        "max_tokens": max_tokens,
    }
    canonical = json.dumps(request, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def cache_path(layout: Layout, key: str) -> Path:
    return layout.cache / "llm" / f"{key}.json"


def load_entry(layout: Layout, key: str) -> dict[str, Any] | None:
    """The stored response for `key`, or None (missing, unreadable or from another version)."""
    try:
        data = json.loads(cache_path(layout, key).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None
    if not isinstance(data, dict) or data.get("version") != CACHE_VERSION:
        return None
    if not isinstance(data.get("blocks"), list) or not isinstance(data.get("usage"), dict):
        return None
    with contextlib.suppress(OSError):
        os.utime(cache_path(layout, key))  # recently used: trimmed last
    return data


def store_entry(layout: Layout, key: str, entry: dict[str, Any]) -> None:
    data = dict(entry, version=CACHE_VERSION)
    write_text_atomic(cache_path(layout, key), json.dumps(data, sort_keys=True, indent=1) + "\n")
    trim(cache_path(layout, key).parent)


def trim(folder: Path) -> int:
    """Delete the least recently used entries while over the bounds; how many were deleted.
    Safe alongside other processes: a file already gone is skipped."""
    entries = []
    try:
        with os.scandir(folder) as listing:
            for item in listing:
                if item.name.endswith(".json"):
                    try:
                        st = item.stat()
                    except OSError:
                        continue
                    entries.append((st.st_mtime_ns, item.name, st.st_size))
    except OSError:
        return 0
    total = sum(size for _, _, size in entries)
    if len(entries) <= MAX_ENTRIES and total <= MAX_BYTES:
        return 0
    entries.sort()
    deleted = 0
    for _, name, size in entries:
        if len(entries) - deleted <= MAX_ENTRIES * 0.9 and total <= MAX_BYTES * 0.9:
            break
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
        deleted += 1
        total -= size
    return deleted
