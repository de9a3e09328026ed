"""The trained injection classifiers, stored as plain arrays in ``injection_model.npz``.

The file holds the weights of three small networks on the shared 384-dim MiniLM vectors (a message MLP, a
harmful-request logistic regression and a document-segment logistic regression), their calibrated thresholds and a JSON metadata
record of how they were trained. It is loaded with ``allow_pickle=False``, so reading it can never run code;
``python -m parley.guardrails.train_injection`` rebuilds it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["MODEL_PATH", "DenseNet", "InjectionModel", "load_injection_model"]

MODEL_PATH = Path(__file__).with_name("injection_model.npz")


@dataclass(frozen=True)
class DenseNet:
    """A feed-forward net with ReLU hidden layers and a sigmoid output; no hidden layer is logistic regression."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def predict(self, vectors: np.ndarray) -> np.ndarray:
        """Attack probabilities for a batch of vectors of shape (n, dim), or one vector of shape (dim,)."""
        x = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        for weight, bias in zip(self.weights[:-1], self.biases[:-1], strict=True):
            x = np.maximum(x @ weight + bias, 0.0)
        logits = (x @ self.weights[-1] + self.biases[-1]).reshape(-1)
        return 1.0 / (1.0 + np.exp(-np.clip(logits, -50.0, 50.0)))

    def arrays(self, prefix: str) -> dict[str, np.ndarray]:
        """The weights as named float16 arrays, for ``np.savez``."""
        named = {}
        for i, (weight, bias) in enumerate(zip(self.weights, self.biases, strict=True)):
            named[f"{prefix}.w{i}"] = weight.astype(np.float16)
            named[f"{prefix}.b{i}"] = bias.astype(np.float16)
        return named

    @classmethod
    def from_arrays(cls, data: Any, prefix: str) -> DenseNet:
        """Read the arrays written by :meth:`arrays`."""
        weights, biases = [], []
        i = 0
        while f"{prefix}.w{i}" in data:
            weights.append(np.asarray(data[f"{prefix}.w{i}"], dtype=np.float32))
            biases.append(np.asarray(data[f"{prefix}.b{i}"], dtype=np.float32))
            i += 1
        if not weights:
            raise ValueError(f"the model file has no arrays for {prefix!r}")
        return cls(tuple(weights), tuple(biases))


@dataclass(frozen=True)
class InjectionModel:
    """The classifiers with their thresholds, keyed by operating point ("strict", "balanced", "permissive")."""

    message: DenseNet
    segment: DenseNet
    harmful: DenseNet
    message_thresholds: dict[str, float]
    segment_thresholds: dict[str, float]
    harmful_thresholds: dict[str, float]
    meta: dict[str, Any] = field(default_factory=dict)

    def save(self, path: Path = MODEL_PATH) -> None:
        """Write the model as an npz of float16 weights plus a JSON record."""
        record = {
            "message_thresholds": self.message_thresholds,
            "segment_thresholds": self.segment_thresholds,
            "harmful_thresholds": self.harmful_thresholds,
            "meta": self.meta,
        }
        arrays = {
            **self.message.arrays("message"),
            **self.segment.arrays("segment"),
            **self.harmful.arrays("harmful"),
        }
        np.savez_compressed(path, record=np.array(json.dumps(record, sort_keys=True)), **arrays)

    @classmethod
    def load(cls, path: Path = MODEL_PATH) -> InjectionModel:
        """Read a model written by :meth:`save`."""
        with np.load(path, allow_pickle=False) as data:
            record = json.loads(str(data["record"]))
            return cls(
                message=DenseNet.from_arrays(data, "message"),
                segment=DenseNet.from_arrays(data, "segment"),
                harmful=DenseNet.from_arrays(data, "harmful"),
                message_thresholds={k: float(v) for k, v in record["message_thresholds"].items()},
                segment_thresholds={k: float(v) for k, v in record["segment_thresholds"].items()},
                harmful_thresholds={k: float(v) for k, v in record["harmful_thresholds"].items()},
                meta=record["meta"],
            )


@lru_cache(maxsize=2)
def load_injection_model(path: Path = MODEL_PATH) -> InjectionModel:
    """The packaged model, read once per process."""
    return InjectionModel.load(path)
