"""The offline engine's parts for one business: the intent model (trained once per process) and templates."""

from __future__ import annotations

import asyncio
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from parley.agent.intent.business import Phrases
from parley.agent.offline.classifier import IntentModel, train_intents
from parley.agent.offline.templates import Templates

__all__ = ["OfflineEngine", "intent_model", "train_ahead"]

_models: OrderedDict[tuple[str, int], IntentModel] = OrderedDict()
_training = threading.Lock()
_KEEP = 32
"""Models kept per process: the packaged one plus the businesses that wrote their own phrases."""


def _key(embedder: Any, phrases: Phrases | None) -> tuple[str, int]:
    return (getattr(embedder, "model_name", type(embedder).__name__), hash(phrases))


def _train(embedder: Any, phrases: Phrases | None) -> IntentModel:
    with _training:
        return _trained(embedder, phrases)


def _train_if_wanted(embedder: Any, phrases: Phrases | None, still_wanted: Callable[[], bool]) -> None:
    with _training:
        if still_wanted():
            _trained(embedder, phrases)


def _trained(embedder: Any, phrases: Phrases | None) -> IntentModel:
    """The model, trained now if no other is kept for these phrases; the caller holds ``_training``."""
    key = _key(embedder, phrases)
    if key not in _models:
        _models[key] = train_intents(embedder, phrases)
        while len(_models) > _KEEP:
            _models.popitem(last=False)
    _models.move_to_end(key)
    return _models[key]


async def train_ahead(embedder: Any, phrases: Phrases | None, *, still_wanted: Callable[[], bool]) -> None:
    """Train a model a business will need, unless, by the time its turn to train comes, it no longer will.

    Trainings run one at a time. A burst of phrase edits queues one training per edit, and a customer turn
    behind them waited for all (30 s after eight quick edits, where one training takes about 4 s); only the
    last edit's phrases are still wanted, so the others step aside.
    """
    await asyncio.to_thread(_train_if_wanted, embedder, phrases, still_wanted)


async def intent_model(embedder: Any, phrases: Phrases | None = None) -> IntentModel:
    """The intent model for this embedder and these phrases (the packaged ones when None).

    Trained on first use, off the event loop; a business that edits its phrases gets a new model on its
    next turn (or at once, see :meth:`~parley.agent.service.AgentService.prepare_intents`).
    """
    key = _key(embedder, phrases)
    if key in _models:
        return _models[key]
    return await asyncio.to_thread(_train, embedder, phrases)


@dataclass
class OfflineEngine:
    """What the offline engine needs for a turn."""

    intents: IntentModel
    templates: Templates
