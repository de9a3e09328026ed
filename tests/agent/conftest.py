"""Fixtures for the agent: a fast deterministic embedder, a small shop, the agent service and an API client."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import httpx
import pytest

from parley.agent.conversations import service as conversations
from parley.agent.llm.engine import LLMEngine
from parley.agent.service import AgentService
from parley.api.app import create_app
from parley.core.settings import Settings
from parley.demo.seed import seed_actor
from parley.devtools.scripted_llm import FakeOpenAIServer
from parley.runtime import Runtime
from parley.tools.customers.schemas import CustomerCreate
from parley.tools.customers.service import create_customer
from parley.tools.orders.service import create_order
from parley.tools.pricing.schemas import LineIn
from parley.tools.products.schemas import ProductCreate
from parley.tools.products.service import create_product
from parley.tools.stock.service import adjust_stock
from tests.fakes.embedder import HashingEmbedder
from tests.support.tenants import SeededTenants


@pytest.fixture(scope="session")
def embedder() -> HashingEmbedder:
    return HashingEmbedder()


@dataclass(frozen=True)
class Shop:
    """The products and customers a test's shop holds."""

    tenant_id: uuid.UUID
    products: dict[str, uuid.UUID]
    alice: uuid.UUID
    bob: uuid.UUID


_PRODUCTS = (
    ("AL-6061-10-500x500", "Aluminium plate 6061-T6 10 mm 500x500", "Aluminium plate", "29.90", 120),
    ("AL-6061-12-500x500", "Aluminium plate 6061-T6 12 mm 500x500", "Aluminium plate", "34.50", 8),
    ("BOLT-M8-40", "Hex bolt M8x40 zinc plated", "Fasteners", "0.25", 5000),
    ("BRG-6204-2RS", "Ball bearing 6204-2RS", "Bearings", "4.80", 0),
)


@pytest.fixture
async def shop(runtime: Runtime, tenants: SeededTenants) -> Shop:
    actor = seed_actor(tenants.demo_id)
    products: dict[str, uuid.UUID] = {}
    async with runtime.db.transaction(tenants.demo_id) as session:
        for sku, name, category, price, on_hand in _PRODUCTS:
            product = await create_product(
                session,
                actor,
                data=ProductCreate(
                    sku=sku,
                    name=name,
                    category=category,
                    price=Decimal(price),
                    description=f"{name}, stocked for CNC work.",
                ),
            )
            await adjust_stock(session, actor, product.id, mode="set", quantity=on_hand, reason="count")
            products[sku] = product.id
        alice = await create_customer(
            session, actor, data=CustomerCreate(name="Alice Machining", email="alice@example.com")
        )
        bob = await create_customer(
            session, actor, data=CustomerCreate(name="Bob Tools", email="bob@example.com")
        )
    return Shop(tenant_id=tenants.demo_id, products=products, alice=alice.id, bob=bob.id)


@pytest.fixture
async def agent(runtime: Runtime, embedder: HashingEmbedder) -> AsyncIterator[AgentService]:
    service = AgentService(runtime, embedder=embedder)
    yield service
    await service.aclose()


async def open_conversation(
    runtime: Runtime, tenant_id: uuid.UUID, customer_id: uuid.UUID | None = None
) -> uuid.UUID:
    """A new web conversation of the tenant."""
    async with runtime.db.transaction(tenant_id) as session:
        conversation = await conversations.create_conversation(
            session, None, channel="web", customer_id=customer_id
        )
    return conversation.id


async def an_order_of(runtime: Runtime, shop: Shop, customer_id: uuid.UUID) -> str:
    """A pending order of 100 BOLT-M8-40 for the customer; its number."""
    async with runtime.db.transaction(shop.tenant_id) as session:
        order = await create_order(
            session,
            seed_actor(shop.tenant_id),
            customer_id=customer_id,
            lines=[LineIn(sku="BOLT-M8-40", quantity=100)],
        )
    return order.number


@pytest.fixture
async def agent_client(runtime: Runtime, agent: AgentService) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(runtime=runtime, agent=agent)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


def scripted_llm(
    runtime: Runtime, server: FakeOpenAIServer, data_dir: Path, **settings_: object
) -> LLMEngine:
    """The LLM engine pointed at a scripted OpenAI-compatible server, on the test's database."""
    settings = Settings(
        environment="test",
        database_url=runtime.settings.database_url,
        data_dir=data_dir,
        llm_base_url=server.base_url,
        _env_file=None,
        **settings_,
    )
    return LLMEngine.from_settings(settings)
