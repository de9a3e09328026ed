"""Order status for the conversation's own customer only; anyone else's order is simply "not found".

The look-up is ``search_orders`` filtered by the conversation's customer, so another customer's order is never
even read; an exact number match is still required. A conversation with no known customer cannot see orders.
"""

from __future__ import annotations

from typing import Any

from parley.agent.offline.planner import answer_parts
from parley.agent.offline.templates import order_status_word
from parley.agent.toolbox import ToolBox

__all__ = ["find_own_order", "order_plan"]


async def _own_orders(tools: ToolBox, customer_id: Any, **filters: Any) -> list[dict[str, Any]]:
    """The conversation's customer's orders matching the filters, newest first; none without a customer."""
    if customer_id is None:
        return []
    result = await tools.call("search_orders", customer_id=str(customer_id), **filters)
    items = result.data.get("items", []) if result.ok and isinstance(result.data, dict) else []
    return [o for o in items if str(o.get("customer_id")) == str(customer_id)]


async def find_own_order(tools: ToolBox, number: str, customer_id: Any) -> dict[str, Any] | None:
    """The conversation's customer's order with exactly this number, or None (anyone else's included)."""
    orders = await _own_orders(tools, customer_id, search=number, limit=5)
    return next((o for o in orders if o.get("number") == number), None)


RECENT_ORDERS = 3
"""How many of a known customer's latest orders "where is my order?" reports when no number is given."""

_OPEN = frozenset({"pending", "confirmed"})
"""The statuses of an order that has not left yet: "when will it arrive?" gets the delivery times too."""


def _with_delivery_times(
    plan: dict[str, Any], orders: list[dict[str, Any]], state: dict[str, Any]
) -> dict[str, Any]:
    """The plan, with the business's delivery times when an order it reports is still open."""
    answer = state.get("facts", {}).get("answer")
    if answer and any(order.get("status") in _OPEN for order in orders):
        plan["parts"] = [*plan["parts"], *answer_parts(answer, state)]
    return plan


def _status_part(order: dict[str, Any], language: str) -> dict[str, Any]:
    status = order_status_word(str(order.get("status", "")), language)
    return {"key": "order_status", "values": {"number": order["number"], "status": status}}


async def order_plan(state: dict[str, Any], tools: ToolBox, *, customer_id: Any) -> dict[str, Any]:
    """Parts for an order-status question."""
    language = state.get("language") or "en"
    numbers = state["entities"].get("order_numbers") or []
    number = numbers[0] if numbers else state.get("memory", {}).get("last_order")
    if not tools.has("search_orders"):
        return {"parts": [], "status": "handed_over", "reason": "order look-up is not available"}
    if not number:
        # "where is my order?" from a known customer: their latest orders; anyone else is asked for the number.
        recent = await _own_orders(tools, customer_id, limit=RECENT_ORDERS)
        if not recent:
            return {"parts": [{"key": "need_order_number", "values": {}}]}
        plan: dict[str, Any] = {"parts": [_status_part(order, language) for order in recent]}
        if len(recent) == 1:
            plan["order"] = recent[0]["number"]
        return _with_delivery_times(plan, recent, state)
    order = await find_own_order(tools, number, customer_id)
    if order is None:
        return {"parts": [{"key": "order_not_found", "values": {"number": number}}]}
    return _with_delivery_times({"parts": [_status_part(order, language)], "order": number}, [order], state)
