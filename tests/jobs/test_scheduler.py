"""Scheduled jobs: time-driven transitions run per tenant, as the scheduler, once per due row."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from parley.agent.service import AgentService
from parley.api.app import create_app
from parley.core.audit import AuditEntry
from parley.core.events import DomainEvent
from parley.core.settings import Settings
from parley.identity.roles import Role
from parley.jobs import JOBS, Job, JobReport, run_jobs_once
from parley.runtime import Runtime
from parley.tools.stock.models import StockReservation
from tests.conftest import Clock
from tests.fakes.embedder import HashingEmbedder
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_customer, make_order, make_product, make_quotation, set_stock

NOTHING = dict.fromkeys((job.name for job in JOBS), 0)


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


@pytest.fixture
async def shop(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, Any]:
    product = await make_product(client, admin, price="10.00", vat_rate="21")
    await set_stock(client, admin, product["id"], 10)
    customer = await make_customer(client, admin)
    return {"product": product, "customer": customer}


@pytest.fixture
def jobs_clock() -> Clock:
    """The jobs' clock, moved on alone: the API's own clock stays put, so access tokens stay valid."""
    return Clock()


async def _run(runtime: Runtime, clock: Clock) -> JobReport:
    return await run_jobs_once(runtime.db, now=clock())


async def _invoice(client: httpx.AsyncClient, admin: dict[str, str], shop: dict[str, Any]) -> dict[str, Any]:
    lines = [{"product_id": shop["product"]["id"], "quantity": 2}]
    order = await make_order(client, admin, shop["customer"]["id"], lines)
    await client.post(f"/api/v1/orders/{order['id']}/confirm", json={}, headers=admin)
    body = {"order_id": order["id"], "due_days": 14}
    response = await client.post("/api/v1/invoices", json=body, headers=admin)
    assert response.status_code == 201, response.text
    return response.json()["data"]


def _job(name: str) -> Job:
    return next(job for job in JOBS if job.name == name)


async def _get(client: httpx.AsyncClient, headers: dict[str, str], url: str) -> dict[str, Any]:
    response = await client.get(url, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_a_sent_quotation_past_its_validity_expires_and_a_draft_does_not(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: dict[str, Any],
    tenants: SeededTenants,
    jobs_clock: Clock,
) -> None:
    lines = [{"product_id": shop["product"]["id"], "quantity": 1}]
    sent = await make_quotation(client, admin, shop["customer"]["id"], lines, valid_days=7)
    await client.post(f"/api/v1/quotations/{sent['id']}/send", json={}, headers=admin)
    draft = await make_quotation(client, admin, shop["customer"]["id"], lines, valid_days=7)
    assert (await _run(runtime, jobs_clock)).changed == NOTHING

    jobs_clock.advance(days=8)
    assert (await _run(runtime, jobs_clock)).changed == NOTHING | {"expire_quotations": 1}
    assert (await _get(client, admin, f"/api/v1/quotations/{sent['id']}"))["status"] == "expired"
    assert (await _get(client, admin, f"/api/v1/quotations/{draft['id']}"))["status"] == "draft"
    async with runtime.db.session(tenants.demo_id) as session:
        who = await session.scalar(
            select(AuditEntry.actor_label).where(
                AuditEntry.entity_id == sent["id"], AuditEntry.action.like("%expire%")
            )
        )
    assert who == "scheduler"


async def test_an_unpaid_invoice_past_due_becomes_overdue_and_a_paid_one_stays_paid(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: dict[str, Any],
    tenants: SeededTenants,
    jobs_clock: Clock,
) -> None:
    unpaid = await _invoice(client, admin, shop)
    paid = await _invoice(client, admin, shop)
    payment = {"amount": paid["total_gross"], "method": "bank"}
    await client.post(f"/api/v1/invoices/{paid['id']}/payments", json=payment, headers=admin)

    jobs_clock.advance(days=13)
    assert (await _run(runtime, jobs_clock)).changed["mark_overdue_invoices"] == 0
    jobs_clock.advance(days=2)
    assert (await _run(runtime, jobs_clock)).changed["mark_overdue_invoices"] == 1
    assert (await _get(client, admin, f"/api/v1/invoices/{unpaid['id']}"))["status"] == "overdue"
    assert (await _get(client, admin, f"/api/v1/invoices/{paid['id']}"))["status"] == "paid"


async def test_a_lapsed_reservation_is_released_in_every_tenant_and_stock_becomes_available_again(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: dict[str, Any],
    tenants: SeededTenants,
    jobs_clock: Clock,
) -> None:
    other = await login(client, tenants.other_admin_email)
    other_product = await make_product(client, other)
    await set_stock(client, other, other_product["id"], 5)
    holds = [
        (admin, shop["product"]["id"], {"quantity": 3, "hold_minutes": 10}),
        (admin, shop["product"]["id"], {"quantity": 1, "hold_minutes": 120}),
        (other, other_product["id"], {"quantity": 2, "hold_minutes": 10}),
    ]
    for headers, product_id, body in holds:
        response = await client.post(f"/api/v1/stock/{product_id}/reservations", json=body, headers=headers)
        assert response.status_code == 201, response.text
    stock_url = f"/api/v1/stock/{shop['product']['id']}"
    assert (await _get(client, admin, stock_url))["available"] == 6

    jobs_clock.advance(minutes=11)
    assert (await _run(runtime, jobs_clock)).changed["release_expired_reservations"] == 2
    stock = await _get(client, admin, stock_url)
    assert (stock["reserved"], stock["available"]) == (1, 9)
    assert (await _get(client, other, f"/api/v1/stock/{other_product['id']}"))["available"] == 5


async def test_a_second_run_changes_nothing(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: dict[str, Any],
    tenants: SeededTenants,
    jobs_clock: Clock,
) -> None:
    lines = [{"product_id": shop["product"]["id"], "quantity": 1}]
    quote = await make_quotation(client, admin, shop["customer"]["id"], lines, valid_days=7)
    await client.post(f"/api/v1/quotations/{quote['id']}/send", json={}, headers=admin)
    await _invoice(client, admin, shop)
    body = {"quantity": 1, "hold_minutes": 10}
    await client.post(f"/api/v1/stock/{shop['product']['id']}/reservations", json=body, headers=admin)

    jobs_clock.advance(days=60)
    first = await _run(runtime, jobs_clock)
    # The confirmed order's own 30-day stock hold lapses too.
    assert first.changed == NOTHING | {
        "expire_quotations": 1,
        "mark_overdue_invoices": 1,
        "release_expired_reservations": 2,
    }
    async with runtime.db.session(tenants.demo_id) as session:
        counts = (
            await session.scalar(select(func.count()).select_from(DomainEvent)),
            await session.scalar(select(func.count()).select_from(AuditEntry)),
        )
    stock = await _get(client, admin, f"/api/v1/stock/{shop['product']['id']}")

    second = await _run(runtime, jobs_clock)
    assert (second.changed, second.failed) == (NOTHING, [])
    async with runtime.db.session(tenants.demo_id) as session:
        assert counts == (
            await session.scalar(select(func.count()).select_from(DomainEvent)),
            await session.scalar(select(func.count()).select_from(AuditEntry)),
        )
    assert await _get(client, admin, f"/api/v1/stock/{shop['product']['id']}") == stock


async def test_a_failing_job_is_reported_and_the_other_jobs_still_run(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: dict[str, Any],
    tenants: SeededTenants,
    jobs_clock: Clock,
) -> None:
    async def broken(*_args: object) -> int:
        raise RuntimeError("boom")

    body = {"quantity": 2, "hold_minutes": 10}
    await client.post(f"/api/v1/stock/{shop['product']['id']}/reservations", json=body, headers=admin)
    jobs_clock.advance(minutes=11)
    report = await run_jobs_once(
        runtime.db, now=jobs_clock(), jobs=[Job("broken", broken), _job("release_expired_reservations")]
    )
    assert report.changed == {"broken": 0, "release_expired_reservations": 1}
    assert sorted(report.failed) == sorted([("broken", tenants.demo_id), ("broken", tenants.other_id)])


def _scheduler_tasks() -> list[asyncio.Task[object]]:
    return [task for task in asyncio.all_tasks() if task.get_coro().__name__ == "run_periodically"]  # type: ignore[union-attr]


async def test_the_api_process_runs_the_jobs_on_its_interval_and_stops_them_on_shutdown(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    shop: dict[str, Any],
    tenants: SeededTenants,
    clock: Clock,
) -> None:
    body = {"quantity": 2, "hold_minutes": 10}
    url = f"/api/v1/stock/{shop['product']['id']}/reservations"
    reservation = (await client.post(url, json=body, headers=admin)).json()["data"]
    clock.advance(minutes=11)
    scheduled = replace(runtime, settings=runtime.settings.model_copy(update={"jobs_interval_s": 0.05}))
    app = create_app(runtime=scheduled, agent=AgentService(scheduled, embedder=HashingEmbedder()))

    async def status() -> str | None:
        async with runtime.db.session(tenants.demo_id) as session:
            return await session.scalar(
                select(StockReservation.status).where(StockReservation.id == uuid.UUID(reservation["id"]))
            )

    async with app.router.lifespan_context(app):
        assert len(_scheduler_tasks()) == 1
        for _ in range(100):
            if await status() == "expired":
                break
            await asyncio.sleep(0.05)
    assert await status() == "expired"
    assert _scheduler_tasks() == []


def test_the_api_runs_the_jobs_every_minute_unless_told_otherwise_and_not_in_tests() -> None:
    assert Settings(_env_file=None).scheduled_jobs_interval == 60
    assert Settings(jobs_interval_s=0, _env_file=None).scheduled_jobs_interval is None
    assert Settings(environment="test", _env_file=None).scheduled_jobs_interval is None
    assert Settings(environment="test", jobs_interval_s=5, _env_file=None).scheduled_jobs_interval == 5
