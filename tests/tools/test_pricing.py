"""Pricing: rules CRUD, calculate through REST and the agent's tool, and the discount thresholds."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.agent_tools import as_langchain_tool
from parley.tools.principal import agent_actor
from parley.tools.registry import operation
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_product


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


async def _rule(client: httpx.AsyncClient, headers: dict[str, str], **body: Any) -> dict[str, Any]:
    response = await client.post("/api/v1/pricing/rules", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def _customer(client: httpx.AsyncClient, headers: dict[str, str], tier: str) -> str:
    response = await client.post("/api/v1/customers", json={"name": "Acme", "tier": tier}, headers=headers)
    return response.json()["data"]["id"]


async def test_calculate_applies_tier_and_quantity_rules_with_vat_per_line(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    bolt = await make_product(client, admin, price="0.25", vat_rate="21", category="bolts")
    drill = await make_product(client, admin, sku="DRILL-1", name="Drill", price="199.99", vat_rate="10")
    gold = await _customer(client, admin, "gold")
    await _rule(
        client, admin, name="Gold", kind="customer_tier", percent="10", customer_tier="gold", priority=5
    )
    await _rule(
        client,
        admin,
        name="Bulk bolts",
        kind="quantity_break",
        percent="5",
        min_quantity=100,
        category="bolts",
        priority=1,
    )
    body = {
        "customer_id": gold,
        "lines": [{"product_id": bolt["id"], "quantity": 1000}, {"sku": "DRILL-1", "quantity": 3}],
    }
    data = (await client.post("/api/v1/pricing/calculate", json=body, headers=admin)).json()["data"]
    first, second = data["lines"]
    assert [r["name"] for r in first["applied_rules"]] == ["Gold", "Bulk bolts"]
    assert first["unit_net_price"] == "0.2125"
    assert (first["line_net"], first["vat_amount"]) == ("212.50", "44.63")
    assert second["unit_net_price"] == "179.9910"
    assert (second["line_net"], second["vat_amount"]) == ("539.97", "54.00")
    assert (data["total_net"], data["total_vat"], data["total_gross"]) == ("752.47", "98.63", "851.10")
    assert data["vat_breakdown"] == [
        {"rate": "10.0000", "net": "539.97", "vat": "54.00"},
        {"rate": "21.0000", "net": "212.50", "vat": "44.63"},
    ]
    assert data["currency"] == "EUR" and data["customer_tier"] == "gold"
    assert drill["id"] == second["product_id"]


async def test_the_rest_route_and_the_agent_tool_calculate_the_same_prices(
    runtime: Runtime, client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants
) -> None:
    product = await make_product(client, admin, price="19.99", vat_rate="19")
    await _rule(client, admin, name="Bulk", kind="quantity_break", percent="7.5", min_quantity=3)
    body = {"lines": [{"product_id": product["id"], "quantity": 7}]}
    by_rest = (await client.post("/api/v1/pricing/calculate", json=body, headers=admin)).json()["data"]
    tool = as_langchain_tool(operation("calculate_price"), db=runtime.db, actor=agent_actor(tenants.demo_id))
    assert json.loads(await tool.ainvoke(body)) == by_rest
    assert by_rest["lines"][0]["applied_rules"][0]["amount"] == "10.49"


async def test_a_seasonal_rule_prices_only_inside_its_dates(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    product = await make_product(client, admin, price="100")
    await _rule(
        client,
        admin,
        name="Summer",
        kind="seasonal",
        percent="20",
        valid_from="2026-06-01T00:00:00Z",
        valid_to="2026-09-01T00:00:00Z",
    )
    lines = [{"product_id": product["id"], "quantity": 1}]
    inside = {"lines": lines, "at": datetime(2026, 7, 1, tzinfo=UTC).isoformat()}
    outside = {"lines": lines, "at": datetime(2026, 10, 1, tzinfo=UTC).isoformat()}
    assert (await client.post("/api/v1/pricing/calculate", json=inside, headers=admin)).json()["data"][
        "total_net"
    ] == "80.00"
    assert (await client.post("/api/v1/pricing/calculate", json=outside, headers=admin)).json()["data"][
        "total_net"
    ] == "100.00"


async def test_rules_can_be_listed_changed_and_deleted(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    rule = await _rule(client, admin, name="Tools", kind="category", percent="3", category="tools")
    url = f"/api/v1/pricing/rules/{rule['id']}"
    changed = await client.patch(url, json={"percent": "4", "active": False}, headers=admin)
    assert changed.json()["data"]["percent"] == "4.0000"
    listed = (await client.get("/api/v1/pricing/rules?active=false", headers=admin)).json()["data"]["items"]
    assert [r["id"] for r in listed] == [rule["id"]]
    assert (await client.delete(url, headers=admin)).status_code == 200
    assert (await client.get(url, headers=admin)).status_code == 404


async def test_a_rule_without_the_condition_of_its_kind_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/pricing/rules", json={"name": "x", "kind": "quantity_break", "percent": "5"}, headers=admin
    )
    assert response.status_code == 422


async def test_a_line_needs_exactly_one_product_reference_and_a_known_product(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    both = {"lines": [{"sku": "X", "product_id": "00000000-0000-0000-0000-000000000000", "quantity": 1}]}
    assert (await client.post("/api/v1/pricing/calculate", json=both, headers=admin)).status_code == 422
    unknown = {"lines": [{"sku": "NOPE", "quantity": 1}]}
    assert (await client.post("/api/v1/pricing/calculate", json=unknown, headers=admin)).status_code == 404


async def test_thresholds_have_defaults_and_only_an_admin_changes_them(
    client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants
) -> None:
    manager = await login(client, tenants.emails[Role.SALES_MANAGER])
    current = (await client.get("/api/v1/pricing/thresholds", headers=manager)).json()["data"]
    assert current["tiers"] == {"bronze": "5", "silver": "10", "gold": "15"}
    assert current["roles"]["sales_manager"] == "25" and current["roles"]["agent"] == "5"
    body = {"roles": {"agent": "3"}, "tiers": {"gold": "20"}}
    assert (await client.put("/api/v1/pricing/thresholds", json=body, headers=manager)).status_code == 403
    updated = (await client.put("/api/v1/pricing/thresholds", json=body, headers=admin)).json()["data"]
    assert updated["roles"]["agent"] == "3" and updated["tiers"]["gold"] == "20"
    assert updated["roles"]["sales_rep"] == "10"
    again = (await client.get("/api/v1/pricing/thresholds", headers=admin)).json()["data"]
    assert again == updated
