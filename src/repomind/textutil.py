"""Text helpers shared by indexing and search: identifier splitting and token estimates."""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def split_identifier(name: str) -> list[str]:
    """`parseHTTPResponse_v2` -> ['parse', 'http', 'response', 'v', '2'] (lower case)."""
    return [w.lower() for w in _WORD.findall(name)]


@lru_cache(maxsize=1 << 17)
def _expand(ident: str) -> str:
    words = split_identifier(ident)
    lowered = ident.lower()
    if len(words) > 1 or (words and words[0] != lowered):
        return " ".join([lowered, *words])
    return lowered


def search_terms(text: str) -> str:
    """Text for the full-text index: each identifier kept whole and split into its words."""
    return " ".join(map(_expand, _IDENT.findall(text)))


def estimate_tokens(text: str) -> int:
    """A cheap, deterministic token estimate (~4 characters per token for code and English)."""
    return (len(text) + 3) // 4
