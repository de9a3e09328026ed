"""The typed run context every node receives through LangGraph's ``Runtime``: no globals, fakes in tests."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parley.agent.toolbox import ToolBox
from parley.core.actor import Actor
from parley.core.db import Database

__all__ = ["AgentContext", "Emit"]

Emit = Callable[[str, dict[str, Any]], Awaitable[None]]
"""Sends a live event of the turn (``token``, ``intent``, ``tool_call``) to whoever is streaming it."""


async def _silent(_event: str, _data: dict[str, Any]) -> None:
    return None


@dataclass
class AgentContext:
    """What one turn runs with.

    Attributes:
        db: The database; tools open their own tenant transactions on it.
        actor: The agent's principal for this business.
        conversation_id: The conversation (also the checkpoint thread).
        customer_id: The conversation's customer, when known: order look-ups are limited to theirs.
        engine: The offline engine's parts (intent model, templates).
        tools: The operations the agent may call, with the turn's step budget.
        vector: The customer message's embedding, computed once for the whole turn.
        knowledge: Knowledge search, when the business has an index.
        llm: The LLM engine, when an endpoint is configured.
        guard: The turn's guardrails (see :mod:`parley.agent.nodes.guards`); None lets everything pass.
        emit: Live events for a stream.
        fallbacks: Steps where the LLM failed and the offline engine answered instead.
        low_confidence: Below this the intent counts as a miss; misses in a row lead to a person.

    """

    db: Database
    actor: Actor
    conversation_id: uuid.UUID
    customer_id: uuid.UUID | None
    engine: Any
    tools: ToolBox
    vector: np.ndarray | None = None
    knowledge: Any | None = None
    llm: Any | None = None
    guard: Any | None = None
    emit: Emit = field(default=_silent)
    fallbacks: list[str] = field(default_factory=list)
    low_confidence: float = 0.45
    max_misses: int = 2
