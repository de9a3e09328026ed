"""Errors turned into messages for a model: what to correct and retry, or a final answer to relay."""

from __future__ import annotations

import logging

from pydantic import ValidationError

from parley.core.errors import ParleyError, ValidationFailed

__all__ = ["error_message", "is_retryable", "validation_message"]

_log = logging.getLogger(__name__)


def validation_message(tool: str, exc: ValidationError) -> str:
    """A bad argument: say which field and why, and ask for a corrected call."""
    problems = "; ".join(
        f"{'.'.join(str(part) for part in error['loc']) or 'arguments'}: {error['msg']}"
        for error in exc.errors()
    )
    return f"Invalid arguments for {tool}: {problems}. Correct these arguments and call {tool} again."


def is_retryable(exc: Exception) -> bool:
    """Whether the model may fix its call and retry (as opposed to relaying a final answer)."""
    return isinstance(exc, ValidationError | ValidationFailed)


def error_message(tool: str, exc: Exception) -> str:
    """Any error of a tool call as a message; never a stack trace."""
    if isinstance(exc, ValidationError):
        return validation_message(tool, exc)
    if isinstance(exc, ValidationFailed):
        where = f" ({exc.field})" if exc.field else ""
        return f"Invalid arguments for {tool}{where}: {exc.message}. Correct them and call {tool} again."
    if isinstance(exc, ParleyError) and exc.status_code < 500:
        return (
            f"{tool} cannot be done [{exc.code}]: {exc.message}. Do not retry; "
            "tell the user plainly, or offer to hand over to a person."
        )
    _log.error("tool %s failed unexpectedly", tool, exc_info=exc)
    return f"{tool} failed on our side. Do not retry; tell the user a person will follow up."
