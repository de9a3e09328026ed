"""Choosing a tenant's neighbour weight and threshold from its own phrases, by cross-validation.

A tenant has training phrases but no labelled held-out messages. Scores of phrases the model was trained
on are optimistic, so each phrase is scored by a model fitted without it (k-fold). The neighbour weight
(see ``ClassifierConfig``) is the one of ``NEIGHBOUR_WEIGHTS`` under which most unseen phrases get their
intent, and the threshold sits just below the confidence that unseen in-scope wording gets under it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from parley.agent.intent.calibration import rejection_quantile_threshold
from parley.agent.intent.types import OUT_OF_SCOPE, IntentExample

if TYPE_CHECKING:
    from parley.agent.intent.classifier import ClassifierConfig, IntentClassifier

__all__ = ["NEIGHBOUR_WEIGHTS", "CrossValidated", "cross_validate", "fold_assignment"]

NEIGHBOUR_WEIGHTS = (0.0, 2.0, 5.0, 10.0, 20.0)
"""The weights tried; 20 was best on a held-out part of BANKING77's training split, 0-2 on CLINC150's."""

_FALLBACK_THRESHOLD = 0.0
"""With a single phrase for some intent there is nothing to hold out: accept everything, reject nothing."""


class CrossValidated(NamedTuple):
    neighbour_weight: float
    threshold: float


class _HeldOut(NamedTuple):
    """One fold's model and its scores of the phrases it did not see."""

    model: IntentClassifier
    logits: np.ndarray
    per_intent: np.ndarray
    truth: np.ndarray


def fold_assignment(labels: list[str], n_folds: int, *, seed: int = 0) -> np.ndarray:
    """Deterministic stratified folds: within each label, phrases are shuffled and dealt round-robin."""
    rng = np.random.default_rng(seed)
    folds = np.empty(len(labels), dtype=np.int64)
    by_label: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_label.setdefault(label, []).append(i)
    for label in sorted(by_label):
        members = np.array(by_label[label])
        folds[rng.permutation(members)] = np.arange(len(members)) % n_folds
    return folds


def cross_validate(
    config: ClassifierConfig, texts: list[str], vectors: np.ndarray, labels: list[str]
) -> CrossValidated:
    """The neighbour weight (the config's own, if set) and the threshold, from out-of-fold scores.

    The threshold rejects at most ``config.max_rejection`` of the unseen, correctly classified phrases.

    Args:
        config: The ``ClassifierConfig`` of the classifier being fitted.
        texts: All training texts, out-of-scope ones included.
        vectors: Their embeddings.
        labels: Their labels (``out_of_scope`` for out-of-scope ones).

    Returns:
        The weight and the threshold; weight 0 and threshold 0.0 when an intent has a single phrase and
        nothing can be held out.

    """
    counts = [labels.count(label) for label in set(labels) - {OUT_OF_SCOPE}]
    n_folds = min(config.cv_folds, min(counts, default=0))
    if n_folds < 2:
        return CrossValidated(config.neighbour_weight or 0.0, _FALLBACK_THRESHOLD)
    held_out = _held_out(config, texts, vectors, labels, n_folds)
    weights = NEIGHBOUR_WEIGHTS if config.neighbour_weight is None else (config.neighbour_weight,)
    # The fewest changes win a tie: a weight must get more unseen phrases right to be chosen
    weight = max(weights, key=lambda w: (_outcomes(config, held_out, w)[2].mean(), -w))
    scores, correct, _ = _outcomes(config, held_out, weight)
    return CrossValidated(
        weight, rejection_quantile_threshold(scores, correct, max_rejection=config.max_rejection)
    )


def _held_out(
    config: ClassifierConfig, texts: list[str], vectors: np.ndarray, labels: list[str], n_folds: int
) -> list[_HeldOut]:
    from parley.agent.intent.classifier import IntentClassifier  # a cycle: the classifier calls this

    folds = fold_assignment(labels, n_folds)
    fixed = dataclasses.replace(config, threshold=0.0, neighbour_weight=0.0)
    out = []
    for k in range(n_folds):
        train, held = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        held = held[[labels[i] != OUT_OF_SCOPE for i in held]]
        model = IntentClassifier(fixed).fit(
            [IntentExample(texts[i], labels[i]) for i in train], vectors[train]
        )
        logits, _ = model.raw_scores([texts[i] for i in held], vectors[held])
        truth = np.array([model.intents.index(labels[i]) for i in held])
        out.append(_HeldOut(model, logits, model.nearest_per_intent(vectors[held]), truth))
    return out


def _outcomes(
    config: ClassifierConfig, held_out: list[_HeldOut], weight: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per unseen phrase: its top confidence, whether that intent is right, and whether it is also accepted.

    Accepted means right and not rejected by the out-of-scope class winning, as ``predict`` rejects.
    """
    from parley.agent.intent.classifier import combine_scores, with_neighbours

    scores, correct, accepted = [], [], []
    for fold in held_out:
        logits = with_neighbours(fold.logits, fold.per_intent, weight=weight)
        confidence = combine_scores(
            logits,
            fold.per_intent.max(axis=1),
            n_intents=fold.per_intent.shape[1],
            temperature=config.temperature,
            similarity_power=config.similarity_power,
        )
        right = confidence.argmax(axis=1) == fold.truth
        scores.append(confidence.max(axis=1))
        correct.append(right)
        accepted.append(right & ~fold.model.out_of_scope_wins(logits))
    return np.concatenate(scores), np.concatenate(correct), np.concatenate(accepted)
