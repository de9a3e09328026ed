"""Choosing the out-of-scope threshold, from held-out data or by cross-validation.

A threshold is only meaningful for the model it was chosen for: scores of a 13-intent shop and of a
150-intent benchmark live on different scales. So the threshold is picked per trained model, either on a
labelled held-out set (the benchmark's validation split) or, for a tenant who has only training phrases,
from out-of-fold scores of those phrases.
"""

from __future__ import annotations

import numpy as np

__all__ = ["choose_threshold", "rejection_quantile_threshold"]


def choose_threshold(
    scores: np.ndarray,
    correct: np.ndarray,
    out_of_scope: np.ndarray,
    *,
    min_in_scope_accuracy: float,
) -> float:
    """The threshold that rejects the most out-of-scope messages while keeping in-scope accuracy.

    A message is accepted when its score is at least the threshold; an in-scope message counts as right
    only if it is accepted and its intent is correct. Of the thresholds that keep that in-scope accuracy at
    or above ``min_in_scope_accuracy``, those with the best out-of-scope recall win, and the threshold sits
    in the middle of their range so that it does not hug one held-out message. If no threshold reaches the
    accuracy, the one with the best accuracy is returned, so a weak model still rejects as little as it can.

    Args:
        scores: The confidence of each held-out message.
        correct: For each message, whether the predicted in-scope intent was right (ignored for
            out-of-scope messages).
        out_of_scope: For each message, whether it is truly out of scope.
        min_in_scope_accuracy: The accuracy on in-scope messages that the threshold must keep.

    Returns:
        The chosen threshold.

    """
    scores = np.asarray(scores, dtype=np.float64)
    oos = np.asarray(out_of_scope, dtype=bool)
    ok = np.asarray(correct, dtype=bool) & ~oos
    n_in, n_oos = max(int((~oos).sum()), 1), max(int(oos.sum()), 1)
    candidates = np.unique(np.concatenate([[0.0], scores]))
    # Sort once: for threshold t, accepted-and-correct = ok with score >= t; rejected oos = oos with score < t.
    ok_sorted = np.sort(scores[ok])
    oos_sorted = np.sort(scores[oos])
    accuracy = (len(ok_sorted) - np.searchsorted(ok_sorted, candidates, side="left")) / n_in
    recall = np.searchsorted(oos_sorted, candidates, side="left") / n_oos
    feasible = accuracy >= min_in_scope_accuracy - 1e-12
    if not feasible.any():
        return float(candidates[int(np.argmax(accuracy))])
    best = candidates[feasible & (recall == recall[feasible].max())]
    return float((best[0] + best[-1]) / 2)


def rejection_quantile_threshold(scores: np.ndarray, correct: np.ndarray, *, max_rejection: float) -> float:
    """The threshold that rejects at most ``max_rejection`` of the correctly classified in-scope phrases.

    Used when a tenant has no labelled held-out messages: the out-of-fold scores of their own phrases say
    how confident the model is on in-scope wording it has not seen, and the threshold sits just below that.
    """
    good = np.sort(np.asarray(scores, dtype=np.float64)[np.asarray(correct, dtype=bool)])
    if good.size == 0:
        return 0.0
    return float(good[int(np.floor(max_rejection * good.size))])
