"""A discount asked for on an existing order: applied within the threshold, approved by a person above it."""

from __future__ import annotations

import httpx
import pytest

from parley.agent.service import AgentService
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.agent.conftest import Shop, an_order_of, open_conversation
from tests.hitl.conftest import agent_messages
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")


async def _order(client: httpx.AsyncClient, number: str, headers: dict[str, str]) -> dict:
    listed = await client.get("/api/v1/orders", params={"search": number}, headers=headers)
    [order] = listed.json()["data"]
    return order


async def test_a_small_discount_on_the_customers_order_is_applied_at_once(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    number = await an_order_of(runtime, shop, shop.alice)
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(
        shop.tenant_id, conversation, f"could you give me 5% off my order {number}?"
    )
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    order = await _order(agent_client, number, manager)
    assert turn.status == "answered", (turn.intent, turn.response)
    assert float(order["discount_percent"]) == 5, (turn.intent, turn.response, turn.tool_calls)
    assert turn.response == (
        f"I've applied a 5% discount to order {number}: it now comes to {float(order['total_net']):,.2f} EUR net."
    )
    assert "apply_order_discount" in [call["name"] for call in turn.tool_calls]


async def test_a_large_discount_on_an_order_waits_for_a_manager_and_the_customer_is_told_once(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    number = await an_order_of(runtime, shop, shop.alice)
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(shop.tenant_id, conversation, f"I want 20% off order {number}")
    assert turn.status == "approval_required" and "20%" not in turn.response
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    assert float((await _order(agent_client, number, manager))["discount_percent"]) == 0
    [approval] = (
        await agent_client.get(
            "/api/v1/hitl/approvals", params={"conversation_id": str(conversation)}, headers=manager
        )
    ).json()["data"]
    assert approval["type"] == "discount_approval"
    assert approval["payload"]["target_type"] == "order"
    approved = await agent_client.post(
        f"/api/v1/hitl/approvals/{approval['id']}/approve", json={}, headers=manager
    )
    assert approved.status_code == 200, approved.text
    order = await _order(agent_client, number, manager)
    assert float(order["discount_percent"]) == 20
    outcome = [
        text for text in await agent_messages(agent_client, conversation, manager) if "approved" in text
    ]
    assert len(outcome) == 1 and number in outcome[0]


async def test_a_discount_on_someone_elses_order_finds_no_order_and_changes_nothing(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    bobs = await an_order_of(runtime, shop, shop.bob)
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(shop.tenant_id, conversation, f"give me 5% off order {bobs}")
    assert turn.response.startswith(f"I couldn't find order {bobs} for your account")
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    assert float((await _order(agent_client, bobs, manager))["discount_percent"]) == 0
    approvals = await agent_client.get("/api/v1/hitl/approvals", headers=manager)
    assert approvals.json()["data"] == []
