"""Order service: create (direct or from a quotation), the state machine and its stock moves, pending changes.

States: ``pending -> confirmed -> fulfilled -> delivered (-> returned when every unit came back)``, and
``cancelled`` from pending or confirmed only. Anything else is 409 ``BIZ_INVALID_TRANSITION`` and changes
nothing. Stock: confirming reserves every line (all or nothing, in the same transaction), fulfilling turns the
reservations into stock moved out, cancelling a confirmed order releases them. A pending order may be changed
(items re-priced, address, payment method). Returns and exchanges of delivered orders: :mod:`.aftersales`.
Rounding: :mod:`parley.tools.pricing.money`.
"""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.errors import BusinessRuleViolated, NotFound
from parley.core.events import emit_event
from parley.core.listing import ListParams, Page, apply_sort, paginate
from parley.tools.invoices.models import Invoice
from parley.tools.numbering.service import next_number
from parley.tools.orders.models import Order, OrderLine
from parley.tools.orders.schemas import OrderFilter, OrderOut
from parley.tools.pricing.lines import fill_line, fill_totals
from parley.tools.pricing.schemas import LineIn
from parley.tools.pricing.service import price_lines
from parley.tools.states import check_transition
from parley.tools.stock import service as stock

__all__ = [
    "TRANSITIONS",
    "cancel_order",
    "change_order_address",
    "change_order_items",
    "change_order_payment",
    "confirm_order",
    "create_order",
    "create_order_from_quotation",
    "deliver_order",
    "fulfil_order",
    "get_order",
    "list_orders",
    "order_out",
    "order_snapshot",
    "record_change",
    "reprice_order",
    "stock_actor",
]

TRANSITIONS: dict[str, frozenset[str]] = {
    "pending": frozenset({"confirmed", "cancelled"}),
    "confirmed": frozenset({"fulfilled", "cancelled"}),
    "fulfilled": frozenset({"delivered"}),
    "delivered": frozenset({"returned"}),
    "returned": frozenset(),
    "cancelled": frozenset(),
}
_RESERVATION_MINUTES = 60 * 24 * 30
_SORT = {
    "created_at": Order.created_at,
    "number": Order.number,
    "total_gross": Order.total_gross,
    "status": Order.status,
}


def order_out(order: Order) -> OrderOut:
    """The order as callers see it."""
    return OrderOut.model_validate(order, from_attributes=True)


def order_snapshot(order: Order) -> dict[str, Any]:
    return order_out(order).model_dump(mode="json", exclude={"lines"})


def stock_actor(actor: Actor) -> Actor:
    """The same actor, allowed the stock moves an order operation implies (audited under its own name)."""
    return dataclasses.replace(actor, scopes=actor.scopes | {"stock:reserve", "stock:write"})


async def get_order(session: AsyncSession, order_id: uuid.UUID, *, for_update: bool = False) -> Order:
    """An order of this business, or :class:`NotFound`."""
    statement = select(Order).where(Order.id == order_id)
    if for_update:
        statement = statement.with_for_update()
    order = await session.scalar(statement)
    if order is None:
        raise NotFound("no such order", details={"order_id": str(order_id)})
    return order


def record_change(
    session: AsyncSession, actor: Actor, order: Order, action: str, before: dict[str, Any], **payload: Any
) -> None:
    """Audit entry and ``order.<action>`` event of one change."""
    record_audit(
        session,
        actor,
        action=f"order.{action}",
        entity_type="order",
        entity_id=order.id,
        before=before,
        after=order_snapshot(order),
    )
    emit_event(
        session,
        f"order.{action}",
        entity_type="order",
        entity_id=order.id,
        payload={"number": order.number, "status": order.status, **payload},
    )


async def _created(session: AsyncSession, actor: Actor, order: Order, moment: datetime) -> Order:
    order.number = await next_number(session, "ORD", now=moment)
    session.add(order)
    await session.flush()
    record_audit(
        session,
        actor,
        action="order.create",
        entity_type="order",
        entity_id=order.id,
        after=order_snapshot(order),
    )
    emit_event(
        session,
        "order.created",
        entity_type="order",
        entity_id=order.id,
        payload={"number": order.number, "total_gross": order.total_gross, "customer_id": order.customer_id},
    )
    return order


async def _price_into(
    session: AsyncSession, actor: Actor, order: Order, lines: list[LineIn], manual_percent: Decimal
) -> None:
    result = await price_lines(
        session, actor, customer_id=order.customer_id, lines=lines, manual_percent=manual_percent
    )
    order.lines.clear()
    await session.flush()
    for position, priced in enumerate(result.priced.lines, start=1):
        order.lines.append(fill_line(OrderLine(kind="sale", returned_quantity=0), position, priced))
    fill_totals(order, result.priced, currency=result.currency)
    order.discount_percent = manual_percent


