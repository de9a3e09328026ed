"""The graph's typed state. Turn fields are reset by each turn's input; ``memory`` and ``history`` persist.

``approval_id`` names the request a paused turn waits for, ``decision`` is what a person decided (the
``Command(resume=...)`` value), and ``preview`` marks a run whose reply is only suggested to staff.

Everything here is plain JSON (str, numbers, lists, dicts) so checkpoints serialise the same on SQLite and
PostgreSQL and stay readable.
"""

from __future__ import annotations

from typing import Any, TypedDict

__all__ = ["ONE_MESSAGE_MEMORY", "AgentState", "Memory", "new_turn"]


class Memory(TypedDict, total=False):
    """What the agent remembers across turns of one conversation."""

    last_product: dict[str, Any]
    last_quotation: str
    last_quantity: int
    last_counts_pieces: bool
    last_order: str
    order_placed: str
    proposed_order: dict[str, Any]
    order_question: bool
    order_count: int
    offered_person: bool
    suggested_product: dict[str, Any]
    low_confidence_streak: int
    language: str
    turns: int


ONE_MESSAGE_MEMORY = frozenset(
    {"proposed_order", "order_question", "order_count", "offered_person", "suggested_product", "order_placed"}
)
"""Memory that stands for the customer's next message only: the order just proposed, the question just asked
about one (and the count the customer gave with it), a person just offered, the product offered for a
mistyped part number, the order just placed. The intent step takes them out of memory whatever the message says."""


class AgentState(TypedDict, total=False):
    """One conversation's state as the graph sees it."""

    text: str
    language: str
    intent: str
    confidence: float
    alternatives: list[dict[str, Any]]
    entities: dict[str, Any]
    facts: dict[str, Any]
    parts: list[dict[str, Any]]
    tool_calls: list[dict[str, Any]]
    guardrails: dict[str, Any]
    reply: str
    status: str
    escalation_reason: str
    metrics: dict[str, Any]
    memory: Memory
    history: list[dict[str, str]]
    approval_id: str
    decision: dict[str, Any]
    preview: bool


def new_turn(text: str) -> AgentState:
    """The input of one turn: the customer's words and fresh turn fields (memory and history carry over)."""
    return AgentState(
        text=text,
        intent="",
        confidence=0.0,
        alternatives=[],
        entities={},
        facts={},
        parts=[],
        tool_calls=[],
        guardrails={},
        reply="",
        status="answered",
        escalation_reason="",
        metrics={},
        approval_id="",
    )
