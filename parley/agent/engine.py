"""The offline engine's parts for one business: the intent model (trained once per process) and templates."""

from __future__ import annotations

import asyncio
import threading
from dataclasses import dataclass
from typing import Any

from parley.agent.offline.classifier import IntentModel, train_intents
from parley.agent.offline.templates import Templates

__all__ = ["OfflineEngine", "intent_model"]

_models: dict[str, IntentModel] = {}
_training = threading.Lock()


def _train(embedder: Any) -> IntentModel:
    with _training:
        key = getattr(embedder, "model_name", type(embedder).__name__)
        if key not in _models:
            _models[key] = train_intents(embedder)
        return _models[key]


async def intent_model(embedder: Any) -> IntentModel:
    """The intent model for this embedder, trained from the default phrases on first use (off the loop)."""
    key = getattr(embedder, "model_name", type(embedder).__name__)
    if key in _models:
        return _models[key]
    return await asyncio.to_thread(_train, embedder)


@dataclass
class OfflineEngine:
    """What the offline engine needs for a turn."""

    intents: IntentModel
    templates: Templates
