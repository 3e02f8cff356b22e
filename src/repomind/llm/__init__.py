"""Claude for repomind: one client with redaction, a size cap, a response cache, budgets,
retries, a spend log and the Message Batches API. Offline (None) without a key or base_url."""

from __future__ import annotations

from repomind.llm.batches import PendingBatch, collect_batch, pending_batches, submit_batch
from repomind.llm.client import (
    LLM,
    BudgetExceeded,
    LLMError,
    Reply,
    RequestTooLarge,
    Usage,
    llm_configured,
    open_llm,
)
from repomind.llm.spend import SpendSummary, spend_summary

__all__ = [
    "LLM",
    "BudgetExceeded",
    "LLMError",
    "PendingBatch",
    "Reply",
    "RequestTooLarge",
    "SpendSummary",
    "Usage",
    "collect_batch",
    "llm_configured",
    "open_llm",
    "pending_batches",
    "spend_summary",
    "submit_batch",
]
