"""Seeding the demo business: a tenant, staff logins, and the shop written through the staff services.

The shop (catalog, stock, customers, help articles and FAQs) goes through the same services staff use, so
audit, events and indexing apply.

Idempotent: running it twice changes nothing. Production refuses it (``Settings`` forbids ``seed_demo``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache

from sqlalchemy import func, select

from parley.core.actor import Actor, ActorKind
from parley.core.db import Database
from parley.demo.catalog import DEMO_CUSTOMERS, DEMO_FAQS, VAT, demo_articles, demo_products
from parley.identity.models import Tenant, User
from parley.identity.roles import Role
from parley.identity.secrets import hash_password
from parley.knowledge.kb.schemas import ArticleIn, FaqIn
from parley.knowledge.kb.service import create_article, create_faq
from parley.tools.customers.schemas import CustomerCreate
from parley.tools.customers.service import create_customer
from parley.tools.products.models import Product
from parley.tools.products.schemas import ProductCreate
from parley.tools.products.service import create_product
from parley.tools.stock.service import adjust_stock

__all__ = [
    "DEMO_LOGINS",
    "DEMO_PASSWORD",
    "DEMO_SLUG",
    "DemoLogin",
    "demo_password_hash",
    "seed_actor",
    "seed_demo",
]

DEMO_SLUG = "demo"
DEMO_PASSWORD = "parley-demo"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One documented demo account."""

    email: str
    role: Role
    full_name: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin@demo.parley.dev", Role.ADMIN, "Ada Admin"),
    DemoLogin("manager@demo.parley.dev", Role.SALES_MANAGER, "Max Manager"),
    DemoLogin("rep@demo.parley.dev", Role.SALES_REP, "Rita Rep"),
    DemoLogin("viewer@demo.parley.dev", Role.VIEWER, "Vic Viewer"),
)


@cache
def demo_password_hash() -> str:
    """The demo password's hash, computed once per process (argon2 is slow on purpose)."""
    return hash_password(DEMO_PASSWORD)


async def seed_demo(db: Database, *, with_shop: bool = True) -> uuid.UUID:
    """Create the demo tenant and its logins if missing, and the shop unless told not to; returns the tenant id."""
    async with db.system_session() as session, session.begin():
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == DEMO_SLUG))
        if tenant is None:
            tenant = Tenant(slug=DEMO_SLUG, name="Demo CNC & Industrial Supply", currency="EUR")
            session.add(tenant)
            await session.flush()
        existing = set(await session.scalars(select(User.email).where(User.tenant_id == tenant.id)))
        password_hash = demo_password_hash()
        for login in DEMO_LOGINS:
            if login.email not in existing:
                session.add(
                    User(
                        tenant_id=tenant.id,
                        email=login.email,
                        full_name=login.full_name,
                        role=login.role,
                        password_hash=password_hash,
                    )
                )
    tenant_id = tenant.id
    if with_shop:
        await _seed_shop(db, tenant_id)
    return tenant_id


def seed_actor(tenant_id: uuid.UUID) -> Actor:
    """The principal the seed writes as: the system, with every scope, audited as ``demo-seed``."""
    return Actor(
        kind=ActorKind.SYSTEM, id=None, tenant_id=tenant_id, scopes=frozenset({"*"}), label="demo-seed"
    )


async def _seed_shop(db: Database, tenant_id: uuid.UUID) -> None:
    actor = seed_actor(tenant_id)
    async with db.transaction(tenant_id) as session:
        if await session.scalar(select(func.count()).select_from(Product)):
            return
        for item in demo_products():
            product = await create_product(
                session,
                actor,
                data=ProductCreate(
                    sku=item.sku,
                    name=item.name,
                    description=item.description,
                    category=item.category,
                    unit=item.unit,
                    price=item.price,
                    vat_rate=VAT,
                    attributes=item.attributes,
                ),
            )
            await adjust_stock(
                session,
                actor,
                product.id,
                mode="set",
                quantity=item.on_hand,
                reason="opening stock",
                min_level=item.reorder_point // 2,
                reorder_point=item.reorder_point,
            )
        for customer in DEMO_CUSTOMERS:
            await create_customer(
                session,
                actor,
                data=CustomerCreate(
                    name=customer.name,
                    email=customer.email,
                    company=customer.company,
                    tier=customer.tier,
                    phone=customer.phone,
                ),
            )
        for article in demo_articles():
            await create_article(
                session,
                actor,
                data=ArticleIn(
                    title=article.title,
                    content=article.content,
                    category=article.category,
                    status="published",
                ),
                source=f"demo:{article.title}",
            )
        for faq in DEMO_FAQS:
            await create_faq(
                session,
                actor,
                data=FaqIn(
                    question=faq.question,
                    answer=faq.answer,
                    variants=list(faq.variants),
                    category=faq.category,
                    language=faq.language,
                ),
            )
