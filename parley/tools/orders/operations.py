"""Order operations, declared once for REST, the agent and MCP."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.listing import Page
from parley.tools.customers.service import set_order_summary_source
from parley.tools.operation import Operation, tagged_operations
from parley.tools.orders import aftersales, service
from parley.tools.orders.schemas import (
    OrderAddressChange,
    OrderCancel,
    OrderCreate,
    OrderExchange,
    OrderFilter,
    OrderId,
    OrderItemsChange,
    OrderOut,
    OrderPaymentChange,
    OrderReturn,
    StatsIn,
    StatsOut,
)
from parley.tools.orders.stats import customer_summary, order_stats
from parley.tools.pricing.money import Money

__all__ = ["OPERATIONS"]

set_order_summary_source(customer_summary)

_BASE = "/api/v1/orders"
_TAGS = ("orders",)
_out = service.order_out


class OrderWithAmount(BaseModel):
    """An order after a return or exchange, with the money that moved (refund positive, or the difference)."""

    order: OrderOut
    amount: Money


async def _create(session: AsyncSession, actor: Actor, data: OrderCreate) -> OrderOut:
    address = data.shipping_address.model_dump() if data.shipping_address else None
    return _out(
        await service.create_order(
            session,
            actor,
            customer_id=data.customer_id,
            lines=data.lines,
            shipping_address=address,
            payment_method=data.payment_method,
            notes=data.notes,
        )
    )


async def _list(session: AsyncSession, actor: Actor, data: OrderFilter) -> Page[OrderOut]:
    return await service.list_orders(session, actor, filters=data)


async def _get(session: AsyncSession, actor: Actor, data: OrderId) -> OrderOut:
    actor.require("orders:read")
    return _out(await service.get_order(session, data.order_id))


async def _stats(session: AsyncSession, actor: Actor, data: StatsIn) -> StatsOut:
    return await order_stats(session, actor, query=data)


async def _confirm(session: AsyncSession, actor: Actor, data: OrderId) -> OrderOut:
    return _out(await service.confirm_order(session, actor, data.order_id))


async def _fulfil(session: AsyncSession, actor: Actor, data: OrderId) -> OrderOut:
    return _out(await service.fulfil_order(session, actor, data.order_id))


async def _deliver(session: AsyncSession, actor: Actor, data: OrderId) -> OrderOut:
    return _out(await service.deliver_order(session, actor, data.order_id))


async def _cancel(session: AsyncSession, actor: Actor, data: OrderCancel) -> OrderOut:
    return _out(await service.cancel_order(session, actor, data.order_id, reason=data.reason))


async def _items(session: AsyncSession, actor: Actor, data: OrderItemsChange) -> OrderOut:
    return _out(await service.change_order_items(session, actor, data.order_id, lines=data.lines))


async def _address(session: AsyncSession, actor: Actor, data: OrderAddressChange) -> OrderOut:
    return _out(
        await service.change_order_address(
            session, actor, data.order_id, shipping_address=data.shipping_address.model_dump()
        )
    )


async def _payment(session: AsyncSession, actor: Actor, data: OrderPaymentChange) -> OrderOut:
    return _out(
        await service.change_order_payment(session, actor, data.order_id, payment_method=data.payment_method)
    )


async def _return(session: AsyncSession, actor: Actor, data: OrderReturn) -> OrderWithAmount:
    order, refund = await aftersales.return_items(
        session, actor, data.order_id, items=data.items, refund_method=data.refund_method
    )
    return OrderWithAmount(order=_out(order), amount=refund)


async def _exchange(session: AsyncSession, actor: Actor, data: OrderExchange) -> OrderWithAmount:
    order, difference = await aftersales.exchange_items(
        session, actor, data.order_id, items=data.items, payment_method=data.payment_method
    )
    return OrderWithAmount(order=_out(order), amount=difference)


_op = tagged_operations(_TAGS)


_ID = f"{_BASE}/{{order_id}}"

OPERATIONS: tuple[Operation[Any, Any], ...] = (
    _op(
        "search_orders",
        "List orders, optionally by status, customer or number. Returns one page.",
        OrderFilter,
        Page[OrderOut],
        "orders:read",
        "GET",
        _BASE,
        _list,
    ),
    _op(
        "create_order",
        "Place a pending order for a customer; lines are priced by the pricing rules.",
        OrderCreate,
        OrderOut,
        "orders:write",
        "POST",
        _BASE,
        _create,
        events=("order.created",),
        status_code=201,
    ),
    _op(
        "get_order_stats",
        "Order count and revenue by status and period, average order value, top products.",
        StatsIn,
        StatsOut,
        "orders:read",
        "GET",
        f"{_BASE}/stats/summary",
        _stats,
    ),
    _op(
        "get_order",
        "Get one order with its status, lines, totals, address and payment method.",
        OrderId,
        OrderOut,
        "orders:read",
        "GET",
        _ID,
        _get,
    ),
    _op(
        "confirm_order",
        "Confirm a pending order; reserves stock for every line.",
        OrderId,
        OrderOut,
        "orders:write",
        "POST",
        f"{_ID}/confirm",
        _confirm,
        events=("order.confirmed",),
    ),
    _op(
        "fulfil_order",
        "Ship a confirmed order; its units leave stock.",
        OrderId,
        OrderOut,
        "orders:write",
        "POST",
        f"{_ID}/fulfil",
        _fulfil,
        events=("order.fulfilled",),
    ),
    _op(
        "deliver_order",
        "Record that a shipped order was delivered.",
        OrderId,
        OrderOut,
        "orders:write",
        "POST",
        f"{_ID}/deliver",
        _deliver,
        events=("order.delivered",),
    ),
    _op(
        "cancel_order",
        "Cancel a pending or confirmed order, with the customer's reason; frees reserved stock.",
        OrderCancel,
        OrderOut,
        "orders:cancel",
        "POST",
        f"{_ID}/cancel",
        _cancel,
        events=("order.cancelled",),
    ),
    _op(
        "modify_order_items",
        "Replace the items of a pending order; the new items are re-priced.",
        OrderItemsChange,
        OrderOut,
        "orders:write",
        "POST",
        f"{_ID}/items",
        _items,
        events=("order.items_changed",),
    ),
    _op(
        "modify_order_address",
        "Change the shipping address of a pending order.",
        OrderAddressChange,
        OrderOut,
        "orders:write",
        "POST",
        f"{_ID}/address",
        _address,
        events=("order.address_changed",),
    ),
    _op(
        "modify_order_payment",
        "Change the payment method of a pending order.",
        OrderPaymentChange,
        OrderOut,
        "orders:write",
        "POST",
        f"{_ID}/payment-method",
        _payment,
        events=("order.payment_changed",),
    ),
    _op(
        "return_order_items",
        "Return items of a delivered order; records the refund and puts stock back.",
        OrderReturn,
        OrderWithAmount,
        "orders:write",
        "POST",
        f"{_ID}/returns",
        _return,
        events=("order.items_returned", "order.returned", "payment.recorded"),
    ),
    _op(
        "exchange_order_items",
        "Exchange items of a delivered order for other products; records any difference.",
        OrderExchange,
        OrderWithAmount,
        "orders:write",
        "POST",
        f"{_ID}/exchanges",
        _exchange,
        events=("order.items_exchanged", "payment.recorded"),
    ),
)
