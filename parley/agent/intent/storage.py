"""Bytes for a fitted classifier, so each tenant's model can live in the database or object storage.

The format is a NumPy ``.npz`` archive holding a JSON header and plain arrays, read with
``allow_pickle=False``: unlike pickle or joblib, loading a tampered blob cannot run code, and the blob does
not break when scikit-learn's private classes change between versions.
"""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import numpy as np

__all__ = ["FORMAT", "pack", "unpack"]

FORMAT = "parley.intent-classifier/2"
_HEADER = "__header__"


def pack(header: dict[str, Any], arrays: dict[str, np.ndarray]) -> bytes:
    """Serialise a JSON-safe header and named arrays into one compressed blob."""
    buffer = io.BytesIO()
    raw = json.dumps({**header, "format": FORMAT}, ensure_ascii=False).encode("utf-8")
    np.savez_compressed(buffer, **{_HEADER: np.frombuffer(raw, dtype=np.uint8)}, **arrays)
    return buffer.getvalue()


def unpack(data: bytes) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """Read a blob written by :func:`pack`; refuses other formats with a message that names both."""
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as archive:
            header = json.loads(archive[_HEADER].tobytes().decode("utf-8"))
            arrays = {name: archive[name] for name in archive.files if name != _HEADER}
    except (OSError, EOFError, KeyError, ValueError, zipfile.BadZipFile) as error:
        # ValueError covers a pickle, which is refused rather than executed, and undecodable JSON.
        raise ValueError(f"not a stored Parley intent classifier: {error}") from error
    if header.get("format") != FORMAT:
        raise ValueError(f"stored intent classifier has format {header.get('format')!r}, expected {FORMAT!r}")
    return header, arrays
