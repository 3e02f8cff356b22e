"""Tolerant JSONL reading: every line that is a JSON object, whatever else the file holds."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def read_objects(path: str | Path, max_lines: int | None = None) -> Iterator[dict[str, Any]]:
    """Yield each line that parses as a JSON object; skip the rest (torn writes, bad bytes).

    An unreadable file yields nothing: a transcript we cannot read is not worth a crash.
    """
    try:
        handle = open(path, "rb")  # noqa: SIM115 - closed in the finally below
    except OSError:
        return
    try:
        for number, raw in enumerate(handle):
            if max_lines is not None and number >= max_lines:
                return
            line = raw.decode("utf-8", errors="replace").strip()
            if not line:
                continue
            try:
                value = json.loads(line)
            except (ValueError, RecursionError):
                continue
            if isinstance(value, dict):
                yield value
    except OSError:
        return
    finally:
        handle.close()
