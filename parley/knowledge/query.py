"""What a search asks for and what it gets back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np

from parley.knowledge.documents import DocumentKind
from parley.knowledge.filters import SearchFilters
from parley.knowledge.fusion import ConvexFusion, Fusion

__all__ = ["SearchHit", "SearchMode", "SearchRequest", "SearchResults"]


class SearchMode(StrEnum):
    """How chunks are ranked: by meaning (dense), by words (keyword, BM25), or both fused (hybrid)."""

    DENSE = "dense"
    KEYWORD = "keyword"
    HYBRID = "hybrid"


@dataclass(frozen=True, slots=True)
class SearchRequest:
    """One search against a store. ``filters`` carries the tenant and has no default.

    Attributes:
        text: The query as the customer wrote it; keyword search and highlights use it.
        filters: Tenant (required) and optional narrowing.
        mode: Dense, keyword or hybrid.
        vector: The query's dense embedding; required for dense and hybrid. The agent embeds each
            message once and passes the same vector to every step.
        limit: Most hits returned.
        score_threshold: Hits scoring below are dropped. The scale is the mode's: cosine for dense,
            BM25 for keyword, the fused score for hybrid (see :class:`ConvexFusion`).
        per_document: Return only the best chunk of each document.
        fusion: How hybrid combines its two rankings.
        prefetch_limit: Candidates each ranking contributes to a hybrid fusion.

    """

    text: str
    filters: SearchFilters
    mode: SearchMode = SearchMode.HYBRID
    vector: Sequence[float] | np.ndarray | None = None
    limit: int = 10
    score_threshold: float | None = None
    per_document: bool = False
    fusion: Fusion = field(default_factory=ConvexFusion)
    prefetch_limit: int = 50

    def __post_init__(self) -> None:
        if not isinstance(self.filters, SearchFilters):
            raise TypeError("a search needs SearchFilters, which carry the tenant")
        object.__setattr__(self, "mode", SearchMode(self.mode))
        if self.mode is not SearchMode.KEYWORD and self.vector is None:
            raise ValueError(f"a {self.mode} search needs the query vector")
        if self.limit < 1 or self.prefetch_limit < 1:
            raise ValueError("limit and prefetch_limit must be at least 1")


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One returned chunk.

    Attributes:
        document_id: The document the chunk belongs to.
        chunk_id: The chunk, unique within the tenant.
        kind: Product, article or FAQ.
        title: The document's title.
        text: The chunk text as shown to the reader.
        heading_path: The Markdown headings the chunk sits under, outermost first.
        score: The score the hit was ranked by (the mode's scale).
        scores: The parts of a hybrid score: raw ``dense`` cosine and ``keyword`` BM25 where present.
        metadata: The document's metadata (category, price, stock status, ...).
        highlights: Fragments of the text with the matched query words in ``<mark>`` tags.
        matched_terms: The distinct words of the text that matched the query.

    """

    document_id: str
    chunk_id: str
    kind: DocumentKind
    title: str
    text: str
    heading_path: tuple[str, ...]
    score: float
    scores: dict[str, float]
    metadata: dict[str, Any]
    highlights: tuple[str, ...]
    matched_terms: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SearchResults:
    """Hits, best first, and how long the search took in milliseconds (embedding excluded)."""

    hits: list[SearchHit]
    took_ms: float
    mode: SearchMode
    embed_ms: float = 0.0

    @property
    def document_ids(self) -> list[str]:
        """The documents of the hits in rank order, each once."""
        return list(dict.fromkeys(hit.document_id for hit in self.hits))
