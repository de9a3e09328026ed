"""Prompt-injection and jailbreak detection on customer messages.

Two signals, either of which flags a message: a small MLP on the message's MiniLM vector (computed once
per turn and shared with intent detection and retrieval, so this check adds well under a millisecond) and
the hand-written patterns of :mod:`parley.guardrails.injection_patterns`. The classifier was trained on
English data and MiniLM has no vocabulary for most other scripts, so on text mostly written in, say,
Chinese its score means little; by default it then abstains and the multilingual patterns decide.
"""

from __future__ import annotations

import unicodedata

import numpy as np

from parley.guardrails.injection_model import InjectionModel, load_injection_model
from parley.guardrails.injection_patterns import DIRECT_PATTERNS, find_patterns
from parley.guardrails.profile import InjectionConfig
from parley.guardrails.verdict import Verdict, timed

__all__ = ["InjectionDetector", "latin_share"]


def latin_share(text: str) -> float:
    """The share of letters in ``text`` that are Latin (accented ones included); 1.0 for no letters."""
    if text.isascii():
        return 1.0
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for c in letters if c.isascii() or unicodedata.name(c, "").startswith("LATIN"))
    return latin / len(letters)


class InjectionDetector:
    """Flags messages that try to override the assistant's instructions or unlock forbidden behaviour."""

    #: Below this share of Latin letters the English classifier abstains (unless configured otherwise).
    readable_share = 0.7

    def __init__(self, config: InjectionConfig | None = None, *, model: InjectionModel | None = None) -> None:
        self.config = config or InjectionConfig()
        self.model = model or load_injection_model()
        self.threshold = (
            self.config.threshold
            if self.config.threshold is not None
            else self.model.message_thresholds[self.config.operating_point]
        )

    def score(self, vector: np.ndarray) -> float:
        """The classifier's attack probability for one message vector."""
        return float(self.model.message.predict(vector)[0])

    @timed
    def check(self, text: str, vector: np.ndarray | None) -> Verdict:
        """Judge one message from its text and its precomputed, L2-normalised MiniLM vector.

        Without a MiniLM vector (another embedder served the turn) the classifier abstains and only the
        patterns judge, since its weights mean nothing on other vectors.
        """
        if not self.config.enabled:
            return Verdict.ok("injection.disabled")
        patterns = find_patterns(text, DIRECT_PATTERNS) if self.config.use_patterns else []
        readable = latin_share(text) >= self.readable_share
        classify = vector is not None and (readable or self.config.classify_unreadable_scripts)
        score = self.score(vector) if classify else None
        details = {
            "score": None if score is None else round(score, 4),
            "threshold": round(self.threshold, 4),
            "patterns": patterns,
            "classifier_abstained": score is None,
        }
        if patterns:
            names = ", ".join(sorted({p["code"] for p in patterns}))
            return Verdict(
                action=self.config.action,
                code="injection.pattern",
                message=f"The message matches known injection phrasing ({names}).",
                details=details,
            )
        if score is not None and score >= self.threshold:
            return Verdict(
                action=self.config.action,
                code="injection.classifier",
                message=f"The message looks like a prompt injection (score {score:.2f}).",
                details=details,
            )
        return Verdict.ok("injection.ok", **details)
