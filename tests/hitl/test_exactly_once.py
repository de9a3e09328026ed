"""Two people, or two API processes, deciding the same request at once: one decision, one resumed run."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest

from parley.agent.service import AgentService
from parley.api.app import create_app
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.fakes.embedder import HashingEmbedder
from tests.hitl.conftest import Paused, agent_messages
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("postgresql")


@pytest.fixture
async def second_process(runtime: Runtime, embedder: HashingEmbedder) -> AsyncIterator[httpx.AsyncClient]:
    """Another API process: its own agent service, locks and checkpointer connections, the same database."""
    other = AgentService(runtime, embedder=embedder)
    transport = httpx.ASGITransport(app=create_app(runtime=runtime, agent=other), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http
    await other.aclose()


async def test_two_processes_approving_at_once_decide_and_resume_once(
    agent_client: httpx.AsyncClient, second_process: httpx.AsyncClient, tenants: SeededTenants, paused: Paused
) -> None:
    admin = await login(agent_client, tenants.emails[Role.ADMIN])
    url = f"/api/v1/hitl/approvals/{paused.approval_id}/approve"
    answers = await asyncio.gather(
        agent_client.post(url, json={}, headers=paused.manager),
        second_process.post(url, json={}, headers=admin),
        agent_client.post(url, json={}, headers=admin),
    )
    assert sorted(a.status_code for a in answers) == [200, 409, 409], [a.text for a in answers]
    told = await agent_messages(agent_client, paused.conversation_id, paused.manager)
    assert len([text for text in told if "approved" in text]) == 1
    quotation = (
        await agent_client.get(f"/api/v1/quotations/{paused.quotation_id}", headers=paused.manager)
    ).json()["data"]
    assert float(quotation["discount_percent"]) == 20


async def test_approving_and_rejecting_at_the_same_moment_gives_one_decision(
    agent_client: httpx.AsyncClient, second_process: httpx.AsyncClient, paused: Paused
) -> None:
    base = f"/api/v1/hitl/approvals/{paused.approval_id}"
    approve, reject = await asyncio.gather(
        agent_client.post(f"{base}/approve", json={}, headers=paused.manager),
        second_process.post(f"{base}/reject", json={"reason": "no"}, headers=paused.manager),
    )
    assert sorted([approve.status_code, reject.status_code]) == [200, 409]
    winner = "approved" if approve.status_code == 200 else "rejected"
    detail = (await agent_client.get(base, headers=paused.manager)).json()["data"]
    assert detail["status"] == winner
    assert [entry["action"] for entry in detail["history"]] == ["requested", winner]
    told = await agent_messages(agent_client, paused.conversation_id, paused.manager)
    assert len(told) == 2  # "a colleague is checking", then the one outcome
