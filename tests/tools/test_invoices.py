"""Invoices: gapless numbers (also under concurrency), payments and their allocation, overdue, credit notes."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from parley.core.events import DomainEvent
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.invoices.service import TRANSITIONS, issue_invoice, mark_overdue
from parley.tools.orders.service import confirm_order, create_order
from parley.tools.pricing.schemas import LineIn
from parley.tools.principal import agent_actor
from tests.support.databases import MigratedDatabase
from tests.support.tenants import SeededTenants, actor_of, login
from tests.tools.helpers import make_customer, make_order, make_product, set_stock


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


@pytest.fixture
async def invoice(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    bolt = await make_product(client, admin, price="10.00", vat_rate="21")
    drill = await make_product(client, admin, sku="DRILL", name="Drill", price="33.33", vat_rate="10")
    for product in (bolt, drill):
        await set_stock(client, admin, product["id"], 10)
    customer = await make_customer(client, admin)
    lines = [{"product_id": bolt["id"], "quantity": 3}, {"product_id": drill["id"], "quantity": 1}]
    order = await make_order(client, admin, customer["id"], lines)
    await client.post(f"/api/v1/orders/{order['id']}/confirm", json={}, headers=admin)
    response = await client.post("/api/v1/invoices", json={"order_id": order["id"]}, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def _pay(
    client: httpx.AsyncClient, headers: dict[str, str], invoice: dict[str, Any], amount: str
) -> httpx.Response:
    return await client.post(
        f"/api/v1/invoices/{invoice['id']}/payments",
        json={"amount": amount, "method": "bank"},
        headers=headers,
    )


async def test_an_invoice_repeats_the_order_with_vat_per_line(invoice: dict[str, Any]) -> None:
    assert invoice["number"].startswith("INV-") and invoice["number"].endswith("-00001")
    assert invoice["status"] == "issued"
    assert [(line["line_net"], line["vat_amount"]) for line in invoice["lines"]] == [
        ("30.00", "6.30"),
        ("33.33", "3.33"),
    ]
    assert (invoice["total_net"], invoice["total_vat"], invoice["total_gross"]) == ("63.33", "9.63", "72.96")
    assert invoice["balance"] == "72.96"


async def test_an_order_is_invoiced_once_and_a_pending_one_not_at_all(
    client: httpx.AsyncClient, admin: dict[str, str], invoice: dict[str, Any]
) -> None:
    again = await client.post("/api/v1/invoices", json={"order_id": invoice["order_id"]}, headers=admin)
    assert again.status_code == 409 and again.json()["error"]["code"] == "BIZ_ALREADY_INVOICED"
    pending = await make_order(client, admin, invoice["customer_id"], [{"sku": "DRILL", "quantity": 1}])
    refused = await client.post("/api/v1/invoices", json={"order_id": pending["id"]}, headers=admin)
    assert refused.json()["error"]["code"] == "BIZ_ORDER_NOT_INVOICEABLE"


async def test_partial_payments_then_the_rest_make_it_paid(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    invoice: dict[str, Any],
    tenants: SeededTenants,
) -> None:
    first = (await _pay(client, admin, invoice, "50.00")).json()["data"]
    assert first["invoice"]["status"] == "partially_paid" and first["invoice"]["balance"] == "22.96"
    too_much = await _pay(client, admin, invoice, "30.00")
    assert too_much.status_code == 422
    rest = (await _pay(client, admin, invoice, "22.96")).json()["data"]
    assert rest["invoice"]["status"] == "paid" and rest["invoice"]["paid_at"]
    assert (await _pay(client, admin, invoice, "1.00")).json()["error"]["code"] == "BIZ_INVOICE_NOT_PAYABLE"
    async with runtime.db.session(tenants.demo_id) as session:
        types = list(
            await session.scalars(
                select(DomainEvent.type).where(
                    DomainEvent.type.in_(("payment.recorded", "invoice.paid", "invoice.issued"))
                )
            )
        )
    assert sorted(types) == ["invoice.issued", "invoice.paid", "payment.recorded", "payment.recorded"]
    summary = (
        await client.get(f"/api/v1/customers/{invoice['customer_id']}/order-summary", headers=admin)
    ).json()
    assert summary["data"]["total_spent"] == "72.96"


async def test_one_payment_can_settle_two_invoices(
    client: httpx.AsyncClient, admin: dict[str, str], invoice: dict[str, Any]
) -> None:
    order = await make_order(client, admin, invoice["customer_id"], [{"sku": "DRILL", "quantity": 1}])
    await client.post(f"/api/v1/orders/{order['id']}/confirm", json={}, headers=admin)
    second = (await client.post("/api/v1/invoices", json={"order_id": order["id"]}, headers=admin)).json()[
        "data"
    ]
    body = {
        "customer_id": invoice["customer_id"],
        "amount": "120.00",
        "allocations": [
            {"invoice_id": invoice["id"], "amount": "72.96"},
            {"invoice_id": second["id"], "amount": "10.00"},
        ],
    }
    payment = (await client.post("/api/v1/payments", json=body, headers=admin)).json()["data"]
    assert (payment["amount"], payment["allocated"]) == ("120.00", "82.96")
    statuses = [
        (await client.get(f"/api/v1/invoices/{i['id']}", headers=admin)).json()["data"]["status"]
        for i in (invoice, second)
    ]
    assert statuses == ["paid", "partially_paid"]


async def test_overdue_marks_only_unpaid_invoices_past_due(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    invoice: dict[str, Any],
    tenants: SeededTenants,
) -> None:
    due = datetime.fromisoformat(invoice["due_at"])
    async with runtime.db.transaction(tenants.demo_id) as session:
        assert await mark_overdue(session, agent_actor(tenants.demo_id), now=due - timedelta(seconds=1)) == []
        assert await mark_overdue(session, agent_actor(tenants.demo_id), now=due) == [invoice["number"]]
    overdue = (await client.get(f"/api/v1/invoices/{invoice['id']}", headers=admin)).json()["data"]
    assert overdue["status"] == "overdue"
    assert (await _pay(client, admin, invoice, "10.00")).json()["data"]["invoice"]["status"] == "overdue"
    assert (await _pay(client, admin, invoice, "62.96")).json()["data"]["invoice"]["status"] == "paid"


async def test_cancelling_issues_a_credit_note_that_mirrors_the_lines(
    client: httpx.AsyncClient, admin: dict[str, str], invoice: dict[str, Any]
) -> None:
    url = f"/api/v1/invoices/{invoice['id']}/cancel"
    data = (await client.post(url, json={"reason": "wrong address"}, headers=admin)).json()["data"]
    credit = data["credit_note"]
    assert data["invoice"]["status"] == "cancelled"
    assert credit["number"].startswith("CN-") and credit["credit_of_id"] == invoice["id"]
    assert [(line["quantity"], line["line_net"], line["vat_amount"]) for line in credit["lines"]] == [
        (-3, "-30.00", "-6.30"),
        (-1, "-33.33", "-3.33"),
    ]
    assert (credit["total_net"], credit["total_vat"], credit["total_gross"]) == ("-63.33", "-9.63", "-72.96")
    again = await client.post(url, json={"reason": "again"}, headers=admin)
    assert again.status_code == 409 and again.json()["error"]["code"] == "BIZ_INVALID_TRANSITION"
    assert (await _pay(client, admin, invoice, "1.00")).json()["error"]["code"] == "BIZ_INVOICE_NOT_PAYABLE"
    reissued = await client.post("/api/v1/invoices", json={"order_id": invoice["order_id"]}, headers=admin)
    assert reissued.json()["data"]["number"].endswith("-00002")


async def test_a_partly_paid_invoice_cannot_be_cancelled_and_nothing_changes(
    client: httpx.AsyncClient, admin: dict[str, str], invoice: dict[str, Any]
) -> None:
    await _pay(client, admin, invoice, "1.00")
    before = (await client.get(f"/api/v1/invoices/{invoice['id']}", headers=admin)).json()["data"]
    refused = await client.post(
        f"/api/v1/invoices/{invoice['id']}/cancel", json={"reason": "x"}, headers=admin
    )
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "BIZ_INVALID_TRANSITION"
    assert (await client.get(f"/api/v1/invoices/{invoice['id']}", headers=admin)).json()["data"] == before
    assert (await client.get("/api/v1/invoices?kind=credit_note", headers=admin)).json()["data"] == []


def test_the_invoice_state_machine_has_only_the_documented_moves() -> None:
    legal = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert legal == {
        ("issued", "partially_paid"),
        ("issued", "paid"),
        ("issued", "overdue"),
        ("issued", "cancelled"),
        ("partially_paid", "paid"),
        ("partially_paid", "overdue"),
        ("overdue", "paid"),
        ("overdue", "cancelled"),
    }


async def test_the_pdf_and_sending(
    client: httpx.AsyncClient, admin: dict[str, str], invoice: dict[str, Any]
) -> None:
    pdf = await client.get(f"/api/v1/invoices/{invoice['id']}/pdf", headers=admin)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    sent = (await client.post(f"/api/v1/invoices/{invoice['id']}/send", json={}, headers=admin)).json()[
        "data"
    ]
    assert sent["sent_at"] and sent["status"] == "issued"


async def test_twenty_concurrent_invoices_are_numbered_one_to_twenty_without_gaps(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    tenants: SeededTenants,
    test_database: MigratedDatabase,
) -> None:
    if test_database.backend != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL; SQLite serialises the whole database")
    product = await make_product(client, admin, price="1.00")
    await set_stock(client, admin, product["id"], 100)
    customer = await make_customer(client, admin)
    actor = await actor_of(runtime.db, tenants.demo_id, tenants.emails[Role.ADMIN])
    order_ids: list[uuid.UUID] = []
    for _ in range(20):
        async with runtime.db.transaction(tenants.demo_id) as session:
            order = await create_order(
                session,
                actor,
                customer_id=uuid.UUID(customer["id"]),
                lines=[LineIn(product_id=product["id"], quantity=1)],
            )
            await confirm_order(session, actor, order.id)
            order_ids.append(order.id)

    async def issue(order_id: uuid.UUID) -> str:
        async with runtime.db.transaction(tenants.demo_id) as session:
            return (await issue_invoice(session, actor, order_id=order_id)).number

    numbers = await asyncio.gather(*(issue(order_id) for order_id in order_ids))
    assert sorted(int(number.rsplit("-", 1)[1]) for number in numbers) == list(range(1, 21))
