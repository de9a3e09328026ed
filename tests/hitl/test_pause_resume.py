"""A discount above the threshold pauses the conversation; a person's decision resumes it exactly once."""

from __future__ import annotations

import uuid

import httpx
import pytest
from sqlalchemy import select

from parley.agent.service import AgentService
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.customers.models import Customer
from tests.agent.conftest import Shop, open_conversation
from tests.hitl.conftest import Paused, agent_messages, ask_for_a_discount
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")


async def test_a_discount_above_the_threshold_creates_an_approval_and_pauses(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    conversation, reply = await ask_for_a_discount(runtime, agent, shop)
    assert "approval" in reply
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    [approval] = (await agent_client.get("/api/v1/hitl/approvals", headers=manager)).json()["data"]
    assert approval["type"] == "discount_approval"
    assert approval["status"] == "pending"
    assert approval["priority"] == "high"
    assert approval["sla_status"] == "on_track"
    assert approval["conversation_id"] == str(conversation)
    assert approval["payload"]["requested_percent"] == "20"
    state = await agent.state(conversation)
    assert state["approval_id"] == approval["id"]
    quiet = await agent.handle_message(shop.tenant_id, conversation, "hello? anyone?")
    assert quiet.response == ""
    assert quiet.status == "pending_approval"


async def test_approving_applies_the_discount_and_tells_the_customer_once(
    agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, paused: Paused
) -> None:
    url = f"/api/v1/hitl/approvals/{paused.approval_id}"
    approved = await agent_client.post(
        f"{url}/approve", json={"note": "good customer"}, headers=paused.manager
    )
    assert approved.status_code == 200, approved.text
    assert approved.json()["data"]["status"] == "approved"
    again = await agent_client.post(f"{url}/approve", json={}, headers=paused.manager)
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "BIZ_APPROVAL_ALREADY_DECIDED"
    quotation = (
        await agent_client.get(f"/api/v1/quotations/{paused.quotation_id}", headers=paused.manager)
    ).json()["data"]
    assert float(quotation["discount_percent"]) == 20
    told = await agent_messages(agent_client, paused.conversation_id, paused.manager)
    outcome = [text for text in told if "approved" in text]
    assert len(outcome) == 1
    assert quotation["number"] in outcome[0]
    assert f"{float(quotation['total_net']):,.2f}" in outcome[0]
    assert await agent.resume_approval(shop.tenant_id, uuid.UUID(paused.approval_id)) is None
    after = await agent.handle_message(shop.tenant_id, paused.conversation_id, "is BOLT-M8-40 in stock?")
    assert after.status == "answered" and "5000" in after.response


async def test_a_smaller_discount_can_be_approved_instead(
    agent_client: httpx.AsyncClient, paused: Paused
) -> None:
    body = {"modifications": {"percent": "12"}}
    response = await agent_client.post(
        f"/api/v1/hitl/approvals/{paused.approval_id}/approve", json=body, headers=paused.manager
    )
    assert response.json()["data"]["decision"]["effect"]["percent"] == "12"
    told = await agent_messages(agent_client, paused.conversation_id, paused.manager)
    assert "we can offer you 12% instead" in told[-1]


async def test_rejecting_applies_nothing_and_tells_the_customer(
    agent_client: httpx.AsyncClient, paused: Paused
) -> None:
    body = {"reason": "margin too thin", "customer_message": "Sorry, 20% is more than we can do on plates."}
    response = await agent_client.post(
        f"/api/v1/hitl/approvals/{paused.approval_id}/reject", json=body, headers=paused.manager
    )
    assert response.status_code == 200, response.text
    quotation = (
        await agent_client.get(f"/api/v1/quotations/{paused.quotation_id}", headers=paused.manager)
    ).json()["data"]
    assert float(quotation["discount_percent"]) == 0
    told = await agent_messages(agent_client, paused.conversation_id, paused.manager)
    assert told[-1] == body["customer_message"]
    assert told.count(body["customer_message"]) == 1


async def test_a_sales_rep_cannot_approve_above_their_own_threshold(
    agent_client: httpx.AsyncClient, tenants: SeededTenants, paused: Paused
) -> None:
    rep = await login(agent_client, tenants.emails[Role.SALES_REP])
    url = f"/api/v1/hitl/approvals/{paused.approval_id}/approve"
    refused = await agent_client.post(url, json={}, headers=rep)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "AUTHZ_ABOVE_THRESHOLD"
    detail = (await agent_client.get(f"/api/v1/hitl/approvals/{paused.approval_id}", headers=rep)).json()
    assert detail["data"]["status"] == "pending"
    within = await agent_client.post(url, json={"modifications": {"percent": "10"}}, headers=rep)
    assert within.status_code == 200, within.text


async def test_the_demo_shop_discount_example_is_approved_by_a_manager_and_answered_once(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, demo_shop: SeededTenants
) -> None:
    async with runtime.db.session(demo_shop.demo_id) as session:
        bronze = await session.scalar(select(Customer.id).where(Customer.tier == "bronze").limit(1))
    conversation = await open_conversation(runtime, demo_shop.demo_id, bronze)
    turn = await agent.handle_message(demo_shop.demo_id, conversation, "give me a 20% discount on 40 plates")
    assert turn.status == "approval_required"
    manager = await login(agent_client, demo_shop.emails[Role.SALES_MANAGER])
    [approval] = (
        await agent_client.get("/api/v1/hitl/approvals", params={"status": "pending"}, headers=manager)
    ).json()["data"]
    detail = (await agent_client.get(f"/api/v1/hitl/approvals/{approval['id']}", headers=manager)).json()[
        "data"
    ]
    assert detail["context"]["customer"]["tier"] == "bronze"
    assert detail["context"]["effect"]["requested_percent"] == "20"
    await agent_client.post(f"/api/v1/hitl/approvals/{approval['id']}/approve", json={}, headers=manager)
    told = await agent_messages(agent_client, conversation, manager)
    assert len(told) == 2 and told[-1].startswith("Good news: your 20% discount was approved.")
