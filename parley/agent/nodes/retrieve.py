"""Find what the turn is about: the product (catalog tools, then memory) or the knowledge-base answer."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.offline.planner import PRODUCT_INTENTS
from parley.agent.offline.products import resolve_product
from parley.agent.state import AgentState
from parley.agent.toolbox import StepLimitReached

__all__ = ["retrieve"]


async def _knowledge_answer(state: AgentState, ctx: AgentContext) -> str | None:
    if ctx.knowledge is None:
        return None
    return await ctx.knowledge.answer(ctx.actor.tenant_id, state["text"], query_vector=ctx.vector)


@timed("retrieve")
async def retrieve(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Resolve the product for product intents and the answer for FAQ questions into the turn's facts."""
    ctx = runtime.context
    facts: dict[str, Any] = dict(state.get("facts") or {})
    memory = dict(state.get("memory") or {})
    if state["intent"] in PRODUCT_INTENTS:
        try:
            found = await resolve_product(
                ctx.tools, state["text"], state["entities"], memory.get("last_product")
            )
        except StepLimitReached:
            found = {"product": None, "others": [], "query": ""}
        facts.update(
            product=found["product"],
            others=found.get("others", []),
            product_query=found.get("query", ""),
            remembered=found.get("remembered", False),
        )
        if found["product"]:
            product = found["product"]
            memory["last_product"] = {
                key: product.get(key) for key in ("id", "sku", "name", "unit", "price", "currency")
            }
    elif state["intent"] == "faq":
        facts["answer"] = await _knowledge_answer(state, ctx)
    if state["entities"].get("quantity") is not None:
        memory["last_quantity"] = state["entities"]["quantity"]
    return {"facts": facts, "memory": memory, "tool_calls": list(ctx.tools.calls)}
