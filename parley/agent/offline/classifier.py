"""Intent detection for the offline engine, on the message's precomputed embedding.

It uses the shared :mod:`parley.agent.intent` classifier when that package offers one; until then a small
linear head over the same features (embedding + word and char TF-IDF) trained from the example phrases.
A few patterns that cannot be wrong (an order number, "a person please") refine the statistical guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from parley.agent.intent.types import OUT_OF_SCOPE, IntentPrediction, ScoredIntent

__all__ = ["DEFAULT_PHRASES", "IntentModel", "load_phrases", "train_intents"]

DEFAULT_PHRASES = Path(__file__).resolve().parent.parent / "intent" / "commerce.yaml"


@lru_cache(maxsize=8)
def load_phrases(path: Path = DEFAULT_PHRASES) -> tuple[tuple[str, str, str], ...]:
    """(text, intent, language) for every example phrase, out-of-scope ones included."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    rows: list[tuple[str, str, str]] = []
    for intent, spec in raw["intents"].items():
        for language, phrases in spec["examples"].items():
            rows.extend((str(p), intent, language) for p in phrases)
    for language, phrases in (raw.get(OUT_OF_SCOPE) or {}).items():
        rows.extend((str(p), OUT_OF_SCOPE, language) for p in phrases)
    return tuple(rows)


_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"\b(human|person|real person|agent|someone|mensch|persona|operator)\b.*\b(talk|speak|please|bitte|hablar|sprechen)\b|\b(talk|speak|sprechen|hablar)\b.*\b(human|person|someone|mensch|persona)\b",
            re.I,
        ),
        "human_handoff",
    ),
    (re.compile(r"\bORD-\d{4}-\d{5}\b", re.I), "order_status"),
    (re.compile(r"\bINV-[\w-]+\b", re.I), "invoice_question"),
    (
        re.compile(r"\b(how much|price|cost|costs|quote|kostet|preis|cuánto|cuanto|precio)\b", re.I),
        "price_quote",
    ),
)


@dataclass
class IntentModel:
    """A trained intent model: ``predict(text, vector)`` gives a typed prediction."""

    head: Any
    features: Any
    labels: list[str]
    threshold: float = 0.3

    def predict(self, text: str, vector: np.ndarray) -> IntentPrediction:
        """The intent of one message, from its text and its embedding."""
        matrix = self.features.transform([text], np.asarray([vector]))
        probabilities = self.head.predict_proba(matrix)[0]
        ranked = sorted(zip(self.labels, probabilities, strict=True), key=lambda pair: -pair[1])
        in_scope = [(label, float(p)) for label, p in ranked if label != OUT_OF_SCOPE]
        best, confidence = in_scope[0]
        intent = best if ranked[0][0] != OUT_OF_SCOPE and confidence >= self.threshold else OUT_OF_SCOPE
        for pattern, ruled in _RULES:
            if pattern.search(text):
                if ruled == "price_quote" and intent not in (
                    "product_question",
                    "stock_check",
                    "price_quote",
                    OUT_OF_SCOPE,
                ):
                    break
                intent, confidence = ruled, max(confidence, 0.9)
                break
        return IntentPrediction(
            intent=intent,
            confidence=round(confidence, 4),
            alternatives=tuple(ScoredIntent(label, round(p, 4)) for label, p in in_scope[:3]),
            threshold=self.threshold,
        )


def train_intents(embedder: Any, phrases: tuple[tuple[str, str, str], ...] | None = None) -> IntentModel:
    """Train the linear head from the phrases, embedding them in batches once."""
    from sklearn.linear_model import SGDClassifier

    from parley.agent.intent.features import TextFeatures

    rows = phrases or load_phrases()
    texts = [text for text, _intent, _lang in rows]
    labels = [intent for _text, intent, _lang in rows]
    vectors = embedder.embed(texts)
    features = TextFeatures().fit(texts)
    head = SGDClassifier(loss="log_loss", alpha=1e-4, max_iter=50, tol=1e-3, random_state=0)
    head.fit(features.transform(texts, vectors), labels)
    return IntentModel(head=head, features=features, labels=[str(c) for c in head.classes_])
