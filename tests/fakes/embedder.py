"""A deterministic embedder for tests: hashed word and character n-grams, L2-normalised, no model to load."""

from __future__ import annotations

import hashlib
import re

import numpy as np

__all__ = ["HashingEmbedder"]


class HashingEmbedder:
    """Similar texts get similar vectors; fast and the same on every machine."""

    model_name = "test:hashing"

    def __init__(self, dim: int = 384) -> None:
        self.dim = dim
        self.calls: list[list[str]] = []

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        lowered = text.lower()
        grams = re.findall(r"\w+", lowered)
        grams += [lowered[i : i + 3] for i in range(max(0, len(lowered) - 2))]
        for gram in grams:
            digest = hashlib.blake2b(gram.encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dim] += 1.0
        norm = float(np.linalg.norm(vector))
        return vector / norm if norm else vector

    def embed(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        """Embed texts; records each call so tests can check a turn embeds once."""
        self.calls.append(list(texts))
        return (
            np.stack([self._vector(text) for text in texts]) if texts else np.zeros((0, self.dim), np.float32)
        )
