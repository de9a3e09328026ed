"""Prompt-injection and jailbreak detection on customer messages.

Two signals, either of which flags a message: a small MLP on the message's MiniLM vector (computed once
per turn and shared with intent detection and retrieval, so this check adds well under a millisecond) and
the hand-written patterns of :mod:`parley.guardrails.injection_patterns`. The classifier was trained on
English and German data and MiniLM has no vocabulary for most other scripts, so on text mostly written in,
say, Chinese its score means little; by default it then abstains and the multilingual patterns decide. The
same holds for Spanish, French, Italian and Portuguese: it scored attacks in those languages near zero and an
angry Spanish complaint ("el pedido llegó dañado y nadie me responde") as an attack.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

import numpy as np

from parley.guardrails.injection_model import InjectionModel, load_injection_model
from parley.guardrails.injection_patterns import DIRECT_PATTERNS, find_patterns
from parley.guardrails.profile import InjectionConfig
from parley.guardrails.verdict import Verdict, timed

__all__ = ["InjectionDetector", "latin_share", "readable", "romance_share"]

# Frequent Spanish, French, Italian and Portuguese words that English and German text do not use ("me", "no",
# "do", "pour", "du", "da" and "des" are left out for that reason).
_ROMANCE_WORDS = frozenset([
    "el", "la", "los", "las", "y", "de", "que", "qué", "en", "un", "una", "es", "por", "con", "para", "se",
    "del", "al", "lo", "mi", "su", "sus", "tu", "muy", "ya", "hay", "ha", "está", "estoy", "están", "pero",
    "como", "más", "il", "è", "di", "che", "non", "per", "sono", "della", "gli", "ho", "ci", "ne", "si",
    "molto", "questo", "questa", "les", "et", "est", "je", "pas", "une", "dans", "ce", "qui", "suis", "très",
    "mais", "avec", "nous", "vous", "à", "au", "aux", "os", "em", "não", "uma", "são", "meu", "minha"
])  # fmt: skip
#: Below this share of Latin letters, or from this share of Romance function words on, the classifier abstains.
_LATIN_SHARE = 0.7
_ROMANCE_SHARE = 0.25
_WORD = re.compile(r"[^\W\d_]+")


def latin_share(text: str) -> float:
    """The share of letters in ``text`` that are Latin (accented ones included); 1.0 for no letters."""
    if text.isascii():
        return 1.0
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 1.0
    latin = sum(1 for c in letters if c.isascii() or unicodedata.name(c, "").startswith("LATIN"))
    return latin / len(letters)


def romance_share(text: str) -> float:
    """The share of words in ``text`` that are Spanish, French, Italian or Portuguese function words.

    0.0 for fewer than four words: "Hola, buenos días" says too little to tell, and the classifier scores it
    harmlessly anyway.
    """
    words = _WORD.findall(text.lower())
    if len(words) < 4:
        return 0.0
    return sum(word in _ROMANCE_WORDS for word in words) / len(words)


def readable(text: str) -> bool:
    """Whether the classifier's languages (English, German) can be what ``text`` is written in."""
    return latin_share(text) >= _LATIN_SHARE and romance_share(text) < _ROMANCE_SHARE


class InjectionDetector:
    """Flags messages that try to override the assistant's instructions or unlock forbidden behaviour."""

    def __init__(self, config: InjectionConfig | None = None, *, model: InjectionModel | None = None) -> None:
        self.config = config or InjectionConfig()
        self.model = model or load_injection_model()
        self.threshold = (
            self.config.threshold
            if self.config.threshold is not None
            else self.model.message_thresholds[self.config.operating_point]
        )
        self.harmful_threshold = self.model.harmful_thresholds[self.config.operating_point]

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
        classify = vector is not None and (readable(text) or self.config.classify_unreadable_scripts)
        score = self.score(vector) if classify else None
        harmful = (
            float(self.model.harmful.predict(vector)[0])
            if classify and self.config.screen_harmful_requests
            else None
        )
        details = {
            "score": None if score is None else round(score, 4),
            "threshold": round(self.threshold, 4),
            "harmful_score": None if harmful is None else round(harmful, 4),
            "harmful_threshold": round(self.harmful_threshold, 4),
            "patterns": patterns,
            "classifier_abstained": score is None,
        }
        if patterns:
            names = ", ".join(sorted({p["code"] for p in patterns}))
            return self._stop("pattern", f"The message matches known injection phrasing ({names}).", details)
        if score is not None and score >= self.threshold:
            return self._stop(
                "classifier", f"The message looks like a prompt injection (score {score:.2f}).", details
            )
        if harmful is not None and harmful >= self.harmful_threshold:
            return self._stop(
                "harmful_request", f"The message asks for harmful content (score {harmful:.2f}).", details
            )
        return Verdict.ok("injection.ok", **details)

    def _stop(self, rule: str, message: str, details: dict[str, Any]) -> Verdict:
        return Verdict(action=self.config.action, code=f"injection.{rule}", message=message, details=details)
