"""Customers through REST: CRUD, tiers, search, and an order summary that waits for the orders module."""

from __future__ import annotations

import httpx
from typer.testing import CliRunner

from parley.cli import app
from parley.identity.roles import Role
from tests.support.tenants import SeededTenants, login


async def test_a_customer_is_created_found_updated_and_deleted(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    rep = await login(client, tenants.emails[Role.SALES_REP])
    body = {
        "name": "Ada Works",
        "email": "buyer@ada.example",
        "phone": "+44 20 7946 0000",
        "company": "Ada Ltd",
    }
    created = await client.post("/api/v1/customers", json=body, headers=rep)
    assert created.status_code == 201, created.text
    customer = created.json()["data"]
    assert customer["tier"] == "bronze"
    await client.post("/api/v1/customers", json={"name": "Zed Gold", "tier": "gold"}, headers=rep)
    url = f"/api/v1/customers/{customer['id']}"
    patched = await client.patch(url, json={"tier": "silver"}, headers=rep)
    assert patched.json()["data"]["tier"] == "silver"
    found = (await client.get("/api/v1/customers", params={"search": "ada ltd"}, headers=rep)).json()
    assert [item["name"] for item in found["data"]] == ["Ada Works"]
    gold = (await client.get("/api/v1/customers", params={"tier": "gold"}, headers=rep)).json()
    assert [item["name"] for item in gold["data"]] == ["Zed Gold"]
    assert (await client.delete(url, headers=rep)).status_code == 200
    assert (await client.get(url, headers=rep)).status_code == 404


async def test_a_bad_email_is_refused_with_its_field(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    rep = await login(client, tenants.emails[Role.SALES_REP])
    response = await client.post(
        "/api/v1/customers", json={"name": "X", "email": "not-an-email"}, headers=rep
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "email"


async def test_the_order_summary_is_zero_until_orders_exist(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    viewer = await login(client, tenants.emails[Role.VIEWER])
    admin = await login(client, tenants.emails[Role.ADMIN])
    customer = (await client.post("/api/v1/customers", json={"name": "New"}, headers=admin)).json()["data"]
    summary = (await client.get(f"/api/v1/customers/{customer['id']}/order-summary", headers=viewer)).json()[
        "data"
    ]
    assert (summary["order_count"], summary["total_spent"], summary["currency"]) == (0, "0.00", "EUR")


async def test_a_viewer_cannot_create_a_customer(client: httpx.AsyncClient, tenants: SeededTenants) -> None:
    viewer = await login(client, tenants.emails[Role.VIEWER])
    response = await client.post("/api/v1/customers", json={"name": "X"}, headers=viewer)
    assert response.status_code == 403
    assert response.json()["error"]["details"]["missing"] == ["customers:write"]


def test_parley_mcp_refuses_to_start_without_an_api_key(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("PARLEY_MCP_API_KEY", raising=False)
    result = CliRunner().invoke(app, ["mcp"])
    assert result.exit_code == 2
