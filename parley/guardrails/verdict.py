"""The one result type of every guardrail check.

A check never raises on bad input and never returns a bare boolean: it returns a :class:`Verdict` that says
what to do (``action``), which rule decided it (``code``), why in words a person can read (``message``),
the evidence (``details``: matched spans, scores, the numbers it could not trace) and, for ``modify``, the
text to use instead. The pipeline combines verdicts by severity, so the strictest one wins.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from enum import StrEnum
from typing import Any, ParamSpec

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["Action", "Verdict", "timed", "worst"]


class Action(StrEnum):
    """What the runtime does with the message or reply, from least to most severe."""

    PASS = "pass"
    WARN = "warn"
    MODIFY = "modify"
    ESCALATE = "escalate"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        """0 for pass up to 4 for block, for picking the strictest verdict."""
        return _SEVERITY[self]


_SEVERITY = {Action.PASS: 0, Action.WARN: 1, Action.MODIFY: 2, Action.ESCALATE: 3, Action.BLOCK: 4}


class Verdict(BaseModel):
    """The outcome of one check on one text."""

    model_config = ConfigDict(frozen=True)

    action: Action
    code: str = Field(description="The rule that decided, e.g. 'injection.pattern' or 'pii.ok'.")
    message: str = ""
    details: dict[str, Any] = Field(default_factory=dict)
    modified_text: str | None = None
    duration_ms: float = 0.0

    @property
    def stops(self) -> bool:
        """True when the text must not go through as it is (block or escalate)."""
        return self.action in (Action.BLOCK, Action.ESCALATE)

    @classmethod
    def ok(cls, code: str, **details: Any) -> Verdict:
        """A passing verdict for ``code`` with optional evidence (scores, counts)."""
        return cls(action=Action.PASS, code=code, details=details)


def worst(verdicts: Iterable[Verdict]) -> Verdict | None:
    """The most severe verdict (the first one among equals), or None for no verdicts."""
    chosen: Verdict | None = None
    for verdict in verdicts:
        if chosen is None or verdict.action.severity > chosen.action.severity:
            chosen = verdict
    return chosen


P = ParamSpec("P")


def timed(check: Callable[P, Verdict]) -> Callable[P, Verdict]:
    """Decorate a check so its verdict carries the wall-clock time it took, in milliseconds."""

    @functools.wraps(check)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> Verdict:
        start = time.perf_counter()
        verdict = check(*args, **kwargs)
        return verdict.model_copy(update={"duration_ms": (time.perf_counter() - start) * 1000})

    return wrapper
