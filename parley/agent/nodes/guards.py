"""Input and output guards: they ask the context's guard, if any, and otherwise pass.

The guardrails package plugs in here through ``AgentContext.guard`` (by default
:class:`parley.guardrails.agent_guard.TurnGuard`): an object with ``async check_input(text, vector)`` and
``async check_output(reply, facts, tool_calls, user_message=..., published=...)``, each returning
``{"verdict": "pass" | "block" | "rewrite", "action", "rule", "checks": [...]}`` plus the rewritten
``text`` (input, personal data redacted) or ``reply`` (output).

A redacted message replaces the turn's text, so personal data never reaches the LLM, the history or the
logs. A reply that fails the output checks never reaches the customer: an LLM reply is regenerated from the
turn's templates when they pass, otherwise the conversation goes to a person. Either block (a refused
message, a reply that could not be made safe) opens the conversation's ``handover_escalation`` with the
verdicts; a refused message keeps the conversation with the bot, an unsafe reply hands it over, and so does
a message stopped by a check whose action is to escalate (the conversation's message limit).
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.nodes.escalate import request_person
from parley.agent.offline.language import detect_language
from parley.agent.offline.templates import literal_text
from parley.agent.state import AgentState

__all__ = ["guard_input", "guard_output", "input_blocked", "input_escalated"]

_PASS: dict[str, Any] = {"verdict": "pass", "checks": []}


@timed("guard_input")
async def guard_input(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Check the customer's message before anything acts on it."""
    guard = getattr(runtime.context, "guard", None)
    verdict = await guard.check_input(state["text"], runtime.context.vector) if guard else dict(_PASS)
    update: dict[str, Any] = {"guardrails": {**state.get("guardrails", {}), "input": verdict}}
    if verdict.get("verdict") == "rewrite" and verdict.get("text"):
        update["text"] = verdict["text"]
    if verdict.get("verdict") == "block":
        reason = f"guardrail {verdict.get('rule', 'input')}"
        if verdict.get("action") == "escalate":
            # Intent detection, which reads the language, is skipped: read it here for the hand-over's words.
            language = detect_language(
                update.get("text", state["text"]), state.get("memory", {}).get("language")
            )
            update |= {"escalation_reason": reason, "language": language}
        else:
            update["approval_id"] = await request_person(
                state, runtime.context, reason=reason, guardrails=update["guardrails"]
            )
    return update


def input_blocked(state: AgentState) -> bool:
    """Whether the input guard refused the message."""
    return state.get("guardrails", {}).get("input", {}).get("verdict") == "block"


def input_escalated(state: AgentState) -> bool:
    """Whether the input guard stopped the message and asks a person to take the conversation over."""
    return input_blocked(state) and state["guardrails"]["input"].get("action") == "escalate"


def _template_words(parts: list[dict[str, Any]], ctx: AgentContext, language: str) -> list[str]:
    """The business's own wording of the turn's templates, placeholders left out."""
    words = []
    for part in parts:
        try:
            words.append(literal_text(ctx.engine.templates.text(part["key"], language)))
        except KeyError:
            continue
    return words


def _from_templates(parts: list[dict[str, Any]], ctx: AgentContext, language: str) -> str:
    sentences = []
    for part in parts:
        try:
            sentences.append(ctx.engine.templates.render(part["key"], language, **part.get("values", {})))
        except KeyError:
            continue
    return " ".join(s for s in sentences if s)


@timed("guard_output")
async def guard_output(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Check the draft reply against the turn's tool results; regenerate or escalate when it fails."""
    ctx = runtime.context
    guard = getattr(ctx, "guard", None)
    if guard is None:
        return {"guardrails": {**state.get("guardrails", {}), "output": dict(_PASS)}}
    language = state.get("language") or "en"
    parts, facts, calls = state.get("parts", []), state.get("facts", {}), state.get("tool_calls", [])
    # The business's own words: its knowledge answer and its templates may state its policies, its
    # contact address and example numbers.
    published = [*_template_words(parts, ctx, language), facts.get("answer") or ""]
    templated = _from_templates(parts, ctx, language)
    draft = state.get("reply") or templated
    check = {"user_message": state["text"], "published": published}
    verdict = await guard.check_output(draft, facts, calls, **check)
    update: dict[str, Any] = {}
    if verdict["verdict"] == "block":
        retry = None
        if templated and templated != draft:
            retry = await guard.check_output(templated, facts, calls, **check)
        if retry is not None and retry["verdict"] != "block":
            verdict = {
                **verdict,
                "verdict": "rewrite",
                "reply": retry.get("reply", templated),
                "regenerated": retry,
            }
        else:
            verdict = {**verdict, "reply": ctx.engine.templates.render("handoff", language)}
            update = {"status": "handed_over", "escalation_reason": f"guardrail {verdict['rule']}"}
    guardrails = {**state.get("guardrails", {}), "output": verdict}
    if update:
        reason = update["escalation_reason"]
        update["approval_id"] = await request_person(state, ctx, reason=reason, guardrails=guardrails)
    return {**update, "guardrails": guardrails}
