"""Discounts: within the caller's threshold they apply and re-price; above it an approval request is recorded."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from parley.core.events import DomainEvent
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.agent_tools import as_langchain_tool
from parley.tools.principal import agent_actor
from parley.tools.registry import operation
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_customer, make_order, make_product, make_quotation


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


@pytest.fixture
async def rep(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.SALES_REP])


@pytest.fixture
async def quote(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    product = await make_product(client, admin, price="100.00", vat_rate="21")
    customer = await make_customer(client, admin, tier="silver")
    return await make_quotation(client, admin, customer["id"], [{"product_id": product["id"], "quantity": 2}])


async def _discount(
    client: httpx.AsyncClient, headers: dict[str, str], quote: dict[str, Any], percent: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/quotations/{quote['id']}/discount", json={"percent": percent}, headers=headers
    )


async def test_a_discount_within_the_role_threshold_applies_and_reprices(
    client: httpx.AsyncClient, rep: dict[str, str], quote: dict[str, Any]
) -> None:
    response = await _discount(client, rep, quote, "7.5")
    assert response.status_code == 200, response.text
    data = response.json()["data"]
    assert data["discount_percent"] == "7.5000"
    line = data["lines"][0]
    assert line["unit_net_price"] == "92.5000" and line["applied_rules"][-1]["kind"] == "manual"
    assert (data["total_net"], data["total_vat"], data["total_gross"]) == ("185.00", "38.85", "223.85")


async def test_a_discount_above_the_threshold_asks_for_approval_and_changes_nothing(
    runtime: Runtime,
    client: httpx.AsyncClient,
    rep: dict[str, str],
    admin: dict[str, str],
    quote: dict[str, Any],
    tenants: SeededTenants,
) -> None:
    response = await _discount(client, rep, quote, "12")
    assert response.status_code == 202
    assert response.json()["data"]["status"] == "approval_required"
    unchanged = (await client.get(f"/api/v1/quotations/{quote['id']}", headers=rep)).json()["data"]
    assert unchanged["total_gross"] == quote["total_gross"] and unchanged["discount_percent"] == "0.0000"
    approvals = (await client.get("/api/v1/approvals?status=pending", headers=admin)).json()["data"]
    assert len(approvals) == 1
    approval = (await client.get(f"/api/v1/approvals/{approvals[0]['id']}", headers=admin)).json()["data"]
    assert approval["type"] == "discount_approval" and approval["status"] == "pending"
    assert approval["requested_by_kind"] == "user"
    assert {
        k: approval["payload"][k]
        for k in ("target_type", "target_id", "requested_percent", "customer_tier", "threshold")
    } == {
        "target_type": "quotation",
        "target_id": quote["id"],
        "requested_percent": "12",
        "customer_tier": "silver",
        "threshold": "10",
    }
    async with runtime.db.session(tenants.demo_id) as session:
        types = list(
            await session.scalars(
                select(DomainEvent.type).where(
                    DomainEvent.type.in_(("approval.requested", "discount.applied"))
                )
            )
        )
    assert types == ["approval.requested"]


async def test_the_agent_is_held_to_the_smaller_of_its_own_and_the_tier_threshold(
    runtime: Runtime, client: httpx.AsyncClient, quote: dict[str, Any], tenants: SeededTenants
) -> None:
    tool = as_langchain_tool(
        operation("apply_quotation_discount"), db=runtime.db, actor=agent_actor(tenants.demo_id)
    )
    applied = json.loads(await tool.ainvoke({"quotation_id": quote["id"], "percent": "5"}))
    assert applied["discount_percent"] == "5.0000" and applied["total_net"] == "190.00"
    asked = json.loads(await tool.ainvoke({"quotation_id": quote["id"], "percent": "6"}))
    assert asked["status"] == "approval_required" and "5" in asked["reason"]
    async with runtime.db.session(tenants.demo_id) as session:
        from parley.tools.approvals.models import Approval

        approval = await session.scalar(select(Approval))
    assert approval is not None and approval.requested_by_kind == "agent"


async def test_an_admin_may_give_any_discount_and_an_order_is_discounted_only_while_pending(
    client: httpx.AsyncClient, admin: dict[str, str], quote: dict[str, Any]
) -> None:
    assert (await _discount(client, admin, quote, "60")).status_code == 200
    order = await make_order(client, admin, quote["customer_id"], [{"sku": "BOLT-M8", "quantity": 4}])
    url = f"/api/v1/orders/{order['id']}/discount"
    assert (await client.post(url, json={"percent": "10"}, headers=admin)).json()["data"][
        "total_net"
    ] == "360.00"
    await client.post(
        f"/api/v1/orders/{order['id']}/cancel", json={"reason": "no longer needed"}, headers=admin
    )
    refused = await client.post(url, json={"percent": "5"}, headers=admin)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "BIZ_INVALID_TRANSITION"
