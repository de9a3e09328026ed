"""Act: call the tools the intent needs (at most the turn's step budget) and plan the reply's parts."""

from __future__ import annotations

import dataclasses
import logging
from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.offline.placing import placing_plan
from parley.agent.offline.planner import Plan, plan_turn, with_policy_answer
from parley.agent.state import AgentState
from parley.agent.toolbox import StepLimitReached, ToolBox
from parley.hitl.negotiation import negotiate
from parley.tools.registry import OPERATIONS

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
    if state.get("intent") == "place_order":
        plan = await placing_plan(
            dict(state), ctx.tools, customer_id=ctx.customer_id, conversation_id=ctx.conversation_id
        )
        return with_policy_answer(plan, dict(state))
    return await plan_turn(state, ctx.tools, customer_id=ctx.customer_id)


def _min_confidence(ctx: AgentContext) -> float:
    """The business's ``minConfidenceForAuto`` (0 without configured guardrails)."""
    settings = getattr(ctx.guard, "settings", None)
    return float(settings.thresholds.min_confidence_for_auto) if settings is not None else 0.0


def _read_only(tools: ToolBox) -> ToolBox:
    """The same toolbox (budget and call log shared) without the tools that change anything."""
    readers = {op.name for op in OPERATIONS if op.scope.endswith(":read")}
    kept = {name: tool for name, tool in tools.tools.items() if name in readers}
    return ToolBox(tools=kept, max_steps=tools.max_steps, calls=tools.calls)


@timed("act")
async def act(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Run the engine's plan; an approval-required tool result or a step overrun hands over to a person.

    Below the business's minimum confidence the plan gets read-only tools: the agent may look things up,
    but an action (a quotation, a discount, an order) waits for a person instead of running on a guess.
    """
    ctx = runtime.context
    before = len(ctx.tools.calls)
    minimum = _min_confidence(ctx)
    unsure = state.get("confidence", 0.0) < minimum
    if unsure:
        ctx = dataclasses.replace(ctx, tools=_read_only(ctx.tools))
    try:
        # An order is proposed and placed by the planner alone, on the customer's explicit "yes"
        by_llm = None if state.get("intent") == "place_order" else await _llm_plan(state, ctx)
        plan = by_llm or await _offline_plan(state, ctx)
    except StepLimitReached:
        plan = Plan(parts=[], status="handed_over", reason="the answer needed more tool calls than allowed")
    if unsure and plan.get("status") == "handed_over":
        reason = f"confidence {state.get('confidence', 0.0):.2f} is below the {minimum:.2f} needed to act"
        plan = Plan({**plan, "reason": reason})
    for call in ctx.tools.calls[before:]:
        await ctx.emit("tool_call", call)
        if isinstance(call["result"], dict) and call["result"].get("status") == "approval_required":
            reason = call["result"].get("reason", "")
            plan = Plan({**plan, "parts": [], "status": "approval_required", "reason": reason})
    memory = dict(state.get("memory") or {})
    if plan.get("order"):
        memory["last_order"] = memory["order_placed"] = plan["order"]
    if quotation := plan.get("facts", {}).get("quotation"):
        memory["last_quotation"] = quotation["number"]
    if plan.get("proposal"):
        memory["proposed_order"] = plan["proposal"]
    if plan.get("order_question"):
        memory["order_question"] = True
    if plan.get("order_count"):
        memory["order_count"] = plan["order_count"]
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
