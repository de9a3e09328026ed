"""The agent asking for a discount on the customer's behalf, on an order or on a new quotation.

The discount goes on the order the customer named (their own only), or else on a quotation made for the
product and quantity asked about. Within the agent's threshold the discount applies at once; above it the
operation records a pending ``discount_approval`` and the turn ends in ``approval_required``, which pauses the
graph until a person decides. Every number in the reply comes from the tool results.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from parley.agent.offline.entities import PERCENT
from parley.agent.offline.orders import find_own_order
from parley.agent.offline.planner import Plan, count_of_sale, find_quotation, part
from parley.agent.offline.products import resolve_product
from parley.agent.offline.templates import money
from parley.agent.toolbox import ToolBox

__all__ = ["asked_percent", "negotiate"]

_ASKING = re.compile(
    r"\b(give|gimme|get|grant|off|discount|rabatt|descuento|geht|möglich|machen|drin|wäre|posible|hacer|sería)\b",
    re.I,
)
"""Words of asking for the discount, not of the product: "Geht 5% Rabatt?" names no product called "geht"."""
_PERCENT = re.compile(PERCENT, re.I)


def asked_percent(text: str) -> Decimal | None:
    """The discount percent the customer named, if any (``20%``, ``12.5 percent``)."""
    found = _PERCENT.search(text)
    if found is None:
        return None
    try:
        percent = Decimal(found.group(1).replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern only matches numbers
        return None
    return percent if 0 < percent <= 100 else None


def _to_person(reason: str) -> Plan:
    return Plan(parts=[], status="handed_over", reason=reason)


async def _order_discount(
    state: dict[str, Any], tools: ToolBox, number: str, percent: Decimal, customer_id: Any
) -> Plan:
    """Ask for the discount on the customer's own order; someone else's is simply not found."""
    order = await find_own_order(tools, number, customer_id)
    if order is None:
        return Plan(parts=[{"key": "order_not_found", "values": {"number": number}}])
    discounted = await tools.call(
        "apply_order_discount", order_id=str(order["id"]), percent=str(percent), reason=state["text"][:500]
    )
    facts = {"order": order, "discount_request": {"percent": str(percent), "order": number}}
    if discounted.approval_required:
        return Plan(parts=[], status="approval_required", reason=discounted.data["reason"], facts=facts)
    if not discounted.ok:  # an order that is no longer pending, for example
        return _to_person("the discount could not be applied to the order")
    result = discounted.data
    applied = part(
        "discount_applied_order",
        percent=_written(percent, _language(state)),
        number=result["number"],
        total_net=money(result["total_net"], _language(state)),
        currency=result["currency"],
    )
    return Plan(parts=[applied], facts={**facts, "order": result}, order=result["number"])


async def _the_quotation_just_made(
    state: dict[str, Any], tools: ToolBox, found: dict[str, Any]
) -> dict[str, Any] | None:
    """The conversation's last quotation when the request names no other product: "can I get 10% off?".

    Right after "I've prepared quotation Q-2026-00001", a discount asked for is on that quotation; making a
    second one for the same lines left two quotations, one of them discounted.
    """
    number = state.get("memory", {}).get("last_quotation")
    if not number or not found.get("remembered"):
        return None
    quotation = await find_quotation(tools, number)
    return quotation if quotation is not None and quotation.get("status") == "draft" else None


async def negotiate(state: dict[str, Any], tools: ToolBox, *, customer_id: Any) -> Plan:
    """Ask for the named discount on the customer's order, or on a quotation for the product asked about."""
    percent = asked_percent(state["text"])
    if percent is None or customer_id is None:
        return _to_person("discount_request needs a person")
    numbers = state.get("entities", {}).get("order_numbers") or []
    if numbers and tools.has("apply_order_discount"):
        return await _order_discount(state, tools, numbers[0], percent, customer_id)
    if not tools.has("apply_quotation_discount"):
        return _to_person("discount_request needs a person")
    text = _ASKING.sub(" ", _PERCENT.sub(" ", state["text"]))
    memory = state.get("memory", {})
    found = await resolve_product(tools, text, state.get("entities", {}), memory.get("last_product"))
    product = found["product"]
    if product is None:
        return _to_person("discount_request without a product")
    # In units of sale: "5% off?" after "how much are 500 M8 nuts?" is on 5 boxes of 100, not 500 boxes
    counted, _note = count_of_sale(state, product, _language(state), remembered=True)
    quantity = counted or 1
    quotation = await _the_quotation_just_made(state, tools, found)
    if quotation is None:
        quoted = await tools.call(
            "create_quotation",
            customer_id=str(customer_id),
            lines=[{"product_id": str(product["id"]), "quantity": quantity}],
        )
        if not quoted.ok:
            return _to_person("the quotation for the discount could not be made")
        quotation = quoted.data
    else:
        quantity = quotation["lines"][0]["quantity"] if quotation.get("lines") else quantity
    discounted = await tools.call(
        "apply_quotation_discount",
        quotation_id=quotation["id"],
        percent=str(percent),
        reason=state["text"][:500],
    )
    facts = {"quotation": quotation, "discount_request": {"percent": str(percent), "quantity": quantity}}
    if discounted.approval_required:
        return Plan(parts=[], status="approval_required", reason=discounted.data["reason"], facts=facts)
    if not discounted.ok:
        return _to_person("the discount could not be applied")
    result = discounted.data
    applied = part(
        "discount_applied_quotation",
        percent=_written(percent, _language(state)),
        number=result["number"],
        quantity=quantity,
        name=product["name"],
        total_net=money(result["total_net"], _language(state)),
        currency=result["currency"],
    )
    return Plan(parts=[applied], facts={**facts, "quotation": result})


def _language(state: dict[str, Any]) -> str:
    return state.get("language") or "en"


def _written(percent: Decimal, language: str) -> str:
    """The percent as the customer's language writes it: "5", "12,50" in German, "12.50" in English."""
    return money(percent, language).removesuffix(".00").removesuffix(",00")
