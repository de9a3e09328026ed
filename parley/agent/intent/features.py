"""Cheap lexical features that sit next to the shared sentence embedding.

The embedding is computed once per customer turn and shared with retrieval, guardrails and the semantic
cache, so the classifier may not run a second transformer pass. TF-IDF word and character n-grams are the
cheap complement: they catch part numbers, order-number shapes, typos and the exact jargon of a shop that a
small general-purpose embedding blurs together.

scikit-learn learns the vocabularies and IDF weights; the transform is done here with the same analyzers,
because scikit-learn's per-call validation cost about 5 ms for a single message, ten times the work itself.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer

__all__ = ["FeatureConfig", "TextFeatures"]

_BLOCKS = ("word", "char")


@dataclass(frozen=True, slots=True)
class FeatureConfig:
    """How the embedding and the n-gram blocks are weighted against each other.

    The weights matter because the linear head sees one concatenated vector: a block with a larger norm gets
    a larger share of the regularisation budget. Doubling the embedding was best on CLINC150's validation
    split and on a held-out part of BANKING77's training split (see ``bench/intent.py``).
    """

    embedding_weight: float = 2.0
    word_weight: float = 1.0
    char_weight: float = 1.0
    word_ngrams: tuple[int, int] = (1, 2)
    char_ngrams: tuple[int, int] = (2, 5)


def _vectorizer(config: FeatureConfig, block: str) -> TfidfVectorizer:
    if block == "word":
        return TfidfVectorizer(ngram_range=config.word_ngrams, sublinear_tf=True)
    return TfidfVectorizer(analyzer="char_wb", ngram_range=config.char_ngrams, sublinear_tf=True)


class TextFeatures:
    """Turns (texts, precomputed embeddings) into one sparse row per message for a linear head."""

    def __init__(self, config: FeatureConfig | None = None) -> None:
        self.config = config or FeatureConfig()
        self._analyzers: dict[str, Callable[[str], list[str]]] = {
            b: _vectorizer(self.config, b).build_analyzer() for b in _BLOCKS
        }
        self._vocabulary: dict[str, dict[str, int]] = {b: {} for b in _BLOCKS}
        self._idf: dict[str, np.ndarray] = {b: np.zeros(0) for b in _BLOCKS}

    def fit(self, texts: list[str]) -> TextFeatures:
        """Learn the n-gram vocabularies and IDF weights from the training phrases."""
        for block in _BLOCKS:
            vectorizer = _vectorizer(self.config, block).fit(texts)
            self._vocabulary[block] = {term: int(i) for term, i in vectorizer.vocabulary_.items()}
            self._idf[block] = np.asarray(vectorizer.idf_, dtype=np.float64)
        return self

    def ngrams(self, texts: list[str]) -> sparse.csr_matrix:
        """Sublinear TF-IDF, L2-normalised per block and weighted, as scikit-learn computes it."""
        weights = {"word": self.config.word_weight, "char": self.config.char_weight}
        offsets = {"word": 0, "char": len(self._vocabulary["word"])}
        indptr, indices, values = [0], [], []
        for text in texts:
            for block in _BLOCKS:
                vocabulary, idf = self._vocabulary[block], self._idf[block]
                counts = Counter(
                    i for t in self._analyzers[block](text) if (i := vocabulary.get(t)) is not None
                )
                cols = sorted(counts)
                row = [(1.0 + math.log(counts[c])) * idf[c] for c in cols]
                norm = math.sqrt(sum(v * v for v in row)) or 1.0
                indices += [offsets[block] + c for c in cols]
                values += [weights[block] * v / norm for v in row]
            indptr.append(len(indices))
        width = offsets["char"] + len(self._vocabulary["char"])
        return sparse.csr_matrix((values, indices, indptr), shape=(len(texts), width), dtype=np.float64)

    def transform(self, texts: list[str], vectors: np.ndarray) -> sparse.csr_matrix:
        """Stack the weighted embedding, word and char TF-IDF blocks side by side."""
        if len(texts) != len(vectors):
            raise ValueError(f"got {len(texts)} texts but {len(vectors)} embedding vectors")
        dense = np.asarray(vectors, dtype=np.float64) * self.config.embedding_weight
        return sparse.hstack([sparse.csr_matrix(dense), self.ngrams(texts)], format="csr")

    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """A JSON-safe header and plain arrays; no pickle, so a stored model cannot run code on load."""
        header: dict[str, Any] = {"config": asdict(self.config)}
        for block in _BLOCKS:
            vocabulary = self._vocabulary[block]
            header[f"{block}_vocabulary"] = sorted(vocabulary, key=vocabulary.__getitem__)
        return header, {f"{block}_idf": self._idf[block] for block in _BLOCKS}

    @classmethod
    def from_state(cls, header: dict[str, Any], arrays: dict[str, np.ndarray]) -> TextFeatures:
        """Rebuild fitted features from :meth:`to_state` output without refitting."""
        raw = header["config"]
        ngrams = {"word_ngrams": tuple(raw["word_ngrams"]), "char_ngrams": tuple(raw["char_ngrams"])}
        features = cls(FeatureConfig(**{**raw, **ngrams}))
        for block in _BLOCKS:
            features._vocabulary[block] = {term: i for i, term in enumerate(header[f"{block}_vocabulary"])}
            features._idf[block] = np.asarray(arrays[f"{block}_idf"], dtype=np.float64)
        return features
