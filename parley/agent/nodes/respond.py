"""Respond: turn the planned parts into the reply text, stream it, and remember the exchange."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.state import AgentState
from parley.hitl.outcome import outcome_reply

__all__ = ["HISTORY_TURNS", "respond", "respond_to_decision"]

HISTORY_TURNS = 20


def _render(state: AgentState, ctx: AgentContext) -> str:
    templates = ctx.engine.templates
    language = state.get("language") or "en"
    sentences = []
    for part in state.get("parts", []):
        try:
            sentences.append(templates.render(part["key"], language, **part.get("values", {})))
        except KeyError:
            continue
    return " ".join(s for s in sentences if s) or templates.render("clarify", language)


@timed("respond")
async def respond(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The reply (a guard's rewrite wins), sent as token events, and added to the history."""
    ctx = runtime.context
    output = state.get("guardrails", {}).get("output", {})
    if output.get("verdict") in ("block", "rewrite") and output.get("reply"):
        reply = output["reply"]
    elif state.get("guardrails", {}).get("input", {}).get("verdict") == "block":
        reply = ctx.engine.templates.render("out_of_scope", state.get("language") or "en")
    else:
        reply = state.get("reply") or _render(state, ctx)
    await _stream(ctx, reply)
    history = [
        *state.get("history", []),
        {"role": "customer", "text": state["text"]},
        {"role": "agent", "text": reply},
    ]
    memory = {**state.get("memory", {}), "turns": state.get("memory", {}).get("turns", 0) + 1}
    return {"reply": reply, "history": history[-2 * HISTORY_TURNS :], "memory": memory}


async def _stream(ctx: AgentContext, reply: str) -> None:
    for token in re.findall(r"\S+\s*", reply):
        await ctx.emit("token", {"text": token})


@timed("respond")
async def respond_to_decision(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Tell the customer what a person decided; the conversation then carries on with the bot."""
    decision = state.get("decision") or {}
    reply = outcome_reply(decision)
    await _stream(runtime.context, reply)
    memory = dict(state.get("memory") or {})
    effect = decision.get("effect") or {}
    if effect.get("target_type") == "quotation":
        memory["last_quotation"] = effect["number"]
    history = [*state.get("history", []), {"role": "agent", "text": reply}]
    return {
        "reply": reply,
        "status": "answered",
        "escalation_reason": "",
        "approval_id": "",
        "history": history[-2 * HISTORY_TURNS :],
        "memory": memory,
    }
