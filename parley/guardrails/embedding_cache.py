"""A file cache of sentence embeddings keyed by text, so training and benchmarks embed each text once.

Only offline tooling uses it (the training script and the benchmark); a live turn embeds its message once
and passes the vector along instead.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from parley.knowledge.embeddings import Embedder

__all__ = ["embed_with_cache"]


def _key(model_name: str, text: str) -> str:
    return hashlib.sha256(f"{model_name}\x00{text}".encode()).hexdigest()


def embed_with_cache(texts: list[str], *, embedder: Embedder, cache_path: Path) -> np.ndarray:
    """Vectors for ``texts`` (in order), embedding only those the cache at ``cache_path`` lacks."""
    cached: dict[str, np.ndarray] = {}
    if cache_path.exists():
        with np.load(cache_path, allow_pickle=False) as data:
            cached = dict(zip(data["keys"].tolist(), data["vectors"], strict=True))
    keys = [_key(embedder.model_name, t) for t in texts]
    missing = list({k: t for k, t in zip(keys, texts, strict=True) if k not in cached}.items())
    if missing:
        vectors = embedder.embed([t for _, t in missing], batch_size=32)
        cached.update(zip([k for k, _ in missing], vectors, strict=True))
        cache_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = cache_path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(list(cached)), vectors=np.stack(list(cached.values())))
        tmp.replace(cache_path)
    if not texts:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([cached[k] for k in keys]).astype(np.float32)
