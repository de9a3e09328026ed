"""Order status for the conversation's own customer only; anyone else's order is simply "not found".

The look-up is ``search_orders`` filtered by the conversation's customer, so another customer's order is never
even read; an exact number match is still required. A conversation with no known customer cannot see orders.
"""

from __future__ import annotations

from typing import Any

from parley.agent.toolbox import ToolBox

__all__ = ["find_own_order", "order_plan"]


async def find_own_order(tools: ToolBox, number: str, customer_id: Any) -> dict[str, Any] | None:
    """The conversation's customer's order with exactly this number, or None (anyone else's included)."""
    if customer_id is None:
        return None
    result = await tools.call("search_orders", search=number, customer_id=str(customer_id), limit=5)
    items = result.data.get("items", []) if result.ok and isinstance(result.data, dict) else []
    return next(
        (o for o in items if o.get("number") == number and str(o.get("customer_id")) == str(customer_id)),
        None,
    )


async def order_plan(state: dict[str, Any], tools: ToolBox, *, customer_id: Any) -> dict[str, Any]:
    """Parts for an order-status question."""
    numbers = state["entities"].get("order_numbers") or []
    number = numbers[0] if numbers else state.get("memory", {}).get("last_order")
    if not number:
        return {"parts": [{"key": "need_order_number", "values": {}}]}
    if not tools.has("search_orders"):
        return {"parts": [], "status": "handed_over", "reason": "order look-up is not available"}
    order = await find_own_order(tools, number, customer_id)
    if order is None:
        return {"parts": [{"key": "order_not_found", "values": {"number": number}}]}
    status = str(order.get("status", "")).replace("_", " ")
    return {
        "parts": [{"key": "order_status", "values": {"number": number, "status": status}}],
        "order": number,
    }
