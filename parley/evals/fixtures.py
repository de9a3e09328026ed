"""Applying a scenario's setup through the same services staff use, so the shop stays consistent."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.demo.seed import seed_actor
from parley.evals.sandbox import Sandbox
from parley.evals.scenario import OrderFixture, Setup
from parley.tools.customers.models import Customer
from parley.tools.customers.schemas import CustomerCreate
from parley.tools.customers.service import create_customer
from parley.tools.orders import service as orders
from parley.tools.pricing.schemas import LineIn, RuleCreate, ThresholdsUpdate
from parley.tools.pricing.service import create_rule, update_thresholds
from parley.tools.products.models import Product
from parley.tools.stock.service import adjust_stock

__all__ = ["apply_setup", "customer_id", "product_id"]

# Each status is reached from the one before it, as staff would move an order along.
_STEPS = {
    "confirmed": ("confirm_order",),
    "fulfilled": ("confirm_order", "fulfil_order"),
    "delivered": ("confirm_order", "fulfil_order", "deliver_order"),
}


async def product_id(session: AsyncSession, sku: str) -> uuid.UUID:
    """The id of the product with this SKU (a setup naming an unknown SKU is a broken scenario)."""
    found = await session.scalar(select(Product.id).where(Product.sku == sku))
    if found is None:
        raise ValueError(f"setup names an unknown SKU {sku!r}")
    return found


async def customer_id(session: AsyncSession, email: str) -> uuid.UUID:
    """The id of the customer with this email."""
    found = await session.scalar(select(Customer.id).where(Customer.email == email))
    if found is None:
        raise ValueError(f"setup names an unknown customer {email!r}")
    return found


async def _order(session: AsyncSession, actor: Actor, fixture: OrderFixture) -> Any:
    lines = [LineIn(sku=line["sku"], quantity=int(line["quantity"])) for line in fixture.lines]
    order = await orders.create_order(
        session, actor, customer_id=await customer_id(session, fixture.customer), lines=lines
    )
    for step in _STEPS.get(fixture.status, ()):
        order = await getattr(orders, step)(session, actor, order.id)
    if fixture.status == "cancelled":
        order = await orders.cancel_order(session, actor, order.id, reason="no longer needed")
    return order


async def apply_setup(sandbox: Sandbox, setup: Setup) -> None:
    """Create the setup's customers, stock counts, pricing rules, thresholds and orders in the sandbox."""
    actor = seed_actor(sandbox.tenant_id)
    async with sandbox.runtime.db.transaction(sandbox.tenant_id) as session:
        for data in setup.customers:
            await create_customer(session, actor, data=CustomerCreate.model_validate(data))
        for sku, quantity in setup.stock.items():
            pid = await product_id(session, sku)
            await adjust_stock(session, actor, pid, mode="set", quantity=quantity, reason="eval setup")
        for rule in setup.pricing_rules:
            data = dict(rule)
            if "sku" in data:
                data["product_id"] = await product_id(session, data.pop("sku"))
            await create_rule(session, actor, data=RuleCreate.model_validate(data))
        if setup.thresholds:
            values = {
                key: {k: Decimal(str(v)) for k, v in items.items()} for key, items in setup.thresholds.items()
            }
            await update_thresholds(session, actor, data=ThresholdsUpdate.model_validate(values))
        for fixture in setup.orders:
            order = await _order(session, actor, fixture)
            sandbox.refs[f"order:{fixture.ref}"] = order.number
            sandbox.refs[f"order_id:{fixture.ref}"] = order.id
