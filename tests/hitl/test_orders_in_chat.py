"""An order placed in chat: priced and proposed first, booked only on the customer's "yes", above the limit
booked only once a person approves, and for a visitor without a customer record handed to a person."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from parley.agent.service import AgentService
from parley.demo.seed import seed_actor
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.pricing import service as pricing
from parley.tools.pricing.schemas import LineIn
from tests.agent.conftest import Shop, open_conversation
from tests.hitl.conftest import agent_messages
from tests.support.tenants import SeededTenants, login, set_thresholds

pytestmark = pytest.mark.backend("sqlite")


async def _orders(client: httpx.AsyncClient, tenants: SeededTenants) -> list[dict[str, Any]]:
    manager = await login(client, tenants.emails[Role.SALES_MANAGER])
    return (await client.get("/api/v1/orders", headers=manager)).json()["data"]


async def _gross(runtime: Runtime, shop: Shop, customer_id: uuid.UUID | None, sku: str, quantity: int) -> str:
    async with runtime.db.session(shop.tenant_id) as session:
        priced = await pricing.calculate(
            session,
            seed_actor(shop.tenant_id),
            customer_id=customer_id,
            lines=[LineIn(sku=sku, quantity=quantity)],
        )
    return f"{priced.total_gross:,.2f}"


async def test_an_order_is_proposed_with_its_price_and_booked_only_on_yes(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    proposed = await agent.handle_message(
        shop.tenant_id, conversation, "I want to order 40 pcs of BOLT-M8-40"
    )
    assert proposed.intent == "place_order" and proposed.status == "answered"
    assert await _gross(runtime, shop, shop.alice, "BOLT-M8-40", 40) in proposed.response
    assert 'Reply "yes" to confirm' in proposed.response
    assert await _orders(agent_client, tenants) == []
    placed = await agent.handle_message(shop.tenant_id, conversation, "yes please")
    [order] = await _orders(agent_client, tenants)
    assert order["number"] in placed.response and placed.status == "answered"
    assert (order["customer_id"], order["status"]) == (str(shop.alice), "pending")
    assert [(line["sku"], line["quantity"]) for line in order["lines"]] == [("BOLT-M8-40", 40)]
    assert str(conversation) in order["notes"]
    status = await agent.handle_message(shop.tenant_id, conversation, "what is the status of my order?")
    assert order["number"] in status.response


async def test_a_proposal_lasts_one_message(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    await agent.handle_message(shop.tenant_id, conversation, "I want to order 40 pcs of BOLT-M8-40")
    await agent.handle_message(shop.tenant_id, conversation, "is AL-6061-12-500x500 in stock?")
    late = await agent.handle_message(shop.tenant_id, conversation, "yes")
    assert "create_order" not in [call["name"] for call in late.tool_calls]
    assert await _orders(agent_client, tenants) == []


async def test_a_changed_count_is_proposed_again_before_it_is_booked(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    await agent.handle_message(shop.tenant_id, conversation, "I want to order 40 pcs of BOLT-M8-40")
    changed = await agent.handle_message(shop.tenant_id, conversation, "no, make it 100")
    assert changed.intent == "place_order"
    assert await _gross(runtime, shop, shop.alice, "BOLT-M8-40", 100) in changed.response
    await agent.handle_message(shop.tenant_id, conversation, "ok")
    [order] = await _orders(agent_client, tenants)
    assert order["lines"][0]["quantity"] == 100


async def test_a_visitor_gets_the_price_and_a_person_takes_the_order(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "I want to order 40 pcs of BOLT-M8-40")
    assert turn.status == "handed_over"
    assert await _gross(runtime, shop, None, "BOLT-M8-40", 40) in turn.response
    assert turn.response.endswith("I'm passing this to a colleague, who will answer you here shortly.")
    assert await _orders(agent_client, tenants) == []


async def test_an_order_above_the_business_limit_is_booked_once_a_person_approves(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    await set_thresholds(agent_client, tenants, maxOrderValue=500)
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    await agent.handle_message(shop.tenant_id, conversation, "I want to order 20 pcs of AL-6061-10-500x500")
    waiting = await agent.handle_message(shop.tenant_id, conversation, "yes")
    assert waiting.status == "approval_required" and "approval" in waiting.response
    assert await _orders(agent_client, tenants) == []
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    [request] = (
        await agent_client.get(
            "/api/v1/hitl/approvals", params={"type": "document_approval"}, headers=manager
        )
    ).json()["data"]
    approved = await agent_client.post(
        f"/api/v1/hitl/approvals/{request['id']}/approve", json={}, headers=manager
    )
    assert approved.status_code == 200, approved.text
    [order] = await _orders(agent_client, tenants)
    told = [text for text in await agent_messages(agent_client, conversation, manager) if "approved" in text]
    assert len(told) == 1 and order["number"] in told[0]
    status = await agent.handle_message(shop.tenant_id, conversation, "what is the status of my order?")
    assert order["number"] in status.response


async def test_a_proposal_made_before_staff_took_over_is_not_placed_after_they_hand_back(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    staff = await login(agent_client, tenants.emails[Role.SALES_REP])
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    await agent.handle_message(shop.tenant_id, conversation, "I want to order 40 pcs of BOLT-M8-40")
    base = f"/api/v1/conversations/{conversation}"
    assert (await agent_client.post(f"{base}/takeover", headers=staff)).status_code == 200
    await agent_client.post(f"{base}/staff-messages", json={"text": "Shall I add nuts too?"}, headers=staff)
    assert (await agent_client.post(f"{base}/handback", headers=staff)).status_code == 200
    answer = await agent.handle_message(shop.tenant_id, conversation, "yes")
    assert "create_order" not in [call["name"] for call in answer.tool_calls]
    assert await _orders(agent_client, tenants) == []
