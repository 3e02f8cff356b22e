"""Why a Claude call did not happen or did not succeed."""

from __future__ import annotations

from repomind.errors import OperationError


class LLMError(OperationError):
    """The API was unreachable after retries, timed out, refused the request or answered badly."""


class BudgetExceeded(LLMError):
    """The call would take today's or this month's spend over its configured budget."""


class RequestTooLarge(LLMError):
    """The request carries more input tokens than `llm.max_request_tokens` allows."""
