"""Discount operations: within the caller's threshold they apply at once, above it they ask for approval."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.tools.discounts import service
from parley.tools.discounts.schemas import OrderDiscount, QuotationDiscount
from parley.tools.operation import Operation
from parley.tools.orders.schemas import OrderOut
from parley.tools.orders.service import order_out
from parley.tools.quotations.schemas import QuotationOut
from parley.tools.quotations.service import quotation_out

__all__ = ["OPERATIONS"]


async def _quotation_hook(session: AsyncSession, actor: Actor, data: QuotationDiscount) -> str | None:
    return await service.needs_approval(
        session,
        actor,
        kind="quotation",
        target_id=data.quotation_id,
        percent=data.percent,
        reason=data.reason,
    )


async def _order_hook(session: AsyncSession, actor: Actor, data: OrderDiscount) -> str | None:
    return await service.needs_approval(
        session, actor, kind="order", target_id=data.order_id, percent=data.percent, reason=data.reason
    )


async def _quotation(session: AsyncSession, actor: Actor, data: QuotationDiscount) -> QuotationOut:
    target = await service.apply_discount(
        session,
        actor,
        kind="quotation",
        target_id=data.quotation_id,
        percent=data.percent,
        reason=data.reason,
    )
    return quotation_out(target)


async def _order(session: AsyncSession, actor: Actor, data: OrderDiscount) -> OrderOut:
    target = await service.apply_discount(
        session, actor, kind="order", target_id=data.order_id, percent=data.percent, reason=data.reason
    )
    return order_out(target)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="apply_quotation_discount",
        description="Give a discount percent on a quotation; above your threshold it waits for a manager's approval.",
        input=QuotationDiscount,
        output=QuotationOut,
        scope="negotiations:write",
        method="POST",
        path="/api/v1/quotations/{quotation_id}/discount",
        handler=_quotation,
        approval=_quotation_hook,
        events=("discount.applied", "approval.requested"),
        tags=("quotations", "discounts"),
    ),
    Operation(
        name="apply_order_discount",
        description="Give a discount percent on a pending order; above your threshold it waits for approval.",
        input=OrderDiscount,
        output=OrderOut,
        scope="orders:write",
        method="POST",
        path="/api/v1/orders/{order_id}/discount",
        handler=_order,
        approval=_order_hook,
        events=("discount.applied", "approval.requested"),
        tags=("orders", "discounts"),
    ),
)
