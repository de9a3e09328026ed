"""``parley jobs run-once``: the scheduled jobs run by hand against the configured database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import httpx
from sqlalchemy import update
from typer.testing import CliRunner

from parley.cli import app
from parley.core.clock import utcnow
from parley.core.settings import Settings
from parley.demo.seed import seed_actor
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.approvals.service import request_approval
from parley.tools.stock.models import StockReservation
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_product, set_stock


async def test_run_once_releases_a_lapsed_hold_and_says_what_it_changed(
    runtime: Runtime, client: httpx.AsyncClient, tenants: SeededTenants, settings: Settings
) -> None:
    admin = await login(client, tenants.emails[Role.ADMIN])
    product = await make_product(client, admin)
    await set_stock(client, admin, product["id"], 5)
    url = f"/api/v1/stock/{product['id']}"
    await client.post(f"{url}/reservations", json={"quantity": 2}, headers=admin)
    async with runtime.db.transaction(tenants.demo_id) as session:
        await session.execute(update(StockReservation).values(expires_at=utcnow() - timedelta(minutes=1)))

    env = {"PARLEY_DATABASE_URL": settings.resolved_database_url, "PARLEY_ENVIRONMENT": "test"}
    result = await asyncio.to_thread(CliRunner().invoke, app, ["jobs", "run-once"], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "expire_quotations: 0",
        "mark_overdue_invoices: 0",
        "release_expired_reservations: 1",
        "expire_approvals: 0",
        "escalate_overdue_approvals: 0",
    ]
    assert (await client.get(url, headers=admin)).json()["data"]["available"] == 5


async def test_run_once_escalates_an_overdue_approval_and_expires_a_lapsed_one(
    runtime: Runtime, client: httpx.AsyncClient, tenants: SeededTenants, settings: Settings
) -> None:
    manager = await login(client, tenants.emails[Role.SALES_MANAGER])
    async with runtime.db.transaction(tenants.demo_id) as session:
        actor = seed_actor(tenants.demo_id)
        now = utcnow()
        overdue = await request_approval(
            session, actor, type_="discount_approval", payload={}, now=now - timedelta(hours=3)
        )
        lapsed = await request_approval(
            session, actor, type_="handover_escalation", payload={}, now=now - timedelta(hours=9)
        )

    env = {"PARLEY_DATABASE_URL": settings.resolved_database_url, "PARLEY_ENVIRONMENT": "test"}
    result = await asyncio.to_thread(CliRunner().invoke, app, ["jobs", "run-once"], env=env)
    assert result.exit_code == 0, result.output
    assert "escalate_overdue_approvals: 1" in result.output.splitlines()
    assert "expire_approvals: 1" in result.output.splitlines()

    async def shown(approval_id: object) -> dict[str, object]:
        response = await client.get(f"/api/v1/hitl/approvals/{approval_id}", headers=manager)
        return response.json()["data"]

    escalated = await shown(overdue.id)
    assert (escalated["status"], escalated["priority"], escalated["escalation_level"]) == (
        "pending",
        "urgent",
        1,
    )
    assert (await shown(lapsed.id))["status"] == "expired"
