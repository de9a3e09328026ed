"""The packaged MiniLM through ONNX Runtime: the same vectors as sentence-transformers, with less overhead.

Every customer turn embeds one short message on the critical path. Through PyTorch and sentence-transformers
that took 15-20 ms on this 2-core machine, most of it per-call overhead rather than arithmetic; ONNX Runtime
runs the same network with fused operators in a fraction of the time (measured on a quiet machine: 16 tokens
4.5 ms against 17, 256 tokens 39 ms against 54). The vectors match the PyTorch ones to 1e-6, so a stored
index, a trained intent model or the injection model stay valid.

The model is exported once from the packaged weights (a few seconds) into the user's cache folder and reused
by every later process; nothing is downloaded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np

__all__ = ["OnnxEmbedder", "onnx_cache_dir"]

_INPUTS = ("input_ids", "attention_mask")


def onnx_cache_dir() -> Path:
    """Where exported models are kept: ``$PARLEY_CACHE_DIR`` or the XDG cache folder."""
    configured = os.environ.get("PARLEY_CACHE_DIR")
    if configured:
        return Path(configured)
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "parley"


_RECIPE = "eager-attention, fused by onnxruntime.transformers, opset 17"
"""How the export is made; part of the cached file's name, so a change of recipe exports again."""


def _fingerprint(model_dir: Path) -> str:
    weights = model_dir / "model.safetensors"
    digest = hashlib.sha256(f"{_RECIPE}|{weights.stat().st_size}".encode())
    with weights.open("rb") as f:
        digest.update(f.read(1 << 20))
    return digest.hexdigest()[:16]


def _export(model_dir: Path, target: Path) -> None:
    """Trace the transformer (without pooling) to ONNX and fuse it; written beside the target, then renamed.

    Eager attention traces to the plain matrix products that ONNX Runtime's optimizer fuses into one
    Attention operator per layer (with SDPA it fuses nothing): 256 tokens took 39 ms instead of 72.
    """
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel
    from transformers.utils import logging as transformers_logging

    transformers_logging.disable_progress_bar()
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            return self.model(
                input_ids=input_ids,
                attention_mask=attention_mask,
                token_type_ids=torch.zeros_like(input_ids),
            ).last_hidden_state

    sample = torch.tensor([[101, 7592, 2088, 102], [101, 7592, 102, 0]])
    axes = {"batch": 0, "tokens": 1}
    dynamic = {name: {i: axis for axis, i in axes.items()} for name in (*_INPUTS, "hidden")}
    target.parent.mkdir(parents=True, exist_ok=True)
    traced = target.with_suffix(f".{os.getpid()}.traced")
    fused = target.with_suffix(f".{os.getpid()}.tmp")
    try:
        # The TorchScript exporter (pinned torch) warns that it is deprecated, and the tracer warns about
        # shape checks it freezes; the export is verified against sentence-transformers in the tests instead.
        # The optimizer logs every fusion at INFO: noise in the server's log on its first start.
        with torch.no_grad(), warnings.catch_warnings(), _quiet_logs():
            warnings.simplefilter("ignore")
            torch.onnx.export(
                Encoder(),
                (sample, (sample != 0).long()),
                str(traced),
                input_names=list(_INPUTS),
                output_names=["hidden"],
                dynamic_axes=dynamic,
                opset_version=17,
                dynamo=False,
            )
            optimized = optimize_model(
                str(traced),
                model_type="bert",
                num_heads=model.config.num_attention_heads,
                hidden_size=model.config.hidden_size,
            )
            optimized.save_model_to_file(str(fused))
        fused.replace(target)
    finally:
        traced.unlink(missing_ok=True)
        fused.unlink(missing_ok=True)


@contextmanager
def _quiet_logs() -> Iterator[None]:
    logging.disable(logging.INFO)
    try:
        yield
    finally:
        logging.disable(logging.NOTSET)


class OnnxEmbedder:
    """Mean-pooled, L2-normalised MiniLM vectors from an ONNX export of a sentence-transformers folder."""

    def __init__(self, model_name: str, model_dir: Path, *, cache_dir: Path | None = None) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.model_name = model_name
        config = json.loads((model_dir / "sentence_bert_config.json").read_text())
        pooling = json.loads((model_dir / "1_Pooling" / "config.json").read_text())
        if not pooling.get("pooling_mode_mean_tokens"):
            raise ValueError(f"{model_dir} does not mean-pool its tokens")
        self.dim = int(pooling["word_embedding_dimension"])
        self._tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=int(config["max_seq_length"]))
        path = (cache_dir or onnx_cache_dir()) / f"minilm-{_fingerprint(model_dir)}.onnx"
        if not path.exists():
            _export(model_dir, path)
        options = ort.SessionOptions()
        # Threads that spin between calls would take the core the event loop needs.
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.intra_op_num_threads = min(os.cpu_count() or 1, 4)
        self._session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self._lock = threading.Lock()

    def embed(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        """Embed many texts in batches of similar length; returns an array of shape (len(texts), dim)."""
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            with self._lock:
                (hidden,) = self._session.run(None, {"input_ids": ids, "attention_mask": mask})
            weights = mask[..., None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
            norms = np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
            out[batch] = pooled / norms
        return out
