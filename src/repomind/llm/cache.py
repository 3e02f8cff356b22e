"""The LLM response cache: `.repomind/cache/llm/<sha256 of the request>.json`."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from repomind.fsutil import write_text_atomic
from repomind.layout import Layout

CACHE_VERSION = 1


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
    return data


def store_entry(layout: Layout, key: str, entry: dict[str, Any]) -> None:
    data = dict(entry, version=CACHE_VERSION)
    write_text_atomic(cache_path(layout, key), json.dumps(data, sort_keys=True, indent=1) + "\n")
