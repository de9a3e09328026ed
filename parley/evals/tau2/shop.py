"""Importing a task's slice of the τ² shop into a Parley tenant, through the staff services.

Each τ² variant becomes a Parley product whose SKU is the τ² ``item_id`` (as ``parley.tools.orders.tau2``
describes); users become customers with their address; orders keep their τ² number (``#W…``) and are moved
along to their τ² status as staff would move them.
"""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.demo.seed import seed_actor
from parley.evals.tau2.data import Footprint
from parley.tools.customers.schemas import Address, CustomerCreate
from parley.tools.customers.service import create_customer
from parley.tools.orders import service as orders
from parley.tools.pricing.schemas import LineIn
from parley.tools.products.models import Product
from parley.tools.products.schemas import ProductCreate
from parley.tools.products.service import create_product
from parley.tools.stock.service import adjust_stock

if TYPE_CHECKING:
    from parley.runtime import Runtime

__all__ = ["Imported", "import_catalog", "import_slice"]

_STEPS = {
    "processed": ("confirm_order",),
    "delivered": ("confirm_order", "fulfil_order", "deliver_order"),
}


@dataclass
class Imported:
    """τ² ids → Parley ids of what was imported."""

    products: dict[str, uuid.UUID] = field(default_factory=dict)
    customers: dict[str, uuid.UUID] = field(default_factory=dict)
    orders: dict[str, uuid.UUID] = field(default_factory=dict)


async def import_catalog(runtime: Runtime, tenant_id: uuid.UUID, db: dict[str, Any]) -> None:
    """Every τ² variant as a product with ample stock (done once, in the shared template)."""
    actor = seed_actor(tenant_id)
    async with runtime.db.transaction(tenant_id) as session:
        for product in db["products"].values():
            for item_id, variant in product["variants"].items():
                options = ", ".join(f"{k} {v}" for k, v in variant["options"].items())
                created = await create_product(
                    session,
                    actor,
                    data=ProductCreate(
                        sku=item_id,
                        name=f"{product['name']} ({options})"[:255],
                        category=product["name"],
                        price=Decimal(str(variant["price"])),
                        vat_rate=Decimal(0),
                        attributes={str(k): str(v) for k, v in variant["options"].items()},
                    ),
                )
                await adjust_stock(session, actor, created.id, mode="set", quantity=1000, reason="τ² import")


async def _order(
    session: AsyncSession, actor: Actor, order: dict[str, Any], customer: uuid.UUID
) -> uuid.UUID:
    counts = Counter(item["item_id"] for item in order["items"])
    payments = order["payment_history"]
    created = await orders.create_order(
        session,
        actor,
        customer_id=customer,
        lines=[LineIn(sku=sku, quantity=quantity) for sku, quantity in counts.items()],
        shipping_address=dict(order["address"]),
        payment_method=payments[0]["payment_method_id"] if payments else "",
    )
    created.number = order["order_id"]
    for step in _STEPS.get(order["status"], ()):
        created = await getattr(orders, step)(session, actor, created.id)
    if order["status"] == "cancelled":
        created = await orders.cancel_order(session, actor, created.id, reason="imported as cancelled")
    return created.id


async def import_slice(session: AsyncSession, actor: Actor, db: dict[str, Any], scope: Footprint) -> Imported:
    """Create the slice's customers and orders in the actor's tenant (the catalog is already there)."""
    into = Imported()
    skus = {item_id for pid in scope.products for item_id in db["products"][pid]["variants"]}
    rows = await session.execute(select(Product.sku, Product.id).where(Product.sku.in_(skus)))
    into.products = {sku: product_id for sku, product_id in rows.all()}
    for uid in sorted(scope.users):
        user = db["users"][uid]
        customer = await create_customer(
            session,
            actor,
            data=CustomerCreate(
                name=f"{user['name']['first_name']} {user['name']['last_name']}",
                email=user["email"],
                notes=f"τ² user {uid}",
                address=Address(**user["address"]),
            ),
        )
        into.customers[uid] = customer.id
    for order_id in sorted(scope.orders):
        order = db["orders"][order_id]
        into.orders[order_id] = await _order(session, actor, order, into.customers[order["user_id"]])
    return into
