"""Respond: turn the planned parts into the reply text, stream it, and remember the exchange."""

from __future__ import annotations

import re
from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.nodes.escalate import request_person
from parley.agent.nodes.guards import input_blocked, input_escalated
from parley.agent.offline.language import detect_language
from parley.agent.state import AgentState
from parley.hitl.outcome import decision_results, outcome_reply

__all__ = ["HISTORY_TURNS", "OFFERS_A_PERSON", "respond", "respond_to_decision"]

HISTORY_TURNS = 20


#: Replies that end by offering a person ("..., or shall I pass you to a colleague?"): a plain yes accepts.
OFFERS_A_PERSON = frozenset(
    {
        "attribute_not_stated",
        "clarify",
        "faq_answer_other_kind",
        "order_not_found",
        "origin_unknown",
        "weight_unknown",
    }
)


def _render(state: AgentState, ctx: AgentContext) -> tuple[str, set[str]]:
    """The reply from the planned parts, and the keys of the templates it used."""
    templates = ctx.engine.templates
    language = state.get("language") or "en"
    sentences, used = [], set()
    for part in state.get("parts", []):
        try:
            sentences.append(templates.render(part["key"], language, **part.get("values", {})))
        except KeyError:
            continue
        used.add(part["key"])
    text = " ".join(s for s in sentences if s)
    return (text, used) if text else (templates.render("clarify", language), {"clarify"})


@timed("respond")
async def respond(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """The reply (a guard's rewrite wins), sent as token events, and added to the history."""
    ctx = runtime.context
    output = state.get("guardrails", {}).get("output", {})
    used: set[str] = set()
    if output.get("verdict") in ("block", "rewrite") and output.get("reply"):
        reply = output["reply"]
    elif input_blocked(state) and not input_escalated(state):
        # Refused before intent detection read the language: read it here, so the refusal is understood.
        language = detect_language(state["text"], state.get("memory", {}).get("language"))
        reply = ctx.engine.templates.render("out_of_scope", language)
    elif state.get("reply"):
        reply = state["reply"]
    else:
        reply, used = _render(state, ctx)
    memory = {**state.get("memory", {}), "turns": state.get("memory", {}).get("turns", 0) + 1}
    if (memory.get("proposed_order") or {}).get("held"):
        if _answered_in_between(state) and not used & OFFERS_A_PERSON:  # one question for a "yes" to answer
            reminder = ctx.engine.templates.render("order_still_open", state.get("language") or "en")
            reply = f"{reply} {reminder}"
        else:
            memory.pop("proposed_order")
    await _stream(ctx, reply)
    history = [
        *state.get("history", []),
        {"role": "customer", "text": state["text"]},
        {"role": "agent", "text": reply},
    ]
    if used & OFFERS_A_PERSON:
        memory["offered_person"] = True
    return {"reply": reply, "history": history[-2 * HISTORY_TURNS :], "memory": memory}


def _answered_in_between(state: AgentState) -> bool:
    """Whether an order proposal waits through this turn: an article answered a question about something else.

    "how long does delivery take?" between "Shall I place this order?" and "yes"; anything else (another
    product, a hand-over, a refusal) drops the proposal.
    """
    refused = any(
        (state.get("guardrails") or {}).get(side, {}).get("verdict") == "block"
        for side in ("input", "output")
    )
    return state.get("intent") == "faq" and state.get("status", "answered") == "answered" and not refused


async def _stream(ctx: AgentContext, reply: str) -> None:
    for token in re.findall(r"\S+\s*", reply):
        await ctx.emit("token", {"text": token})


async def _guarded_outcome(
    state: AgentState, ctx: AgentContext, decision: dict[str, Any]
) -> tuple[str, dict[str, Any]]:
    """The outcome message and the output guard's verdict on it.

    A staff-written message that fails the checks gives way to the standard one; if that fails too, the
    customer is told a colleague will answer and the conversation goes to a person.
    """
    guard = getattr(ctx, "guard", None)
    reply = outcome_reply(decision)
    if guard is None:
        return reply, {"verdict": "pass", "checks": []}
    calls = [{"result": result} for result in decision_results(decision)]
    asked = state.get("text")
    verdict = await guard.check_output(reply, {}, calls, user_message=asked)
    if verdict["verdict"] == "block" and decision.get("customer_message"):
        standard = outcome_reply({k: v for k, v in decision.items() if k != "customer_message"})
        retry = await guard.check_output(standard, {}, calls, user_message=asked)
        if retry["verdict"] != "block":
            return retry.get("reply", standard), {**verdict, "verdict": "rewrite", "regenerated": retry}
    if verdict["verdict"] == "block":
        await request_person(
            state, ctx, reason=f"guardrail {verdict['rule']}", guardrails={"output": verdict}
        )
        return ctx.engine.templates.render("handoff", state.get("language") or "en"), verdict
    return verdict.get("reply", reply), verdict


@timed("respond")
async def respond_to_decision(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Tell the customer what a person decided, through the output guard; the bot then carries on."""
    decision = state.get("decision") or {}
    reply, verdict = await _guarded_outcome(state, runtime.context, decision)
    await _stream(runtime.context, reply)
    memory = dict(state.get("memory") or {})
    effect = decision.get("effect") or {}
    if effect.get("target_type") == "quotation":
        memory["last_quotation"] = effect["number"]
    if effect.get("operation") == "create_order" and effect.get("number"):
        memory["last_order"] = effect["number"]
    history = [*state.get("history", []), {"role": "agent", "text": reply}]
    return {
        "reply": reply,
        "guardrails": {"output": verdict},
        "status": "handed_over" if verdict["verdict"] == "block" else "answered",
        "escalation_reason": "",
        "approval_id": "",
        "history": history[-2 * HISTORY_TURNS :],
        "memory": memory,
    }
