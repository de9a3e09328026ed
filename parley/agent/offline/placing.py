"""Placing an order for the customer: a priced proposal first, the order once the customer says yes.

"I'd like to order 40 of AL-6061-10-500x500" gets the lines priced for this customer, a note for any line
that stock cannot cover, and the question whether to place it; the proposal is remembered for the next
message (and through up to three FAQ answers in between, each with a reminder), and "yes" places it with
``create_order``. Above the business's ``maxOrderValue`` the action guard turns that
call into a ``document_approval``, so the turn waits for a person. A visitor without a customer record gets
the prices, and a colleague takes the order. Every number in the reply comes from a tool result.
"""

from __future__ import annotations

from typing import Any

from parley.agent.offline.entities import AFFIRMATION
from parley.agent.offline.orders import find_own_order
from parley.agent.offline.planner import (
    Plan,
    also_part,
    available_stock,
    count_of_sale,
    missing_product_part,
    part,
    quote_plan,
)
from parley.agent.offline.products import QuoteLine
from parley.agent.offline.templates import counted_unit, money
from parley.agent.toolbox import ToolBox

__all__ = ["placing_plan"]


def _to_person(reason: str, parts: list[dict[str, Any]] | None = None, **facts: Any) -> Plan:
    return Plan(parts=parts or [], status="handed_over", reason=reason, facts=facts)


def _asked_lines(state: dict[str, Any]) -> list[QuoteLine] | Plan:
    """The lines the customer asked for, or the question that gets the missing product or count."""
    facts, entities = state.get("facts", {}), state.get("entities", {})
    if facts.get("lines"):
        return list(facts["lines"])
    product = facts.get("product")
    if product is None:
        language = state.get("language") or "en"
        asking = missing_product_part(facts, entities, language, otherwise="order_need_product")
        return Plan(parts=[asking], order_question=True, order_count=entities.get("quantity"))
    others = facts.get("others") or []
    if others and not entities.get("skus"):
        # "I'd like to order plates": which of them?
        parts = [
            part("product", name=product["name"], sku=product["sku"], description=""),
            also_part(others),
            part("order_which_one" if entities.get("quantity") else "order_which"),
        ]
        return Plan(parts=parts, order_question=True, order_count=entities.get("quantity"))
    language = state.get("language") or "en"
    quantity, packing = count_of_sale(state, product, language, remembered=bool(facts.get("remembered")))
    if not quantity:
        unit = counted_unit(2, product.get("unit", "pcs"), language)
        asking = part("order_quantity", unit=unit, name=product["name"], sku=product["sku"])
        return Plan(parts=[asking], order_question=True)
    query = facts.get("product_query", "")
    return [QuoteLine(product=product, quantity=int(quantity), query=query, packing=packing)]


async def _short_stock(tools: ToolBox, lines: list[QuoteLine], language: str) -> list[dict[str, Any]]:
    """A note for each line that the stock available now does not cover."""
    notes = []
    for line in lines:
        available = await available_stock(tools, line["product"])
        if available is not None and available < line["quantity"]:
            unit = counted_unit(available, line["product"].get("unit", "pcs"), language)
            notes.append(part("short_stock", available=available, unit=unit, quantity=line["quantity"]))
    return notes


async def _propose(state: dict[str, Any], tools: ToolBox, customer_id: Any) -> Plan:
    asked = _asked_lines(state)
    if isinstance(asked, Plan):
        return asked
    language = state.get("language") or "en"
    quoted = await quote_plan(asked, tools, customer_id, language)
    price = quoted.get("facts", {}).get("price")
    if price is None or any(not line["product"] for line in asked):
        return quoted  # a product was not found, or the prices could not be worked out: nothing to propose
    packing = [line["packing"] for line in asked if line.get("packing")]
    parts = [*packing, *quoted["parts"], *await _short_stock(tools, asked, language)]
    if customer_id is None:
        return _to_person("an order from a visitor without a customer record", parts, price=price)
    if not tools.has("create_order"):
        return _to_person("placing the order needs a person", parts, price=price)
    lines = [{"product_id": str(line["product"]["id"]), "quantity": line["quantity"]} for line in asked]
    return Plan(parts=[*parts, part("order_confirm")], facts={"price": price}, proposal={"lines": lines})


async def _place(
    proposal: dict[str, Any], tools: ToolBox, customer_id: Any, language: str, note: str
) -> Plan:
    if customer_id is None or not tools.has("create_order"):
        return _to_person("placing the order needs a person", order_request=proposal)
    placed = await tools.call(
        "create_order", customer_id=str(customer_id), lines=proposal["lines"], notes=note
    )
    if placed.approval_required:
        return Plan(parts=[], status="approval_required", reason=placed.data["reason"], facts={})
    if not placed.ok:
        return _to_person("the order could not be placed", order_request=proposal)
    order = placed.data
    values = {
        "number": order["number"],
        "total_gross": money(order["total_gross"], language),
        "currency": order["currency"],
    }
    return Plan(parts=[part("order_placed", **values)], facts={"order": order}, order=order["number"])


async def _order_change(number: str, tools: ToolBox, customer_id: Any, text: str) -> Plan:
    """A change to the order placed a moment ago ("actually make it 4"): a person makes it."""
    reason = f"the customer wants to change order {number}: {text}"
    order = await find_own_order(tools, number, customer_id)
    if order is None:
        return _to_person(reason)
    return _to_person(reason, [part("order_change", number=order["number"])], order=order)


async def placing_plan(
    state: dict[str, Any], tools: ToolBox, *, customer_id: Any, conversation_id: Any
) -> Plan:
    """Propose the order the customer asked for, or place the one they have just confirmed.

    The order's notes say where it came from, so staff confirming it can read the conversation.
    """
    if number := state.get("entities", {}).get("order_change"):
        return await _order_change(number, tools, customer_id, state.get("text", ""))
    confirmed = state.get("entities", {}).get("confirmed_order")
    if confirmed:
        note = f"Placed by the assistant in conversation {conversation_id}, confirmed by the customer."
        return await _place(confirmed, tools, customer_id, state.get("language") or "en", note)
    if AFFIRMATION.search(state.get("text", "")):
        # "yes please" with no proposal open confirms nothing, and names no product or count of its own: a
        # count remembered from earlier in the conversation must not become an order
        return Plan(parts=[part("clarify")])
    return await _propose(state, tools, customer_id)
