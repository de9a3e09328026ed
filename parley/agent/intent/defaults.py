"""The default commerce intents and their training phrases, for a shop that has written none yet.

The phrases live in ``commerce.yaml`` next to this module (an industrial / CNC parts shop, mostly English
with some Spanish and German) so that people who are not programmers can read and edit them, and a tenant's
API edits start from a copy of them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from parley.agent.intent.classifier import ClassifierConfig, IntentClassifier
from parley.agent.intent.types import OUT_OF_SCOPE, IntentExample
from parley.knowledge.embeddings import Embedder, get_embedder

__all__ = [
    "COMMERCE_INTENTS",
    "DEFAULT_TRAINING_FILE",
    "TrainingSet",
    "load_phrases",
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


@lru_cache(maxsize=8)
def _read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


@lru_cache(maxsize=8)
def load_phrases(path: Path = DEFAULT_TRAINING_FILE) -> tuple[tuple[str, str, str], ...]:
    """(text, intent, language) for every example phrase, out-of-scope ones included."""
    raw = _read(path)
    rows: list[tuple[str, str, str]] = []
    for intent, spec in raw["intents"].items():
        for language, phrases in spec["examples"].items():
            rows.extend((str(p), intent, language) for p in phrases)
    for language, phrases in (raw.get(OUT_OF_SCOPE) or {}).items():
        rows.extend((str(p), OUT_OF_SCOPE, language) for p in phrases)
    return tuple(rows)


def load_training_set(
    path: Path = DEFAULT_TRAINING_FILE, *, languages: Sequence[str] | None = None
) -> TrainingSet:
    """Read a training file; ``languages`` (for example ``["en"]``) keeps only those phrases, None keeps all."""
    rows = [row for row in load_phrases(path) if languages is None or row[2] in languages]
    examples = tuple(IntentExample(text, intent) for text, intent, _ in rows if intent != OUT_OF_SCOPE)
    out_of_scope = tuple(text for text, intent, _ in rows if intent == OUT_OF_SCOPE)
    descriptions = {
        intent: str(spec.get("description", "")) for intent, spec in _read(path)["intents"].items()
    }
    return TrainingSet(examples, out_of_scope, descriptions)


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
