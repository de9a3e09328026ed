"""BM25 sparse vectors computed offline, so keyword search needs no model download and no server.

Qdrant Edge's ``Bm25`` tokenizes, drops stop words and stems exactly as Qdrant does; documents get
term-frequency weights and queries a weight of one per term, and the store applies IDF at query time
(``Modifier.IDF``), so adding documents never means recomputing old vectors. Both stores use this
encoder, so keyword scores agree between the embedded engine and a Qdrant server.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from qdrant_edge import Bm25, Bm25Config

__all__ = ["Bm25Encoder", "SparseVectorData"]


@dataclass(frozen=True, slots=True)
class SparseVectorData:
    """Engine-neutral sparse vector: token ids and their weights."""

    indices: tuple[int, ...]
    values: tuple[float, ...]

    def __bool__(self) -> bool:
        return bool(self.indices)


class Bm25Encoder:
    """Turns text into BM25 sparse vectors and words into the token ids search matched on.

    Args:
        language: Snowball stemmer and stop words (Qdrant's language names, e.g. ``"english"``).
        avg_len: Expected chunk length in tokens for BM25's length normalisation. Chunks are short
            (a product is 20-60 tokens, an article section up to 200), so the default is below
            Qdrant's 256.
        k: Term-frequency saturation.
        b: Length normalisation strength.

    """

    def __init__(self, *, language: str = "english", avg_len: float = 100.0, k: float = 1.2, b: float = 0.75):
        self.language = language
        self._model = Bm25(Bm25Config(k=k, b=b, avg_len=avg_len, language=language))
        self._term_ids = lru_cache(maxsize=65536)(self._term_ids_uncached)

    def embed_document(self, text: str) -> SparseVectorData:
        """Embed chunk text: term-frequency weights, IDF is applied by the store at query time."""
        vector = self._model.embed_document(text)
        return SparseVectorData(tuple(vector.indices), tuple(vector.values))

    def embed_query(self, text: str) -> SparseVectorData:
        """Embed a query: each distinct term once, with weight one."""
        vector = self._model.embed_query(text)
        return SparseVectorData(tuple(vector.indices), tuple(vector.values))

    def term_ids(self, word: str) -> frozenset[int]:
        """Return the token ids of one word (none for stop words); cached, as highlighting asks often."""
        return self._term_ids(word.casefold())

    def _term_ids_uncached(self, word: str) -> frozenset[int]:
        return frozenset(self._model.embed_query(word).indices)
