"""The values the intent classifier takes and gives: training examples and typed predictions.

They are frozen dataclasses rather than dicts so the agent's router, the API and the tests agree on one
shape, and an `out_of_scope` answer is a field to check rather than a magic string to compare.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["OUT_OF_SCOPE", "IntentExample", "IntentPrediction", "ScoredIntent"]

OUT_OF_SCOPE = "out_of_scope"
"""The label of a message the business's agent should not try to serve (weather, jokes, politics...)."""


@dataclass(frozen=True, slots=True)
class IntentExample:
    """One training phrase of a tenant's intent, as edited through the API."""

    text: str
    intent: str


@dataclass(frozen=True, slots=True)
class ScoredIntent:
    """An intent with the classifier's confidence in it, a probability in [0, 1]."""

    intent: str
    confidence: float


@dataclass(frozen=True, slots=True)
class IntentPrediction:
    """What the classifier decided for one message.

    Attributes:
        intent: The chosen intent, or ``out_of_scope`` when no in-scope intent reached the threshold
            (or the out-of-scope class won).
        confidence: The probability of the best in-scope intent, kept even when the message is rejected
            so that logs show how close it came to the threshold.
        alternatives: The top-k in-scope intents, best first, so a planner can ask "did you mean...?".
        threshold: The threshold the decision used, for the same reason.

    """

    intent: str
    confidence: float
    alternatives: tuple[ScoredIntent, ...]
    threshold: float

    @property
    def is_out_of_scope(self) -> bool:
        """True when the agent should decline or hand over instead of routing to an intent."""
        return self.intent == OUT_OF_SCOPE
