"""Staff take a conversation over, the bot stays silent, staff write, see a suggestion, and hand it back."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from parley.agent.service import AgentService
from parley.core.events import DomainEvent
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")


async def test_a_taken_over_conversation_is_answered_by_staff_and_handed_back(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    staff = await login(agent_client, tenants.emails[Role.SALES_REP])
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    base = f"/api/v1/conversations/{conversation}"
    await agent.handle_message(shop.tenant_id, conversation, "hello")
    taken = await agent_client.post(f"{base}/takeover", headers=staff)
    assert taken.json()["data"]["status"] == "handed_over"
    silent = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    assert silent.response == ""
    suggested = (await agent_client.get(f"{base}/suggested-reply", headers=staff)).json()["data"]
    assert suggested["status"] == "suggested" and "5000" in suggested["response"]
    sent = await agent_client.post(
        f"{base}/staff-messages", json={"text": "Yes, 5000 on the shelf."}, headers=staff
    )
    assert sent.status_code == 201 and sent.json()["data"]["role"] == "staff"
    listed = (await agent_client.get(f"{base}/messages", headers=staff)).json()["data"]
    assert [m["role"] for m in reversed(listed)] == ["customer", "agent", "customer", "staff"]
    async with runtime.db.session(shop.tenant_id) as session:
        announced = await session.scalar(
            select(DomainEvent).where(DomainEvent.type == "conversation.staff_message")
        )
    assert announced is not None and announced.payload["channel"] == "web"
    back = await agent_client.post(f"{base}/handback", headers=staff)
    assert back.json()["data"]["status"] == "open"
    history = (await agent.state(conversation))["history"]
    assert history[-1] == {"role": "staff", "text": "Yes, 5000 on the shelf."}
    again = await agent.handle_message(shop.tenant_id, conversation, "is BRG-6204-2RS in stock?")
    assert again.status == "answered" and again.response


async def test_staff_cannot_write_before_taking_over(
    runtime: Runtime, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    staff = await login(agent_client, tenants.emails[Role.SALES_REP])
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    response = await agent_client.post(
        f"/api/v1/conversations/{conversation}/staff-messages", json={"text": "hi"}, headers=staff
    )
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "BIZ_NOT_TAKEN_OVER"


async def test_asking_for_a_person_opens_a_handover_escalation_that_staff_accept(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    await agent.handle_message(shop.tenant_id, conversation, "I want to talk to a human please")
    await agent.handle_message(shop.tenant_id, conversation, "hello?")
    listed = await agent_client.get(
        "/api/v1/hitl/approvals", params={"type": "handover_escalation"}, headers=manager
    )
    [request] = listed.json()["data"]
    assert (request["priority"], request["conversation_id"]) == ("urgent", str(conversation))
    detail = (await agent_client.get(f"/api/v1/hitl/approvals/{request['id']}", headers=manager)).json()[
        "data"
    ]
    assert [m["role"] for m in detail["context"]["conversation"]] == ["customer", "agent", "customer"]
    assert detail["context"]["customer"]["name"] == "Alice Machining"
    await agent_client.post(f"/api/v1/hitl/approvals/{request['id']}/approve", json={}, headers=manager)
    taken = (await agent_client.get(f"/api/v1/conversations/{conversation}", headers=manager)).json()["data"]
    assert taken["status"] == "handed_over" and taken["assigned_to_id"] is not None
