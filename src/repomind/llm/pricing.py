"""What a Claude call costs: per-model-family prices and the cost of a usage record."""

from __future__ import annotations

from dataclasses import dataclass

# USD per million tokens, from Anthropic's public price list (anthropic.com/pricing, late 2025).
# Estimates for budgeting, not invoices: prices change, and the bill is the provider's.
# Prompt-cache reads cost 0.1x input, 5-minute cache writes 1.25x input; the Message Batches
# API halves everything.
CACHE_READ_FACTOR = 0.1
CACHE_WRITE_FACTOR = 1.25
BATCH_FACTOR = 0.5


@dataclass(frozen=True, slots=True)
class Price:
    input_per_mtok: float
    output_per_mtok: float


# First match wins (substring of the model name); anything unknown is priced as Sonnet.
_PRICES: tuple[tuple[tuple[str, ...], Price], ...] = (
    (("opus-4-0", "opus-4-1", "opus-4-2025", "3-opus"), Price(15.0, 75.0)),
    (("opus",), Price(5.0, 25.0)),
    (("3-haiku", "haiku-3-2"), Price(0.25, 1.25)),
    (("3-5-haiku", "haiku-3-5"), Price(0.8, 4.0)),
    (("haiku",), Price(1.0, 5.0)),
    (("sonnet",), Price(3.0, 15.0)),
)
DEFAULT_PRICE = Price(3.0, 15.0)


def price_for(model: str) -> Price:
    name = model.lower()
    for needles, price in _PRICES:
        if any(needle in name for needle in needles):
            return price
    return DEFAULT_PRICE


def cost_usd(
    model: str,
    input_tokens: int,
    output_tokens: int,
    cache_read_tokens: int = 0,
    cache_write_tokens: int = 0,
    *,
    batch: bool = False,
) -> float:
    """Estimated USD for one call's usage (input_tokens excludes the cached ones)."""
    price = price_for(model)
    total = (
        input_tokens * price.input_per_mtok
        + cache_read_tokens * price.input_per_mtok * CACHE_READ_FACTOR
        + cache_write_tokens * price.input_per_mtok * CACHE_WRITE_FACTOR
        + output_tokens * price.output_per_mtok
    ) / 1_000_000
    return total * BATCH_FACTOR if batch else total
