"""Catalog service: plain async functions over a tenant session, raising domain errors, auditing every write."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.errors import Conflict, NotFound
from parley.core.events import emit_event
from parley.core.listing import ListParams, Page, PageInfo, apply_sort, paginate
from parley.identity.models import Tenant
from parley.tools.products.models import Product
from parley.tools.products.schemas import (
    CategoryCount,
    CategoryList,
    ProductCreate,
    ProductFilter,
    ProductOut,
    ProductUpdate,
)
from parley.tools.stock.models import StockLevel

__all__ = [
    "create_product",
    "delete_product",
    "get_product",
    "list_categories",
    "list_products",
    "product_snapshot",
    "update_product",
]

_SORT = {
    "created_at": Product.created_at,
    "name": Product.name,
    "sku": Product.sku,
    "price": Product.price,
    "category": Product.category,
}


def product_snapshot(product: Product) -> dict[str, Any]:
    """The product as callers and the audit log see it."""
    return ProductOut.model_validate(product, from_attributes=True).model_dump(mode="python")


async def tenant_currency(session: AsyncSession, tenant_id: uuid.UUID) -> str:
    """The business's currency (EUR unless configured)."""
    return (await session.scalar(select(Tenant.currency).where(Tenant.id == tenant_id))) or "EUR"


async def _sku_taken(session: AsyncSession, sku: str, *, other_than: uuid.UUID | None = None) -> bool:
    statement = select(Product.id).where(Product.sku == sku)
    if other_than is not None:
        statement = statement.where(Product.id != other_than)
    return (await session.scalar(statement)) is not None


async def get_product(session: AsyncSession, product_id: uuid.UUID, *, for_update: bool = False) -> Product:
    """A live product of this business, or :class:`NotFound`."""
    statement = select(Product).where(Product.id == product_id, Product.deleted_at.is_(None))
    if for_update:
        statement = statement.with_for_update()
    product = await session.scalar(statement)
    if product is None:
        raise NotFound("no such product", details={"product_id": str(product_id)})
    return product


async def create_product(session: AsyncSession, actor: Actor, *, data: ProductCreate) -> Product:
    """Add a product; the SKU must be new in this business."""
    actor.require("products:write")
    if await _sku_taken(session, data.sku):
        raise Conflict(f"SKU {data.sku} exists already", code="RES_ALREADY_EXISTS", field="sku")
    product = Product(**data.model_dump(), currency=await tenant_currency(session, actor.tenant_id))
    session.add(product)
    await session.flush()
    await session.refresh(product)
    after = product_snapshot(product)
    record_audit(
        session, actor, action="product.create", entity_type="product", entity_id=product.id, after=after
    )
    emit_event(
        session, "product.created", entity_type="product", entity_id=product.id, payload={"sku": product.sku}
    )
    return product


async def update_product(
    session: AsyncSession, actor: Actor, product_id: uuid.UUID, *, data: ProductUpdate
) -> Product:
    """Change the given fields of a product."""
    actor.require("products:write")
    product = await get_product(session, product_id, for_update=True)
    changes = data.model_dump(exclude_unset=True, exclude={"product_id"})
    if changes.get("sku") and await _sku_taken(session, changes["sku"], other_than=product.id):
        raise Conflict(f"SKU {changes['sku']} exists already", code="RES_ALREADY_EXISTS", field="sku")
    before = product_snapshot(product)
    for key, value in changes.items():
        if value is not None:
            setattr(product, key, value)
    product.updated_at = utcnow()
    await session.flush()
    await session.refresh(product)
    after = product_snapshot(product)
    record_audit(
        session,
        actor,
        action="product.update",
        entity_type="product",
        entity_id=product.id,
        before=before,
        after=after,
    )
    emit_event(
        session,
        "product.updated",
        entity_type="product",
        entity_id=product.id,
        payload={"fields": sorted(changes)},
    )
    return product


async def delete_product(session: AsyncSession, actor: Actor, product_id: uuid.UUID) -> Product:
    """Soft-delete: the row stays for history, frees its SKU and is never listed or found again."""
    actor.require("products:write")
    product = await get_product(session, product_id, for_update=True)
    before = product_snapshot(product)
    product.deleted_at = utcnow()
    product.sku = f"{product.sku}~deleted~{product.id.hex[:12]}"
    await session.flush()
    record_audit(
        session, actor, action="product.delete", entity_type="product", entity_id=product.id, before=before
    )
    emit_event(
        session,
        "product.deleted",
        entity_type="product",
        entity_id=product.id,
        payload={"sku": before["sku"]},
    )
    return product


def _in_stock():  # type: ignore[no-untyped-def]
    return exists().where(StockLevel.product_id == Product.id, StockLevel.on_hand - StockLevel.reserved > 0)


async def list_products(session: AsyncSession, actor: Actor, *, filters: ProductFilter) -> Page[ProductOut]:
    """One page of live products matching the filters."""
    actor.require("products:read")
    statement = select(Product).where(Product.deleted_at.is_(None))
    if filters.category is not None:
        statement = statement.where(Product.category == filters.category)
    if filters.status is not None:
        statement = statement.where(Product.status == filters.status)
    if filters.min_price is not None:
        statement = statement.where(Product.price >= Decimal(filters.min_price))
    if filters.max_price is not None:
        statement = statement.where(Product.price <= Decimal(filters.max_price))
    if filters.in_stock is not None:
        statement = statement.where(_in_stock() if filters.in_stock else ~_in_stock())
    if filters.search:
        pattern = f"%{filters.search.lower()}%"
        statement = statement.where(
            or_(Product.name.ilike(pattern), Product.sku.ilike(pattern), Product.description.ilike(pattern))
        )
    statement = apply_sort(statement, filters.sort, _SORT, default="name")
    params = ListParams(
        page=filters.page, limit=filters.limit, sort=filters.sort, search=filters.search, fields=None
    )
    rows, info = await paginate(session, statement, params)
    items = [ProductOut.model_validate(row, from_attributes=True) for row in rows]
    return Page[ProductOut](items=items, pagination=PageInfo.model_validate(info.model_dump()))


async def list_categories(session: AsyncSession, actor: Actor) -> CategoryList:
    """The categories of the live, active products, the largest first: what the shop sells at a glance."""
    actor.require("products:read")
    count = func.count(Product.id)
    statement = (
        select(Product.category, count)
        .where(Product.deleted_at.is_(None), Product.status == "active", Product.category != "")
        .group_by(Product.category)
        .order_by(count.desc(), Product.category)
    )
    rows = (await session.execute(statement)).all()
    return CategoryList(items=[CategoryCount(name=name, products=n) for name, n in rows])
