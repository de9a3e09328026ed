"""The default commerce intents and their training phrases, for a shop that has written none yet.

The phrases live in ``commerce.yaml`` next to this module (an industrial / CNC parts shop, mostly English
with some Spanish and German) so that people who are not programmers can read and edit them, and a tenant's
API edits start from a copy of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from parley.agent.intent.classifier import ClassifierConfig, IntentClassifier
from parley.agent.intent.types import OUT_OF_SCOPE, IntentExample
from parley.knowledge.embeddings import Embedder, get_embedder

__all__ = [
    "COMMERCE_INTENTS",
    "DEFAULT_TRAINING_FILE",
    "TrainingSet",
    "load_training_set",
    "train_default_classifier",
]

DEFAULT_TRAINING_FILE = Path(__file__).with_name("commerce.yaml")

COMMERCE_INTENTS: tuple[str, ...] = (
    "greeting",
    "product_question",
    "price_quote",
    "stock_check",
    "place_order",
    "order_status",
    "invoice_question",
    "discount_request",
    "complaint",
    "human_handoff",
    "faq",
    "goodbye",
    OUT_OF_SCOPE,
)
"""The intents the commerce agent routes on; ``out_of_scope`` is what the classifier says when none fit."""


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """Phrases per intent plus out-of-scope messages, as read from a YAML file."""

    examples: tuple[IntentExample, ...]
    out_of_scope: tuple[str, ...]
    descriptions: Mapping[str, str]


def load_training_set(
    path: Path = DEFAULT_TRAINING_FILE, *, languages: Sequence[str] | None = None
) -> TrainingSet:
    """Read a training file; ``languages`` (for example ``["en"]``) keeps only those phrases, None keeps all."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))

    def pick(by_language: Mapping[str, list[str]]) -> list[str]:
        return [
            str(p)
            for lang, phrases in by_language.items()
            if languages is None or lang in languages
            for p in phrases
        ]

    examples = tuple(
        IntentExample(text, intent)
        for intent, spec in raw["intents"].items()
        for text in pick(spec["examples"])
    )
    descriptions = {intent: str(spec.get("description", "")) for intent, spec in raw["intents"].items()}
    return TrainingSet(examples, tuple(pick(raw.get("out_of_scope", {}))), descriptions)


def train_default_classifier(
    embedder: Embedder | None = None,
    *,
    languages: Sequence[str] | None = None,
    config: ClassifierConfig | None = None,
) -> IntentClassifier:
    """Embed the default phrases once and fit the commerce classifier (a few seconds on two cores)."""
    embedder = embedder or get_embedder()
    data = load_training_set(languages=languages)
    vectors = embedder.embed([e.text for e in data.examples] + list(data.out_of_scope))
    n = len(data.examples)
    return IntentClassifier(config).fit(
        data.examples, vectors[:n], out_of_scope=data.out_of_scope, out_of_scope_vectors=vectors[n:]
    )
