"""The neighbour term: intents a linear head cannot tell apart are told apart by their nearest phrases.

Made-up vectors, no model: two intents laid out as XOR (each has two clusters, opposite each other), which
no linear head separates, so only the nearest phrases can get unseen messages right.
"""

from __future__ import annotations

import numpy as np
import pytest

from parley.agent.intent import NEIGHBOUR_WEIGHTS, ClassifierConfig, IntentClassifier, IntentExample
from parley.agent.intent.classifier import with_neighbours

DIM = 16
CENTRES = {"refund": [(1, 1), (-1, -1)], "replace": [(1, -1), (-1, 1)]}


def _around(centre: tuple[int, int], n: int, rng: np.random.Generator) -> np.ndarray:
    vectors = np.zeros((n, DIM))
    vectors[:, :2] = centre
    vectors[:, 2:] = rng.normal(scale=0.15, size=(n, DIM - 2))
    return (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)


def _xor(n_per_cluster: int, seed: int) -> tuple[list[IntentExample], np.ndarray]:
    rng = np.random.default_rng(seed)
    examples, blocks = [], []
    for intent, centres in CENTRES.items():
        for centre in centres:
            blocks.append(_around(centre, n_per_cluster, rng))
            # One wording for all: the n-gram features must not tell the intents apart either
            examples += [IntentExample("the same words", intent)] * n_per_cluster
    return examples, np.vstack(blocks)


def _accuracy(clf: IntentClassifier) -> float:
    """How often the best intent is right on unseen messages (the threshold aside)."""
    examples, vectors = _xor(10, seed=1)
    predictions = clf.predict_many([e.text for e in examples], vectors)
    best = [p.alternatives[0].intent for p in predictions]
    return float(np.mean([intent == e.intent for intent, e in zip(best, examples, strict=True)]))


def test_the_nearest_intent_keeps_its_logit_and_the_others_lose_by_their_distance() -> None:
    logits = np.array([[2.0, 1.0, 0.5]])  # two intents, then out-of-scope
    per_intent = np.array([[0.6, 0.9]])
    adjusted = with_neighbours(logits, per_intent, weight=10.0)
    assert adjusted[0, 1] == 1.0  # the nearest intent
    assert adjusted[0, 0] == pytest.approx(2.0 - 10.0 * 0.3)
    assert adjusted[0, 2] == 0.5  # out-of-scope is not an intent with phrases
    assert with_neighbours(logits, per_intent, weight=0.0) is logits


def test_cross_validation_turns_the_neighbour_term_on_where_the_linear_head_fails() -> None:
    examples, vectors = _xor(12, seed=0)
    chosen = IntentClassifier().fit(examples, vectors)
    linear = IntentClassifier(ClassifierConfig(neighbour_weight=0.0)).fit(examples, vectors)
    assert chosen.config.neighbour_weight in NEIGHBOUR_WEIGHTS and chosen.config.neighbour_weight > 0
    assert _accuracy(chosen) == 1.0
    assert _accuracy(linear) < 0.8


def test_a_weight_the_business_sets_is_kept_and_survives_storage() -> None:
    examples, vectors = _xor(12, seed=0)
    clf = IntentClassifier(ClassifierConfig(neighbour_weight=5.0)).fit(examples, vectors)
    restored = IntentClassifier.from_bytes(clf.to_bytes())
    assert restored.config.neighbour_weight == clf.config.neighbour_weight == 5.0
    test_examples, test_vectors = _xor(5, seed=2)
    texts = [e.text for e in test_examples]
    assert restored.predict_many(texts, test_vectors) == clf.predict_many(texts, test_vectors)
