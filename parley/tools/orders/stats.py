"""Order statistics and the customer order-history summary (registered with the customers module).

Revenue is the orders' gross total; cancelled orders count in ``by_status`` but not in revenue, periods,
the average order value or top products. Refunds of returns are not subtracted (they are payments).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.tools.customers.schemas import OrderSummary
from parley.tools.orders.models import Order
from parley.tools.orders.schemas import PeriodStats, StatsIn, StatsOut, StatusStats, TopProduct
from parley.tools.pricing.money import ZERO, cents

__all__ = ["customer_summary", "order_stats"]

_FORMATS = {"day": "%Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


async def order_stats(session: AsyncSession, actor: Actor, *, query: StatsIn) -> StatsOut:
    """Count and revenue by status and by period, average order value and top products."""
    from parley.tools.products.service import tenant_currency

    actor.require("orders:read")
    statement = select(Order)
    if query.date_from is not None:
        statement = statement.where(Order.created_at >= query.date_from)
    if query.date_to is not None:
        statement = statement.where(Order.created_at < query.date_to)
    orders = list(await session.scalars(statement))
    by_status: dict[str, list[Decimal]] = defaultdict(list)
    by_period: dict[str, list[Decimal]] = defaultdict(list)
    products: dict[tuple[uuid.UUID | None, str, str], list[Decimal | int]] = {}
    for order in orders:
        by_status[order.status].append(order.total_gross)
        if order.status == "cancelled":
            continue
        by_period[order.created_at.strftime(_FORMATS[query.period])].append(order.total_gross)
        for line in order.lines:
            entry = products.setdefault((line.product_id, line.sku, line.name), [0, ZERO])
            entry[0] = int(entry[0]) + line.quantity
            entry[1] = Decimal(entry[1]) + line.line_net
    live = [gross for period in by_period.values() for gross in period]
    revenue = sum(live, ZERO)
    top = sorted(products.items(), key=lambda kv: (-int(kv[1][0]), -Decimal(kv[1][1]), kv[0][1]))[: query.top]
    return StatsOut(
        currency=await tenant_currency(session, actor.tenant_id),
        total_count=len(orders),
        total_revenue=revenue,
        average_order_value=cents(revenue / len(live)) if live else ZERO,
        by_status=[
            StatusStats(status=s, count=len(v), revenue=sum(v, ZERO)) for s, v in sorted(by_status.items())
        ],
        by_period=[
            PeriodStats(period=p, count=len(v), revenue=sum(v, ZERO)) for p, v in sorted(by_period.items())
        ],
        top_products=[
            TopProduct(product_id=pid, sku=sku, name=name, quantity=int(q), revenue_net=Decimal(r))
            for (pid, sku, name), (q, r) in top
        ],
    )


async def customer_summary(session: AsyncSession, customer_id: uuid.UUID, currency: str) -> OrderSummary:
    """Orders (cancelled excluded), total spent (gross) and the last order date of one customer."""
    row = (
        await session.execute(
            select(func.count(Order.id), func.max(Order.created_at)).where(
                Order.customer_id == customer_id, Order.status != "cancelled"
            )
        )
    ).one()
    totals = await session.scalars(
        select(Order.total_gross).where(Order.customer_id == customer_id, Order.status != "cancelled")
    )
    last = row[1]
    if last is not None and last.tzinfo is None:
        from datetime import UTC

        last = last.replace(tzinfo=UTC)
    return OrderSummary(
        customer_id=customer_id,
        order_count=int(row[0] or 0),
        total_spent=cents(sum(totals, ZERO)),
        currency=currency,
        last_order_at=last,
    )
