"""Escalate: the conversation goes to a person; the customer is told so, never left without an answer.

An action waiting for approval links its request to the conversation, and after the reply the graph pauses
in :func:`await_decision` (LangGraph ``interrupt()``) until a person decides. Any other escalation (the
customer asks for a person, a complaint, repeated misunderstanding, and a guardrail block from
:mod:`parley.agent.nodes.guards`) opens a ``handover_escalation`` request, one per conversation while it is
pending, with the turn's guardrail results. A preview run (a reply suggested to staff) records nothing.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime
from langgraph.types import interrupt
from sqlalchemy import select

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.state import AgentState
from parley.core.clock import utcnow
from parley.hitl.takeover import request_handover
from parley.tools.approvals.models import Approval

__all__ = ["await_decision", "escalate", "is_waiting", "request_person"]


def _requested(state: AgentState) -> tuple[str | None, str | None]:
    """The request id (when the answer names it) and the target id of this turn's ``approval_required`` call."""
    for call in reversed(state.get("tool_calls", [])):
        result = call.get("result")
        if isinstance(result, dict) and result.get("status") == "approval_required":
            arguments = call.get("arguments", {})
            return result.get("approval_id"), arguments.get("quotation_id") or arguments.get("order_id")
    return None, None


async def _link_request(state: AgentState, ctx: AgentContext) -> str:
    """Tie the request the tool recorded to this conversation, so its decision can resume it."""
    approval_id, target = _requested(state)
    if approval_id is None and target is None:
        return ""
    async with ctx.db.transaction(ctx.actor.tenant_id) as session:
        candidates = await session.scalars(
            select(Approval)
            .where(Approval.status == "pending", Approval.conversation_id.is_(None))
            .order_by(Approval.created_at.desc())
            .limit(20)
        )
        approval = next(
            (
                a
                for a in candidates
                if str(a.id) == approval_id or (approval_id is None and a.payload.get("target_id") == target)
            ),
            None,
        )
        if approval is None:
            return ""
        approval.conversation_id = ctx.conversation_id
        return str(approval.id)


async def request_person(
    state: AgentState, ctx: AgentContext, *, reason: str, guardrails: dict[str, Any] | None = None
) -> str:
    """Open the conversation's ``handover_escalation`` (one while pending); a preview run records nothing."""
    if state.get("preview"):
        return ""
    async with ctx.db.transaction(ctx.actor.tenant_id) as session:
        approval = await request_handover(
            session, ctx.actor, ctx.conversation_id, reason=reason, guardrails=guardrails, now=utcnow()
        )
        return str(approval.id)


@timed("escalate")
async def escalate(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Plan the hand-over reply, record the request for a person, and mark the turn's status."""
    ctx = runtime.context
    waiting = state.get("status") == "approval_required"
    if waiting:
        key, status = "approval", "approval_required"
    else:
        key, status = ("complaint" if state.get("intent") == "complaint" else "handoff"), "handed_over"
    if waiting:
        approval_id = "" if state.get("preview") else await _link_request(state, ctx)
    else:
        reason = state.get("escalation_reason") or state.get("intent") or "handover"
        approval_id = await request_person(state, ctx, reason=reason, guardrails=state.get("guardrails"))
    memory = {**state.get("memory", {}), "low_confidence_streak": 0}
    await ctx.emit("escalation", {"reason": state.get("escalation_reason", ""), "status": status})
    return {
        # What the agent could already answer (an order's prices) comes before the hand-over's words
        "parts": [*state.get("parts", []), {"key": key, "values": {}}],
        "status": status,
        "memory": memory,
        "reply": "",
        "approval_id": approval_id,
    }


async def await_decision(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Pause until a person decides; resumed with ``Command(resume=decision)`` from any process."""
    decision = interrupt(
        {"approval_id": state.get("approval_id", ""), "reason": state.get("escalation_reason")}
    )
    return {"decision": dict(decision)}


def is_waiting(state: AgentState) -> bool:
    """Whether the turn ended waiting for a person's decision on a request."""
    return (
        state.get("status") == "approval_required"
        and bool(state.get("approval_id"))
        and not state.get("preview")
    )
