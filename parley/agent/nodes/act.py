"""Act: call the tools the intent needs (at most the turn's step budget) and plan the reply's parts."""

from __future__ import annotations

import logging
from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.offline.planner import Plan, plan_turn
from parley.agent.state import AgentState
from parley.agent.toolbox import StepLimitReached
from parley.hitl.negotiation import negotiate

__all__ = ["act", "route_after_act"]

_log = logging.getLogger(__name__)


async def _llm_plan(state: AgentState, ctx: AgentContext) -> Plan | None:
    """The LLM's tool calls and reply, or None (no LLM, or it failed: the offline planner answers)."""
    if ctx.llm is None:
        return None
    from parley.agent.llm.engine import LLMUnavailable

    try:
        return Plan(**await ctx.llm.act(state, ctx))
    except LLMUnavailable as exc:
        _log.warning("LLM step failed, using the offline engine: %s", exc)
        ctx.fallbacks.append("act")
        return None


async def _offline_plan(state: AgentState, ctx: AgentContext) -> Plan:
    if state.get("intent") == "discount_request":
        return await negotiate(dict(state), ctx.tools, customer_id=ctx.customer_id)
    return await plan_turn(state, ctx.tools, customer_id=ctx.customer_id)


@timed("act")
async def act(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Run the engine's plan; an approval-required tool result or a step overrun hands over to a person."""
    ctx = runtime.context
    before = len(ctx.tools.calls)
    try:
        plan = await _llm_plan(state, ctx) or await _offline_plan(state, ctx)
    except StepLimitReached:
        plan = Plan(parts=[], status="handed_over", reason="the answer needed more tool calls than allowed")
    for call in ctx.tools.calls[before:]:
        await ctx.emit("tool_call", call)
        if isinstance(call["result"], dict) and call["result"].get("status") == "approval_required":
            reason = call["result"].get("reason", "")
            plan = Plan({**plan, "parts": [], "status": "approval_required", "reason": reason})
    memory = dict(state.get("memory") or {})
    if plan.get("order"):
        memory["last_order"] = plan["order"]
    facts = {**state.get("facts", {}), **plan.get("facts", {})}
    update: dict[str, Any] = {
        "parts": plan.get("parts", []),
        "facts": facts,
        "memory": memory,
        "tool_calls": list(ctx.tools.calls),
    }
    if plan.get("reply"):
        update["reply"] = plan["reply"]
    update["escalation_reason"] = ""
    if plan.get("status") in ("handed_over", "approval_required"):
        update["escalation_reason"] = plan.get("reason") or plan["status"]
        update["status"] = plan["status"]
    return update


def route_after_act(state: AgentState) -> str:
    """To a person when the plan could not be carried out by the agent alone."""
    return "escalate" if state.get("escalation_reason") else "guard_output"
