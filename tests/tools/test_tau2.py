"""τ²-bench retail: every write tool has a Parley operation, and money given back is a payment record."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.orders.tau2 import WRITE_TOOLS
from parley.tools.payments.models import Payment
from parley.tools.registry import OPERATIONS
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_customer, make_order, make_product, set_stock

TAU2_TOOLS = Path("/work/shared/data/tau2_retail/tools_openai_schema_tau1.json")
READ_ONLY = {
    "calculate",
    "think",
    "transfer_to_human_agents",
    "find_user_id_by_email",
    "find_user_id_by_name_zip",
    "get_order_details",
    "get_product_details",
    "get_user_details",
    "list_all_product_types",
}


def test_every_tau2_write_tool_maps_onto_a_parley_write_operation() -> None:
    if not TAU2_TOOLS.exists():
        pytest.skip("the τ² retail tool schema is not on this machine")
    names = {tool["function"]["name"] for tool in json.loads(TAU2_TOOLS.read_text())}
    assert names - READ_ONLY == set(WRITE_TOOLS)
    by_name = {operation.name: operation for operation in OPERATIONS}
    for tau2_name, name in WRITE_TOOLS.items():
        assert name in by_name, f"{tau2_name} maps to {name}, which is not an operation"
        assert by_name[name].method in {"POST", "PATCH"}, f"{name} must write"


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


@pytest.fixture
async def delivered(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    """A delivered order of 4 bolts (2.00 + 21 % VAT each) and a dearer product to exchange them for."""
    bolt = await make_product(client, admin, sku="BOLT", price="2.00", vat_rate="21")
    screw = await make_product(client, admin, sku="SCREW", price="3.00", vat_rate="21")
    for product in (bolt, screw):
        await set_stock(client, admin, product["id"], 10)
    customer = await make_customer(client, admin)
    lines = [{"product_id": bolt["id"], "quantity": 4}]
    order = await make_order(client, admin, customer["id"], lines, payment_method="credit_card_1")
    for action in ("confirm", "fulfil", "deliver"):
        response = await client.post(f"/api/v1/orders/{order['id']}/{action}", json={}, headers=admin)
        assert response.status_code == 200, response.text
    return {"order": order, "bolt": bolt, "screw": screw}


async def test_a_return_and_a_dearer_exchange_are_recorded_as_payments_on_the_order(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    delivered: dict[str, Any],
    tenants: SeededTenants,
) -> None:
    url = f"/api/v1/orders/{delivered['order']['id']}"
    returned = {
        "items": [{"product_id": delivered["bolt"]["id"], "quantity": 1}],
        "refund_method": "gift_card_9",
    }
    assert (await client.post(f"{url}/returns", json=returned, headers=admin)).status_code == 200
    exchange = {"items": [{**returned["items"][0], "new_product_id": delivered["screw"]["id"]}]}
    assert (await client.post(f"{url}/exchanges", json=exchange, headers=admin)).status_code == 200
    async with runtime.db.session(tenants.demo_id) as session:
        payments = list(await session.scalars(select(Payment).order_by(Payment.received_at)))
    assert [(p.kind, str(p.amount), p.method, str(p.order_id)) for p in payments] == [
        ("refund", "-2.4200", "gift_card_9", delivered["order"]["id"]),
        ("exchange_difference", "1.2100", "credit_card_1", delivered["order"]["id"]),
    ]