async def create_order(
    session: AsyncSession,
    actor: Actor,
    *,
    customer_id: uuid.UUID,
    lines: list[LineIn],
    shipping_address: dict[str, Any] | None = None,
    payment_method: str = "",
    notes: str = "",
) -> Order:
    """A pending order numbered ``ORD-YYYY-NNNNN``, priced now by the pricing rules."""
    actor.require("orders:write")
    order = Order(
        customer_id=customer_id,
        status="pending",
        shipping_address=shipping_address or {},
        payment_method=payment_method,
        notes=notes,
        lines=[],
    )
    await _price_into(session, actor, order, lines, Decimal(0))
    return await _created(session, actor, order, utcnow())


async def create_order_from_quotation(session: AsyncSession, actor: Actor, quotation: Any) -> Order:
    """A pending order at exactly the quotation's prices (no re-pricing)."""
    actor.require("orders:write")
    columns = [c.key for c in OrderLine.__table__.columns if c.key in QUOTE_LINE_FIELDS]
    order = Order(
        customer_id=quotation.customer_id,
        quotation_id=quotation.id,
        status="pending",
        shipping_address={},
        payment_method="",
        notes=quotation.notes,
        currency=quotation.currency,
        discount_percent=quotation.discount_percent,
        total_discount=quotation.total_discount,
        total_net=quotation.total_net,
        total_vat=quotation.total_vat,
        total_gross=quotation.total_gross,
        vat_breakdown=list(quotation.vat_breakdown),
        lines=[
            OrderLine(kind="sale", returned_quantity=0, **{key: getattr(line, key) for key in columns})
            for line in quotation.lines
        ],
    )
    return await _created(session, actor, order, utcnow())


QUOTE_LINE_FIELDS = frozenset(
    {
        "position",
        "product_id",
        "sku",
        "name",
        "quantity",
        "unit_list_price",
        "discount_percent",
        "unit_net_price",
        "line_net",
        "vat_rate",
        "vat_amount",
        "line_gross",
        "applied_rules",
    }
)


async def _move(
    session: AsyncSession, actor: Actor, order: Order, target: str, before: dict[str, Any], **fields: Any
) -> Order:
    order.status = target
    for key, value in fields.items():
        setattr(order, key, value)
    order.updated_at = utcnow()
    await session.flush()
    record_change(session, actor, order, target, before, **{"from": before["status"]})
    return order


async def _release_if_active(session: AsyncSession, mover: Actor, line: OrderLine) -> None:
    """Give a line's held units back (a hold that lapsed already has nothing to give back)."""
    from parley.tools.stock.models import StockReservation

    if line.reservation_id is None:
        return
    status = await session.scalar(
        select(StockReservation.status).where(StockReservation.id == line.reservation_id)
    )
    if status == "active":
        await stock.release_reservation(session, mover, line.reservation_id)
    line.reservation_id = None


