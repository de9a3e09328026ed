"""An approval shows where it stands against its SLA, is escalated once when overdue, and lapses at expiry.

The clock moves hours here, past any access token's life, so these tests call the services directly.
"""

from __future__ import annotations

import uuid

import pytest

from parley.agent.conversations import service as conversations
from parley.agent.service import AgentService
from parley.api.app import create_app
from parley.api.routers import hitl
from parley.core.actor import Actor
from parley.core.errors import Conflict
from parley.core.events import event_bus
from parley.core.listing import ListParams
from parley.hitl import decisions, service
from parley.hitl.schemas import ApprovalDetail, ApprovalFilters
from parley.identity.roles import Role
from parley.jobs.scheduler import run_jobs_once
from parley.runtime import Runtime
from tests.agent.conftest import Shop
from tests.conftest import Clock
from tests.hitl.conftest import Paused
from tests.support.tenants import SeededTenants, actor_of

pytestmark = pytest.mark.backend("sqlite")


@pytest.fixture
async def manager(runtime: Runtime, tenants: SeededTenants) -> Actor:
    return await actor_of(runtime.db, tenants.demo_id, tenants.emails[Role.SALES_MANAGER])


async def _detail(runtime: Runtime, manager: Actor, paused: Paused, clock: Clock) -> ApprovalDetail:
    async with runtime.db.session(manager.tenant_id) as session:
        return await service.get_detail(session, manager, uuid.UUID(paused.approval_id), now=clock())


async def test_an_overdue_approval_warns_then_breaches_and_is_escalated_once(
    runtime: Runtime, manager: Actor, clock: Clock, paused: Paused
) -> None:
    clock.advance(minutes=100)
    assert (await _detail(runtime, manager, paused, clock)).sla_status == "warning"
    clock.advance(minutes=30)
    async with runtime.db.session(manager.tenant_id) as session:
        breached, _info = await service.list_approvals(
            session, manager, filters=ApprovalFilters(sla_status="breached"), params=ListParams(), now=clock()
        )
    assert [str(row.id) for row in breached] == [paused.approval_id]
    first = await run_jobs_once(runtime.db, now=clock())
    second = await run_jobs_once(runtime.db, now=clock())
    assert first.changed["escalate_overdue_approvals"] == 1
    assert second.changed["escalate_overdue_approvals"] == 0
    detail = await _detail(runtime, manager, paused, clock)
    assert (detail.priority, detail.escalation_level, detail.sla_status) == ("urgent", 1, "breached")
    assert detail.history[-1]["action"] == "escalated"


async def test_an_expired_approval_resumes_the_conversation_with_the_expiry_outcome(
    runtime: Runtime, agent: AgentService, shop: Shop, manager: Actor, clock: Clock, paused: Paused
) -> None:
    clock.advance(hours=25)
    app = create_app(runtime=runtime, agent=agent)
    async with hitl.router.lifespan_context(app):  # the API process listens for expiries
        report = await run_jobs_once(runtime.db, now=clock())
        await event_bus.drain()
    assert report.changed["expire_approvals"] == 1
    async with runtime.db.session(shop.tenant_id) as session:
        told = await conversations.recent_messages(session, paused.conversation_id, limit=3)
    assert [m.role for m in told] == ["customer", "agent", "agent"]
    assert "couldn't confirm" in told[-1].text
    approval_id = uuid.UUID(paused.approval_id)
    assert await agent.resume_approval(shop.tenant_id, approval_id) is None
    with pytest.raises(Conflict):
        await decisions.settle(runtime.db, manager, approval_id, resume=None, outcome="approved", now=clock())
