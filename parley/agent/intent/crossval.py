"""Picking a tenant's threshold from its own phrases, by cross-validation.

A tenant has training phrases but no labelled held-out messages. Scores of phrases the model was trained
on are optimistic, so each phrase is scored by a model fitted without it (k-fold), and the threshold is set
just below the confidence that unseen in-scope wording gets.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from parley.agent.intent.calibration import rejection_quantile_threshold
from parley.agent.intent.types import OUT_OF_SCOPE, IntentExample

if TYPE_CHECKING:
    from parley.agent.intent.classifier import ClassifierConfig

__all__ = ["cross_validated_threshold", "fold_assignment"]

_FALLBACK_THRESHOLD = 0.0
"""With a single phrase for some intent there is nothing to hold out: accept everything, reject nothing."""


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


def cross_validated_threshold(
    config: ClassifierConfig, texts: list[str], vectors: np.ndarray, labels: list[str]
) -> float:
    """The threshold that rejects at most ``config.max_rejection`` of unseen, correctly classified phrases.

    Args:
        config: The ``ClassifierConfig`` of the classifier being fitted.
        texts: All training texts, out-of-scope ones included.
        vectors: Their embeddings.
        labels: Their labels (``out_of_scope`` for out-of-scope ones).

    Returns:
        The threshold, or 0.0 when an intent has a single phrase and nothing can be held out.

    """
    from parley.agent.intent.classifier import IntentClassifier  # a cycle: the classifier calls this

    counts = [labels.count(label) for label in set(labels) - {OUT_OF_SCOPE}]
    n_folds = min(config.cv_folds, min(counts, default=0))
    if n_folds < 2:
        return _FALLBACK_THRESHOLD
    folds = fold_assignment(labels, n_folds)
    fixed = dataclasses.replace(config, threshold=0.0)
    scores, correct = [], []
    for k in range(n_folds):
        train, held = np.flatnonzero(folds != k), np.flatnonzero(folds == k)
        held = held[[labels[i] != OUT_OF_SCOPE for i in held]]
        clf = IntentClassifier(fixed).fit([IntentExample(texts[i], labels[i]) for i in train], vectors[train])
        predictions = clf.predict_many([texts[i] for i in held], vectors[held], top_k=1)
        scores += [p.confidence for p in predictions]
        correct += [p.alternatives[0].intent == labels[i] for p, i in zip(predictions, held, strict=True)]
    return rejection_quantile_threshold(
        np.array(scores), np.array(correct), max_rejection=config.max_rejection
    )
