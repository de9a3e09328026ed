"""Orders: the state machine and its stock moves, pending changes, returns, exchanges and statistics."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.orders.service import TRANSITIONS
from parley.tools.payments.models import Payment
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_customer, make_order, make_product, set_stock


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


@pytest.fixture
async def shop(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    bolt = await make_product(client, admin, sku="BOLT", price="2.00", vat_rate="21")
    nut = await make_product(client, admin, sku="NUT", price="1.00", vat_rate="21")
    washer = await make_product(client, admin, sku="WASHER", price="2.00", vat_rate="21")
    for product in (bolt, nut, washer):
        await set_stock(client, admin, product["id"], 10)
    customer = await make_customer(client, admin)
    return {"bolt": bolt, "nut": nut, "washer": washer, "customer": customer}


async def _act(
    client: httpx.AsyncClient, headers: dict[str, str], order: dict[str, Any], action: str, **body: Any
) -> httpx.Response:
    return await client.post(f"/api/v1/orders/{order['id']}/{action}", json=body, headers=headers)


async def _stock(
    client: httpx.AsyncClient, headers: dict[str, str], product: dict[str, Any]
) -> tuple[int, int]:
    data = (await client.get(f"/api/v1/stock/{product['id']}", headers=headers)).json()["data"]
    return data["on_hand"], data["reserved"]


async def _order(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any], qty: int = 4
) -> dict[str, Any]:
    return await make_order(
        client, admin, shop["customer"]["id"], [{"product_id": shop["bolt"]["id"], "quantity": qty}]
    )


async def test_confirm_reserves_fulfil_ships_and_deliver_completes(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any]
) -> None:
    order = await _order(client, admin, shop)
    assert order["number"].startswith("ORD-") and order["status"] == "pending"
    assert order["total_gross"] == "9.68"
    assert (await _act(client, admin, order, "confirm")).json()["data"]["status"] == "confirmed"
    assert await _stock(client, admin, shop["bolt"]) == (10, 4)
    assert (await _act(client, admin, order, "fulfil")).json()["data"]["status"] == "fulfilled"
    assert await _stock(client, admin, shop["bolt"]) == (6, 0)
    delivered = (await _act(client, admin, order, "deliver")).json()["data"]
    assert delivered["status"] == "delivered" and delivered["delivered_at"]


async def test_cancelling_a_confirmed_order_releases_its_stock(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any]
) -> None:
    order = await _order(client, admin, shop)
    await _act(client, admin, order, "confirm")
    cancelled = (await _act(client, admin, order, "cancel", reason="no longer needed")).json()["data"]
    assert cancelled["status"] == "cancelled" and cancelled["cancel_reason"] == "no longer needed"
    assert await _stock(client, admin, shop["bolt"]) == (10, 0)


async def test_an_invoiced_order_cannot_be_cancelled_until_its_invoice_is(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any]
) -> None:
    order = await _order(client, admin, shop)
    await _act(client, admin, order, "confirm")
    invoice = (await client.post("/api/v1/invoices", json={"order_id": order["id"]}, headers=admin)).json()[
        "data"
    ]
    refused = await _act(client, admin, order, "cancel", reason="changed my mind")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "BIZ_ORDER_INVOICED"
    assert await _stock(client, admin, shop["bolt"]) == (10, 4)

    credited = await client.post(
        f"/api/v1/invoices/{invoice['id']}/cancel", json={"reason": "order cancelled"}, headers=admin
    )
    assert credited.status_code == 200, credited.text
    cancelled = await _act(client, admin, order, "cancel", reason="changed my mind")
    assert cancelled.status_code == 200 and cancelled.json()["data"]["status"] == "cancelled"
    assert await _stock(client, admin, shop["bolt"]) == (10, 0)


async def test_confirming_more_than_is_in_stock_reserves_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any]
) -> None:
    order = await make_order(
        client,
        admin,
        shop["customer"]["id"],
        [
            {"product_id": shop["nut"]["id"], "quantity": 3},
            {"product_id": shop["bolt"]["id"], "quantity": 11},
        ],
    )
    response = await _act(client, admin, order, "confirm")
    assert response.json()["error"]["code"] == "BIZ_INSUFFICIENT_STOCK"
    assert await _stock(client, admin, shop["nut"]) == (10, 0)
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=admin)).json()["data"][
        "status"
    ] == "pending"


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "fulfil"),
        ([], "deliver"),
        (["confirm"], "deliver"),
        (["confirm", "fulfil"], "cancel"),
        (["confirm", "fulfil", "deliver"], "cancel"),
        (["cancel"], "confirm"),
        (["confirm"], "confirm"),
    ],
)
async def test_an_illegal_transition_is_409_and_changes_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any], path: list[str], illegal: str
) -> None:
    order = await _order(client, admin, shop)
    for action in path:
        body = {"reason": "ordered by mistake"} if action == "cancel" else {}
        assert (await _act(client, admin, order, action, **body)).status_code == 200
    before = (await client.get(f"/api/v1/orders/{order['id']}", headers=admin)).json()["data"]
    stock_before = await _stock(client, admin, shop["bolt"])
    body = {"reason": "ordered by mistake"} if illegal == "cancel" else {}
    response = await _act(client, admin, order, illegal, **body)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "BIZ_INVALID_TRANSITION"
    assert (await client.get(f"/api/v1/orders/{order['id']}", headers=admin)).json()["data"] == before
    assert await _stock(client, admin, shop["bolt"]) == stock_before


def test_the_order_state_machine_has_only_the_documented_moves() -> None:
    legal = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert legal == {
        ("pending", "confirmed"),
        ("pending", "cancelled"),
        ("confirmed", "fulfilled"),
        ("confirmed", "cancelled"),
        ("fulfilled", "delivered"),
        ("delivered", "returned"),
    }


async def test_a_pending_order_changes_items_address_and_payment_but_a_confirmed_one_does_not(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any]
) -> None:
    order = await _order(client, admin, shop)
    items = await _act(
        client, admin, order, "items", lines=[{"product_id": shop["nut"]["id"], "quantity": 5}]
    )
    assert [(line["sku"], line["quantity"]) for line in items.json()["data"]["lines"]] == [("NUT", 5)]
    assert items.json()["data"]["total_net"] == "5.00"
    address = {"address1": "1 Main St", "city": "Austin", "zip": "78701", "country": "USA"}
    moved = await _act(client, admin, order, "address", shipping_address=address)
    assert moved.json()["data"]["shipping_address"]["city"] == "Austin"
    paid = await _act(client, admin, order, "payment-method", payment_method="paypal")
    assert paid.json()["data"]["payment_method"] == "paypal"
    await _act(client, admin, order, "confirm")
    refused = await _act(client, admin, order, "payment-method", payment_method="card")
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "BIZ_ORDER_NOT_PENDING"


async def _delivered(client: httpx.AsyncClient, admin: dict[str, str], order: dict[str, Any]) -> None:
    for action in ("confirm", "fulfil", "deliver"):
        assert (await _act(client, admin, order, action)).status_code == 200


async def test_returning_items_refunds_as_a_negative_payment_and_restocks(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: dict[str, Any],
    tenants: SeededTenants,
) -> None:
    order = await _order(client, admin, shop)
    await _delivered(client, admin, order)
    returned = await _act(
        client, admin, order, "returns", items=[{"product_id": shop["bolt"]["id"], "quantity": 1}]
    )
    assert returned.json()["data"]["amount"] == "2.42"
    assert await _stock(client, admin, shop["bolt"]) == (7, 0)
    too_many = await _act(
        client, admin, order, "returns", items=[{"product_id": shop["bolt"]["id"], "quantity": 4}]
    )
    assert too_many.status_code == 422
    rest = await _act(
        client, admin, order, "returns", items=[{"product_id": shop["bolt"]["id"], "quantity": 3}]
    )
    assert rest.json()["data"]["order"]["status"] == "returned"
    async with runtime.db.session(tenants.demo_id) as session:
        amounts = sorted(p.amount for p in await session.scalars(select(Payment)))
    assert [str(a) for a in amounts] == ["-7.2600", "-2.4200"]


async def test_exchanging_for_a_same_priced_product_records_no_money_and_moves_both_stocks(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: dict[str, Any],
    tenants: SeededTenants,
) -> None:
    order = await _order(client, admin, shop)
    await _delivered(client, admin, order)
    body = {
        "items": [{"product_id": shop["bolt"]["id"], "quantity": 2, "new_product_id": shop["washer"]["id"]}]
    }
    exchanged = (await _act(client, admin, order, "exchanges", **body)).json()["data"]
    assert exchanged["amount"] == "0.00"
    assert [(line["sku"], line["kind"]) for line in exchanged["order"]["lines"]] == [
        ("BOLT", "sale"),
        ("WASHER", "exchange"),
    ]
    assert await _stock(client, admin, shop["bolt"]) == (8, 0)
    assert await _stock(client, admin, shop["washer"]) == (8, 0)
    cheaper = {
        "items": [{"product_id": shop["bolt"]["id"], "quantity": 1, "new_product_id": shop["nut"]["id"]}]
    }
    assert (await _act(client, admin, order, "exchanges", **cheaper)).json()["data"]["amount"] == "-1.21"
    async with runtime.db.session(tenants.demo_id) as session:
        assert [str(p.amount) for p in await session.scalars(select(Payment))] == ["-1.2100"]


async def test_stats_and_the_customer_summary_show_real_numbers(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any]
) -> None:
    first = await _order(client, admin, shop, qty=1)
    await _order(client, admin, shop, qty=3)
    cancelled = await _order(client, admin, shop, qty=2)
    await _act(client, admin, cancelled, "cancel", reason="ordered by mistake")
    stats = (await client.get("/api/v1/orders/stats/summary", headers=admin)).json()["data"]
    assert stats["total_count"] == 3
    assert {s["status"]: (s["count"], s["revenue"]) for s in stats["by_status"]} == {
        "pending": (2, "9.68"),
        "cancelled": (1, "4.84"),
    }
    assert stats["total_revenue"] == "9.68" and stats["average_order_value"] == "4.84"
    assert stats["top_products"][0]["sku"] == "BOLT" and stats["top_products"][0]["quantity"] == 4
    assert len(stats["by_period"]) == 1
    summary = (
        await client.get(f"/api/v1/customers/{first['customer_id']}/order-summary", headers=admin)
    ).json()
    assert summary["data"]["order_count"] == 2 and summary["data"]["total_spent"] == "9.68"


async def test_a_customer_with_orders_cannot_be_deleted(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any]
) -> None:
    await _order(client, admin, shop)
    response = await client.delete(f"/api/v1/customers/{shop['customer']['id']}", headers=admin)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "BIZ_CUSTOMER_HAS_HISTORY"


async def test_a_customer_default_address_changes_like_taus_modify_user_address(
    client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any]
) -> None:
    address = {
        "address1": "445 Maple Drive",
        "address2": "Suite 394",
        "city": "Fort Worth",
        "state": "TX",
        "zip": "76165",
        "country": "USA",
    }
    url = f"/api/v1/customers/{shop['customer']['id']}"
    changed = (await client.patch(url, json={"address": address}, headers=admin)).json()["data"]
    assert changed["address"] == address


async def test_an_order_whose_stock_hold_lapsed_still_ships_from_free_stock(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: dict[str, Any],
    tenants: SeededTenants,
) -> None:
    from datetime import timedelta

    from parley.core.clock import utcnow
    from parley.tools.principal import agent_actor
    from parley.tools.stock.service import release_expired_reservations

    order = await _order(client, admin, shop)
    await _act(client, admin, order, "confirm")
    async with runtime.db.transaction(tenants.demo_id) as session:
        later = utcnow() + timedelta(days=31)
        assert await release_expired_reservations(session, agent_actor(tenants.demo_id), now=later) == 1
    assert (await _act(client, admin, order, "fulfil")).json()["data"]["status"] == "fulfilled"
    assert await _stock(client, admin, shop["bolt"]) == (6, 0)
