"""Escalate: the conversation goes to a person; the customer is told so, never left without an answer.

This is where the human-in-the-loop work plugs in (an approval record, then LangGraph ``interrupt()``).
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.state import AgentState

__all__ = ["escalate"]


@timed("escalate")
async def escalate(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Plan the hand-over reply and mark the turn as handed over (or waiting for an approval)."""
    if state.get("status") == "approval_required":
        key, status = "approval", "approval_required"
    else:
        key, status = ("complaint" if state.get("intent") == "complaint" else "handoff"), "handed_over"
    memory = {**state.get("memory", {}), "low_confidence_streak": 0}
    await runtime.context.emit("escalation", {"reason": state.get("escalation_reason", ""), "status": status})
    return {"parts": [{"key": key, "values": {}}], "status": status, "memory": memory, "reply": ""}
