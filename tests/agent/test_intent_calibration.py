"""How the confidence is scored and the out-of-scope threshold chosen, on hand-made scores (no model needed)."""

from __future__ import annotations

import numpy as np
import pytest

from parley.agent.intent import choose_threshold, combine_scores
from parley.agent.intent.calibration import rejection_quantile_threshold
from parley.agent.intent.crossval import fold_assignment


def test_the_threshold_rejects_as_many_out_of_scope_messages_as_the_accuracy_target_allows() -> None:
    # Ten in-scope messages (nine right), four out-of-scope ones scored 0.1, 0.2, 0.35 and 0.9.
    scores = np.array([0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.5, 0.1, 0.2, 0.35, 0.9])
    correct = np.array([True] * 9 + [False] + [False] * 4)
    oos = np.array([False] * 10 + [True] * 4)
    threshold = choose_threshold(scores, correct, oos, min_in_scope_accuracy=0.8)
    accepted = scores >= threshold
    assert (correct & accepted)[~oos].mean() >= 0.8
    assert (~accepted)[
        oos
    ].mean() == 0.75  # 0.1, 0.2 and 0.35 rejected; 0.9 cannot be without losing accuracy


def test_an_unreachable_accuracy_target_gives_the_threshold_that_rejects_least() -> None:
    scores = np.array([0.9, 0.8, 0.2])
    correct = np.array([True, False, False])
    oos = np.array([False, False, True])
    assert choose_threshold(scores, correct, oos, min_in_scope_accuracy=0.99) == 0.0


def test_the_cross_validation_threshold_rejects_at_most_the_allowed_share_of_good_phrases() -> None:
    scores = np.linspace(0.01, 1.0, 100)
    correct = np.ones(100, dtype=bool)
    threshold = rejection_quantile_threshold(scores, correct, max_rejection=0.05)
    assert (scores < threshold).sum() == 5


def test_folds_hold_out_every_intent_evenly_and_repeatably() -> None:
    labels = ["a"] * 5 + ["b"] * 10 + ["out_of_scope"] * 2
    folds = fold_assignment(labels, 5)
    assert np.array_equal(folds, fold_assignment(labels, 5))
    for k in range(5):
        held = [label for label, fold in zip(labels, folds, strict=True) if fold == k]
        assert held.count("a") == 1 and held.count("b") == 2


def test_the_confidence_weighs_an_intent_against_out_of_scope_not_against_the_other_intents() -> None:
    # Columns: two intents, then the trained out-of-scope class.
    logits = np.array([[3.0, 3.0, 1.0], [3.0, -5.0, 1.0], [1.0, 0.0, 1.0], [1.0, 0.0, 1.0]])
    nearest = np.array([1.0, 1.0, 1.0, 0.5])
    confidence = combine_scores(logits, nearest, n_intents=2, temperature=2.0, similarity_power=2.0)
    assert confidence[0, 0] == confidence[1, 0]  # a close second intent costs the first nothing
    assert confidence[0, 0] == pytest.approx(1 / (1 + np.exp(-1.0)))
    assert confidence[2, 0] == pytest.approx(0.5)  # tied with out-of-scope: even odds
    assert confidence[3, 0] == pytest.approx(0.2)  # odds 1 x 0.5 ** 2
