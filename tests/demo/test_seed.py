"""The demo business that `make run` seeds: a believable shop, seeded once."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from parley.demo.seed import seed_demo
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.products.models import Product
from tests.support.tenants import SeededTenants, login


async def test_the_demo_shop_has_a_catalog_with_low_and_sold_out_stock(
    client: httpx.AsyncClient, demo_shop: SeededTenants
) -> None:
    headers = await login(client, demo_shop.emails[Role.VIEWER])
    products = (await client.get("/api/v1/products", params={"limit": 1}, headers=headers)).json()
    assert products["meta"]["pagination"]["total"] >= 190
    plate = (await client.get("/api/v1/products", params={"search": "6061-T6 10 mm"}, headers=headers)).json()
    assert any(item["sku"] == "AL-6061-10-500x500" for item in plate["data"])
    alerts = (await client.get("/api/v1/stock/alerts", headers=headers)).json()["data"]["items"]
    assert any(alert["available"] == 0 for alert in alerts)
    assert any(alert["available"] > 0 for alert in alerts)
    customers = (await client.get("/api/v1/customers", headers=headers)).json()
    assert {customer["tier"] for customer in customers["data"]} == {"bronze", "silver", "gold"}
    params = {"search": "bank transfer"}
    faqs = (await client.get("/api/v1/knowledge-base/faqs", params=params, headers=headers)).json()["data"]
    assert any("bank transfer" in faq["question"] for faq in faqs)


async def test_seeding_twice_changes_nothing(runtime: Runtime, demo_shop: SeededTenants) -> None:
    async with runtime.db.session(demo_shop.demo_id) as session:
        before = await session.scalar(select(func.count()).select_from(Product))
    await seed_demo(runtime.db)
    async with runtime.db.session(demo_shop.demo_id) as session:
        assert await session.scalar(select(func.count()).select_from(Product)) == before
