"""Input and output guards. Thin for now: they ask the context's guard, if any, and otherwise pass.

The guardrails package plugs in here through ``AgentContext.guard``: an object with
``async check_input(text, vector) -> dict`` and ``async check_output(reply, facts, tool_calls) -> dict``,
each returning ``{"verdict": "pass" | "block" | "rewrite", "checks": [...], "reply": optional}``.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.state import AgentState

__all__ = ["guard_input", "guard_output", "input_blocked"]

_PASS: dict[str, Any] = {"verdict": "pass", "checks": []}


@timed("guard_input")
async def guard_input(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Check the customer's message before anything acts on it."""
    guard = getattr(runtime.context, "guard", None)
    verdict = await guard.check_input(state["text"], runtime.context.vector) if guard else dict(_PASS)
    return {"guardrails": {**state.get("guardrails", {}), "input": verdict}}


def input_blocked(state: AgentState) -> bool:
    """Whether the input guard refused the message."""
    return state.get("guardrails", {}).get("input", {}).get("verdict") == "block"


@timed("guard_output")
async def guard_output(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Check the planned reply (its parts and the tool results behind them) before it is sent."""
    guard = getattr(runtime.context, "guard", None)
    verdict = (
        await guard.check_output(state.get("parts", []), state.get("facts", {}), state.get("tool_calls", []))
        if guard
        else dict(_PASS)
    )
    return {"guardrails": {**state.get("guardrails", {}), "output": verdict}}
