"""Returns and exchanges of delivered orders.

A return puts the units back in stock and records the refund as a payment with a negative amount: the
returned share of the line's gross, ``round_half_up(line_gross * returned / quantity)`` to cents. When every
unit of every line has come back the order becomes ``returned``.

An exchange takes units back and sends units of another product out. The new product is priced now for the
customer by the pricing rules; the difference between the new gross and the returned share of the old gross
is recorded as a payment (customer pays more) or a refund (negative), and nothing when they are equal.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.errors import BusinessRuleViolated, ValidationFailed
from parley.core.events import emit_event
from parley.tools.orders.models import Order, OrderLine
from parley.tools.orders.schemas import ExchangeItem, ReturnItem
from parley.tools.orders.service import TRANSITIONS, get_order, order_snapshot, record_change, stock_actor
from parley.tools.payments.service import record_payment
from parley.tools.pricing.lines import fill_line
from parley.tools.pricing.money import ZERO, cents
from parley.tools.pricing.schemas import LineIn
from parley.tools.pricing.service import price_lines
from parley.tools.states import check_transition
from parley.tools.stock import service as stock

__all__ = ["exchange_items", "return_items"]


def _require_delivered(order: Order) -> None:
    if order.status != "delivered":
        raise BusinessRuleViolated(
            f"only a delivered order can return or exchange items; this one is {order.status}",
            code="BIZ_ORDER_NOT_DELIVERED",
            details={"status": order.status},
        )


def _take_back(order: Order, product_id: uuid.UUID, quantity: int) -> list[tuple[OrderLine, int]]:
    """Which lines give back how many units (earliest lines first); refuses more than is left."""
    left = quantity
    taken: list[tuple[OrderLine, int]] = []
    for line in order.lines:
        if line.product_id != product_id or left == 0:
            continue
        free = line.quantity - line.returned_quantity
        share = min(free, left)
        if share > 0:
            taken.append((line, share))
            left -= share
    if left:
        raise ValidationFailed(
            f"only {quantity - left} units of that product can still be returned from order {order.number}",
            field="items",
            details={"product_id": str(product_id), "requested": quantity},
        )
    return taken


def _refund_share(line: OrderLine, units: int) -> Decimal:
    return cents(line.line_gross * units / line.quantity)


async def _back_in_stock(
    session: AsyncSession, actor: Actor, order: Order, product_id: uuid.UUID, units: int, why: str
) -> None:
    await stock.adjust_stock(
        session,
        stock_actor(actor),
        product_id,
        mode="add",
        quantity=units,
        reason=f"order {order.number} {why}",
    )


def _fully_returned(order: Order) -> bool:
    return all(line.returned_quantity >= line.quantity for line in order.lines)


async def return_items(
    session: AsyncSession,
    actor: Actor,
    order_id: uuid.UUID,
    *,
    items: list[ReturnItem],
    refund_method: str | None = None,
) -> tuple[Order, Decimal]:
    """Take back units of a delivered order; returns the order and the refund (a positive number)."""
    actor.require("orders:write")
    order = await get_order(session, order_id, for_update=True)
    _require_delivered(order)
    plan = [(item, _take_back(order, item.product_id, item.quantity)) for item in items]
    before = order_snapshot(order)
    refund = ZERO
    for item, taken in plan:
        for line, units in taken:
            refund += _refund_share(line, units)
            line.returned_quantity += units
        await _back_in_stock(session, actor, order, item.product_id, item.quantity, "returned")
    if refund:
        await record_payment(
            session,
            actor,
            customer_id=order.customer_id,
            amount=-refund,
            currency=order.currency,
            kind="refund",
            method=refund_method or order.payment_method,
            order_id=order.id,
            reference=f"return {order.number}",
        )
    await session.flush()
    record_change(
        session,
        actor,
        order,
        "items_returned",
        before,
        refund=refund,
        items=[item.model_dump(mode="json") for item in items],
    )
    if _fully_returned(order):
        check_transition("order", order.status, "returned", TRANSITIONS)
        order.status = "returned"
        await session.flush()
        emit_event(
            session,
            "order.returned",
            entity_type="order",
            entity_id=order.id,
            payload={"number": order.number},
        )
    return order, refund


async def exchange_items(
    session: AsyncSession,
    actor: Actor,
    order_id: uuid.UUID,
    *,
    items: list[ExchangeItem],
    payment_method: str | None = None,
) -> tuple[Order, Decimal]:
    """Swap units of a delivered order for another product.

    Returns the order and the difference: positive the customer pays, negative refunded, zero same price.
    """
    actor.require("orders:write")
    order = await get_order(session, order_id, for_update=True)
    _require_delivered(order)
    plan = [(item, _take_back(order, item.product_id, item.quantity)) for item in items]
    priced = await price_lines(
        session,
        actor,
        customer_id=order.customer_id,
        lines=[LineIn(product_id=item.new_product_id, quantity=item.quantity) for item in items],
    )
    before = order_snapshot(order)
    difference = ZERO
    position = max((line.position for line in order.lines), default=0)
    mover = stock_actor(actor)
    for (item, taken), new_line in zip(plan, priced.priced.lines, strict=True):
        for line, units in taken:
            difference -= _refund_share(line, units)
            line.returned_quantity += units
        await _back_in_stock(session, actor, order, item.product_id, item.quantity, "exchanged back")
        await stock.adjust_stock(
            session,
            mover,
            item.new_product_id,
            mode="subtract",
            quantity=item.quantity,
            reason=f"order {order.number} exchange",
        )
        position += 1
        order.lines.append(fill_line(OrderLine(kind="exchange", returned_quantity=0), position, new_line))
        difference += new_line.line_gross
    if difference:
        await record_payment(
            session,
            actor,
            customer_id=order.customer_id,
            amount=difference,
            currency=order.currency,
            kind="exchange_difference" if difference > 0 else "refund",
            method=payment_method or order.payment_method,
            order_id=order.id,
            reference=f"exchange {order.number}",
        )
    await session.flush()
    changes: dict[str, Any] = {"difference": difference, "items": [i.model_dump(mode="json") for i in items]}
    record_change(session, actor, order, "items_exchanged", before, **changes)
    return order, difference
