"""Customer service: CRUD with audit and events, and an order-history summary that orders plug into later."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.errors import Conflict, NotFound
from parley.core.events import emit_event
from parley.core.listing import ListParams, Page, PageInfo, apply_sort, paginate
from parley.core.patch import apply_patch
from parley.tools.customers.models import Customer
from parley.tools.customers.schemas import (
    CustomerCreate,
    CustomerFilter,
    CustomerOut,
    CustomerUpdate,
    OrderSummary,
)

__all__ = [
    "OrderSummarySource",
    "create_customer",
    "customer_order_summary",
    "delete_customer",
    "get_customer",
    "list_customers",
    "set_order_summary_source",
    "update_customer",
]

OrderSummarySource = Callable[[AsyncSession, uuid.UUID, str], Awaitable[OrderSummary]]
_SORT = {"created_at": Customer.created_at, "name": Customer.name, "tier": Customer.tier}


async def _no_orders_yet(_session: AsyncSession, customer_id: uuid.UUID, currency: str) -> OrderSummary:
    return OrderSummary(
        customer_id=customer_id,
        order_count=0,
        total_spent=Decimal("0.0000"),
        currency=currency,
        last_order_at=None,
    )


_summary_source: list[OrderSummarySource] = [_no_orders_yet]


def set_order_summary_source(source: OrderSummarySource) -> None:
    """Extension point: the orders module registers the real summary query here."""
    _summary_source[0] = source


def _snapshot(customer: Customer) -> dict[str, Any]:
    return CustomerOut.model_validate(customer, from_attributes=True).model_dump(mode="python")


async def get_customer(session: AsyncSession, customer_id: uuid.UUID) -> Customer:
    """A customer of this business, or :class:`NotFound`."""
    customer = await session.scalar(select(Customer).where(Customer.id == customer_id))
    if customer is None:
        raise NotFound("no such customer", details={"customer_id": str(customer_id)})
    return customer


async def create_customer(session: AsyncSession, actor: Actor, *, data: CustomerCreate) -> Customer:
    """Add a customer."""
    actor.require("customers:write")
    customer = Customer(**data.model_dump())
    session.add(customer)
    await session.flush()
    record_audit(
        session,
        actor,
        action="customer.create",
        entity_type="customer",
        entity_id=customer.id,
        after=_snapshot(customer),
    )
    emit_event(session, "customer.created", entity_type="customer", entity_id=customer.id)
    return customer


async def update_customer(
    session: AsyncSession, actor: Actor, customer_id: uuid.UUID, *, data: CustomerUpdate
) -> Customer:
    """Change the given fields of a customer."""
    actor.require("customers:write")
    customer = await get_customer(session, customer_id)
    before = _snapshot(customer)
    changes = data.model_dump(exclude_unset=True, exclude={"customer_id"})
    apply_patch(customer, changes)
    customer.updated_at = utcnow()
    await session.flush()
    record_audit(
        session,
        actor,
        action="customer.update",
        entity_type="customer",
        entity_id=customer.id,
        before=before,
        after=_snapshot(customer),
    )
    emit_event(
        session,
        "customer.updated",
        entity_type="customer",
        entity_id=customer.id,
        payload={"fields": sorted(changes)},
    )
    return customer


async def _refuse_with_history(session: AsyncSession, customer_id: uuid.UUID) -> None:
    from parley.tools.orders.models import Order
    from parley.tools.payments.models import Payment
    from parley.tools.quotations.models import Quotation

    for model, what in ((Order, "orders"), (Quotation, "quotations"), (Payment, "payments")):
        if (
            await session.scalar(select(model.id).where(model.customer_id == customer_id).limit(1))
            is not None
        ):
            raise Conflict(
                f"the customer has {what}; their history must stay", code="BIZ_CUSTOMER_HAS_HISTORY"
            )


async def delete_customer(session: AsyncSession, actor: Actor, customer_id: uuid.UUID) -> None:
    """Remove a customer; the audit log keeps what it was."""
    actor.require("customers:write")
    customer = await get_customer(session, customer_id)
    await _refuse_with_history(session, customer_id)
    before = _snapshot(customer)
    await session.delete(customer)
    await session.flush()
    record_audit(
        session, actor, action="customer.delete", entity_type="customer", entity_id=customer_id, before=before
    )
    emit_event(session, "customer.deleted", entity_type="customer", entity_id=customer_id)


async def list_customers(
    session: AsyncSession, actor: Actor, *, filters: CustomerFilter
) -> Page[CustomerOut]:
    """One page of customers."""
    actor.require("customers:read")
    statement = select(Customer)
    if filters.tier is not None:
        statement = statement.where(Customer.tier == filters.tier)
    if filters.search:
        pattern = f"%{filters.search.lower()}%"
        statement = statement.where(
            or_(
                Customer.name.ilike(pattern),
                Customer.email.ilike(pattern),
                Customer.phone.ilike(pattern),
                Customer.company.ilike(pattern),
            )
        )
    statement = apply_sort(statement, filters.sort, _SORT, default="name")
    params = ListParams(
        page=filters.page, limit=filters.limit, sort=filters.sort, search=filters.search, fields=None
    )
    rows, info = await paginate(session, statement, params)
    items = [CustomerOut.model_validate(row, from_attributes=True) for row in rows]
    return Page[CustomerOut](items=items, pagination=PageInfo.model_validate(info.model_dump()))


async def customer_order_summary(session: AsyncSession, actor: Actor, customer_id: uuid.UUID) -> OrderSummary:
    """Orders, total spent and last order date (zeros until the orders module registers its source)."""
    from parley.tools.products.service import tenant_currency

    actor.require("customers:read")
    await get_customer(session, customer_id)
    return await _summary_source[0](session, customer_id, await tenant_currency(session, actor.tenant_id))
