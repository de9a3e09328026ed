"""Datasets and the embedding cache for the intent benchmark."""

from __future__ import annotations

import csv
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from parley.knowledge.embeddings import DEFAULT_EMBEDDING_MODEL, get_embedder

DATA = Path("/work/shared/data")
CACHE = Path(__file__).resolve().parent.parent / ".cache" / "bench"


@dataclass(frozen=True)
class Split:
    texts: list[str]
    labels: list[str]
    vectors: np.ndarray


def embed_cached(texts: list[str], *, model: str = DEFAULT_EMBEDDING_MODEL) -> np.ndarray:
    """Embed texts once; later runs read the vectors from `.cache/bench/` keyed by a hash of the texts."""
    digest = hashlib.sha256("\x1e".join([model, *texts]).encode()).hexdigest()[:24]
    path = CACHE / f"emb-{digest}.npy"
    if path.exists():
        return np.load(path)
    vectors = get_embedder(model).embed(texts, batch_size=128)
    CACHE.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npy")
    np.save(tmp, vectors)
    tmp.replace(path)
    return vectors


def _split(rows: list[tuple[str, str]]) -> Split:
    texts = [t for t, _ in rows]
    return Split(texts, [label for _, label in rows], embed_cached(texts))


def load_clinc150() -> dict[str, Split]:
    """CLINC150 `data_full.json`: train/val/test and their oos_ counterparts, labels as given ("oos")."""
    raw = json.loads((DATA / "clinc150" / "data_full.json").read_text())
    return {name: _split([(t, label) for t, label in rows]) for name, rows in raw.items()}


def load_banking77() -> dict[str, Split]:
    """BANKING77 train.csv and test.csv."""
    out = {}
    for name in ("train", "test"):
        with (DATA / "banking77" / f"{name}.csv").open(newline="") as f:
            out[name] = _split([(r["text"], r["category"]) for r in csv.DictReader(f)])
    return out


if __name__ == "__main__":
    import time

    t0 = time.perf_counter()
    c = load_clinc150()
    print("clinc", {k: v.vectors.shape for k, v in c.items()}, round(time.perf_counter() - t0, 1))
    b = load_banking77()
    print("banking", {k: v.vectors.shape for k, v in b.items()}, round(time.perf_counter() - t0, 1))
