"""The search service the agent's knowledge tool and the API call: query text in, ranked hits out.

It embeds the query only when the caller has no vector yet. The agent embeds each customer message
once and passes that vector to intent detection, the semantic cache and here, because one embedding
costs about as much (20-30 ms) as the whole search.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from parley.knowledge.embeddings import Embedder
from parley.knowledge.filters import SearchFilters
from parley.knowledge.fusion import ConvexFusion, Fusion
from parley.knowledge.query import SearchMode, SearchRequest, SearchResults
from parley.knowledge.stores.base import VectorStore

__all__ = ["KnowledgeSearch"]


class KnowledgeSearch:
    """Searches one store for one tenant at a time.

    Args:
        store: The store the indexer writes to.
        embedder: The shared embedder; used only when a search comes without a vector.
        mode: The default ranking.
        fusion: How hybrid search fuses its rankings (see :mod:`parley.knowledge.fusion`).
        prefetch_limit: Candidates each ranking contributes to a hybrid fusion.

    """

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        *,
        mode: SearchMode = SearchMode.HYBRID,
        fusion: Fusion | None = None,
        prefetch_limit: int = 50,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.mode = mode
        self.fusion = fusion or ConvexFusion()
        self.prefetch_limit = prefetch_limit

    def search(
        self,
        text: str,
        *,
        filters: SearchFilters,
        mode: SearchMode | None = None,
        query_vector: Sequence[float] | np.ndarray | None = None,
        limit: int = 10,
        score_threshold: float | None = None,
        per_document: bool = True,
        fusion: Fusion | None = None,
    ) -> SearchResults:
        """Rank the tenant's knowledge for a query.

        Args:
            text: The customer's words.
            filters: Tenant (required) and optional narrowing: kinds, categories, price, stock, status.
            mode: Dense, keyword or hybrid; the service default when None.
            query_vector: The message's embedding if the caller has it, so it is not computed twice.
            limit: Most hits returned.
            score_threshold: Drop hits scoring below, in the mode's scale.
            per_document: Keep only each document's best chunk (what a reader wants); False returns
                every matching chunk.
            fusion: Override the service's hybrid fusion for this search.

        """
        mode = SearchMode(mode or self.mode)
        embed_ms = 0.0
        if query_vector is None and mode is not SearchMode.KEYWORD:
            started = time.perf_counter()
            query_vector = self.embedder.embed([text])[0]
            embed_ms = (time.perf_counter() - started) * 1000
        request = SearchRequest(
            text=text,
            filters=filters,
            mode=mode,
            vector=query_vector,
            limit=limit,
            score_threshold=score_threshold,
            per_document=per_document,
            fusion=fusion or self.fusion,
            prefetch_limit=self.prefetch_limit,
        )
        results = self.store.search(request)
        return SearchResults(hits=results.hits, took_ms=results.took_ms, mode=results.mode, embed_ms=embed_ms)
