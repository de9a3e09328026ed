"""Stock: adjustments, reservations, releases, expiry, low-stock alerts, and no overselling under concurrency."""

from __future__ import annotations

import asyncio
import uuid
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import func, select

from parley.core.actor import Actor, ActorKind
from parley.core.clock import utcnow
from parley.core.errors import BusinessRuleViolated
from parley.core.events import DomainEvent
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.principal import agent_actor
from parley.tools.stock.models import StockLevel, StockMovement
from parley.tools.stock.service import release_expired_reservations, reserve_stock
from tests.support.databases import MigratedDatabase
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_product, set_stock


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


async def test_adjusting_sets_adds_and_subtracts_with_a_ledger(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    product = await make_product(client, admin)
    url = f"/api/v1/stock/{product['id']}"
    assert (await client.get(url, headers=admin)).json()["data"]["status"] == "out"
    await set_stock(client, admin, product["id"], 10)
    added = await client.post(
        f"{url}/adjust", json={"mode": "add", "quantity": 5, "reason": "delivery"}, headers=admin
    )
    assert added.json()["data"]["on_hand"] == 15
    taken = await client.post(
        f"{url}/adjust", json={"mode": "subtract", "quantity": 3, "reason": "damaged"}, headers=admin
    )
    assert taken.json()["data"]["available"] == 12
    ledger = (await client.get(f"{url}/movements", headers=admin)).json()["data"]["items"]
    assert [(m["kind"], m["quantity"], m["quantity_before"], m["quantity_after"]) for m in ledger] == [
        ("adjustment", 10, 0, 10),
        ("in", 5, 10, 15),
        ("out", -3, 15, 12),
    ]


async def test_reserving_and_releasing_moves_units_between_available_and_reserved(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    product = await make_product(client, admin)
    await set_stock(client, admin, product["id"], 4)
    url = f"/api/v1/stock/{product['id']}"
    reserved = await client.post(
        f"{url}/reservations", json={"quantity": 3, "reference": "Q-1"}, headers=admin
    )
    assert reserved.status_code == 201
    assert reserved.json()["data"]["available_after"] == 1
    too_many = await client.post(f"{url}/reservations", json={"quantity": 2}, headers=admin)
    assert too_many.status_code == 409
    assert too_many.json()["error"]["code"] == "BIZ_INSUFFICIENT_STOCK"
    below_reserved = await client.post(
        f"{url}/adjust", json={"mode": "set", "quantity": 2, "reason": "recount"}, headers=admin
    )
    assert below_reserved.json()["error"]["code"] == "BIZ_INSUFFICIENT_STOCK"
    release_url = f"/api/v1/stock/reservations/{reserved.json()['data']['id']}/release"
    released = await client.post(release_url, headers=admin)
    assert released.json()["data"]["status"] == "released"
    assert (await client.post(release_url, headers=admin)).json()["error"][
        "code"
    ] == "BIZ_RESERVATION_NOT_ACTIVE"
    stock = (await client.get(url, headers=admin)).json()["data"]
    assert (stock["on_hand"], stock["reserved"], stock["available"]) == (4, 0, 4)


async def test_expired_reservations_are_released_by_the_scheduled_function(
    runtime: Runtime, client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants
) -> None:
    product = await make_product(client, admin)
    await set_stock(client, admin, product["id"], 5)
    url = f"/api/v1/stock/{product['id']}/reservations"
    await client.post(url, json={"quantity": 2, "hold_minutes": 10}, headers=admin)
    await client.post(url, json={"quantity": 1, "hold_minutes": 120}, headers=admin)
    system = Actor(
        kind=ActorKind.SYSTEM, id=None, tenant_id=tenants.demo_id, scopes=frozenset({"*"}), label="jobs"
    )
    async with runtime.db.transaction(tenants.demo_id) as session:
        released = await release_expired_reservations(session, system, now=utcnow() + timedelta(minutes=30))
    assert released == 1
    stock = (await client.get(f"/api/v1/stock/{product['id']}", headers=admin)).json()["data"]
    assert (stock["reserved"], stock["available"]) == (1, 4)


async def test_dropping_to_the_reorder_point_raises_a_low_stock_alert_and_event(
    runtime: Runtime, client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants
) -> None:
    product = await make_product(client, admin)
    await set_stock(client, admin, product["id"], 10, reorder_point=3)
    assert (await client.get("/api/v1/stock/alerts", headers=admin)).json()["data"]["items"] == []
    await client.post(f"/api/v1/stock/{product['id']}/reservations", json={"quantity": 7}, headers=admin)
    alerts = (await client.get("/api/v1/stock/alerts", headers=admin)).json()["data"]["items"]
    assert [(alert["product_id"], alert["status"]) for alert in alerts] == [(product["id"], "low")]
    async with runtime.db.session(tenants.demo_id) as session:
        events = list(
            await session.scalars(select(DomainEvent).where(DomainEvent.type == "product.low_stock"))
        )
    assert [event.entity_id for event in events] == [product["id"]]


async def test_fifty_concurrent_reservations_of_the_last_ten_units_succeed_exactly_ten_times(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    tenants: SeededTenants,
    test_database: MigratedDatabase,
) -> None:
    if test_database.backend != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises the whole database")
    product = await make_product(client, admin)
    await set_stock(client, admin, product["id"], 10)
    agent = agent_actor(tenants.demo_id)
    product_id = uuid.UUID(product["id"])

    async def reserve_one() -> str:
        try:
            async with runtime.db.transaction(tenants.demo_id) as session:
                await reserve_stock(session, agent, product_id, quantity=1)
        except BusinessRuleViolated as exc:
            return exc.code
        return "ok"

    outcomes = await asyncio.gather(*(reserve_one() for _ in range(50)))
    assert outcomes.count("ok") == 10
    assert outcomes.count("BIZ_INSUFFICIENT_STOCK") == 40
    async with runtime.db.session(tenants.demo_id) as session:
        level = await session.scalar(select(StockLevel).where(StockLevel.product_id == product_id))
        ledger = await session.scalar(
            select(func.sum(StockMovement.quantity)).where(
                StockMovement.product_id == product_id, StockMovement.kind.in_(("reservation", "release"))
            )
        )
    assert level is not None
    assert (level.on_hand, level.reserved) == (10, 10)
    assert ledger == level.reserved