async def confirm_order(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> Order:
    """Confirm a pending order and reserve stock for every line (all lines or none)."""
    actor.require("orders:write")
    order = await get_order(session, order_id, for_update=True)
    check_transition("order", order.status, "confirmed", TRANSITIONS)
    before = order_snapshot(order)
    mover = stock_actor(actor)
    for line in order.lines:
        if line.product_id is None:
            continue
        reservation = await stock.reserve_stock(
            session,
            mover,
            line.product_id,
            quantity=line.quantity,
            hold_minutes=_RESERVATION_MINUTES,
            reference=order.number,
        )
        line.reservation_id = reservation.id
    return await _move(session, actor, order, "confirmed", before, confirmed_at=utcnow())


async def fulfil_order(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> Order:
    """Ship a confirmed order: its reserved units leave stock."""
    actor.require("orders:write")
    order = await get_order(session, order_id, for_update=True)
    check_transition("order", order.status, "fulfilled", TRANSITIONS)
    before = order_snapshot(order)
    mover = stock_actor(actor)
    for line in order.lines:
        await _release_if_active(session, mover, line)
        if line.product_id is not None:
            await stock.adjust_stock(
                session,
                mover,
                line.product_id,
                mode="subtract",
                quantity=line.quantity,
                reason=f"order {order.number} shipped",
            )
    return await _move(session, actor, order, "fulfilled", before, fulfilled_at=utcnow())


async def deliver_order(session: AsyncSession, actor: Actor, order_id: uuid.UUID) -> Order:
    """Record that a fulfilled order reached the customer."""
    actor.require("orders:write")
    order = await get_order(session, order_id, for_update=True)
    check_transition("order", order.status, "delivered", TRANSITIONS)
    return await _move(session, actor, order, "delivered", order_snapshot(order), delivered_at=utcnow())


async def cancel_order(session: AsyncSession, actor: Actor, order_id: uuid.UUID, *, reason: str) -> Order:
    """Cancel a pending or confirmed order; a confirmed order's reserved stock is released.

    An invoiced order is refused: its invoice must be cancelled first (with a credit note, and only
    while nothing is paid), so money and documents never disagree with the order.
    """
    actor.require("orders:cancel")
    order = await get_order(session, order_id, for_update=True)
    check_transition("order", order.status, "cancelled", TRANSITIONS)
    invoiced = await session.scalar(
        select(Invoice.number).where(
            Invoice.order_id == order.id, Invoice.kind == "invoice", Invoice.status != "cancelled"
        )
    )
    if invoiced is not None:
        raise BusinessRuleViolated(
            f"order {order.number} is invoiced ({invoiced}); cancel the invoice first, or return the items",
            code="BIZ_ORDER_INVOICED",
            details={"invoice": invoiced},
        )
    before = order_snapshot(order)
    mover = stock_actor(actor)
    for line in order.lines:
        await _release_if_active(session, mover, line)
    return await _move(
        session, actor, order, "cancelled", before, cancelled_at=utcnow(), cancel_reason=reason
    )


def _require_pending(order: Order, change: str) -> None:
    if order.status != "pending":
        raise BusinessRuleViolated(
            f"only a pending order can change its {change}; this one is {order.status}",
            code="BIZ_ORDER_NOT_PENDING",
            details={"status": order.status},
        )


async def change_order_items(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID, *, lines: list[LineIn]
) -> Order:
    """Replace a pending order's lines; they are re-priced now (its manual discount stays)."""
    actor.require("orders:write")
    order = await get_order(session, order_id, for_update=True)
    _require_pending(order, "items")
    before = order_snapshot(order)
    await _price_into(session, actor, order, lines, order.discount_percent)
    order.updated_at = utcnow()
    await session.flush()
    record_change(session, actor, order, "items_changed", before, total_gross=order.total_gross)
    return order


async def change_order_address(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID, *, shipping_address: dict[str, Any]
) -> Order:
    """Change a pending order's shipping address."""
    actor.require("orders:write")
    order = await get_order(session, order_id, for_update=True)
    _require_pending(order, "address")
    before = order_snapshot(order)
    order.shipping_address = shipping_address
    order.updated_at = utcnow()
    await session.flush()
    record_change(session, actor, order, "address_changed", before)
    return order


async def change_order_payment(
    session: AsyncSession, actor: Actor, order_id: uuid.UUID, *, payment_method: str
) -> Order:
    """Change a pending order's payment method."""
    actor.require("orders:write")
    order = await get_order(session, order_id, for_update=True)
    _require_pending(order, "payment method")
    before = order_snapshot(order)
    order.payment_method = payment_method
    order.updated_at = utcnow()
    await session.flush()
    record_change(session, actor, order, "payment_changed", before, payment_method=payment_method)
    return order


async def reprice_order(
    session: AsyncSession, actor: Actor, order: Order, *, manual_percent: Decimal
) -> Order:
    """Apply a manual discount percent on top of the rules (pending orders only)."""
    _require_pending(order, "prices")
    lines = [LineIn(product_id=line.product_id, quantity=line.quantity) for line in order.lines]
    await _price_into(session, actor, order, lines, manual_percent)
    order.updated_at = utcnow()
    await session.flush()
    return order


async def list_orders(session: AsyncSession, actor: Actor, *, filters: OrderFilter) -> Page[OrderOut]:
    """One page of orders."""
    actor.require("orders:read")
    statement = select(Order)
    if filters.status is not None:
        statement = statement.where(Order.status == filters.status)
    if filters.customer_id is not None:
        statement = statement.where(Order.customer_id == filters.customer_id)
    if filters.search:
        statement = statement.where(Order.number.ilike(f"%{filters.search}%"))
    statement = apply_sort(statement, filters.sort, _SORT, default="-created_at")
    params = ListParams(page=filters.page, limit=filters.limit, sort=filters.sort, search=None, fields=None)
    rows, info = await paginate(session, statement, params)
    return Page[OrderOut](items=[order_out(row) for row in rows], pagination=info)
