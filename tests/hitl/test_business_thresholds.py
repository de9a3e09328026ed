"""A business's guardrail thresholds (``/api/v1/ai/guardrails``) hold in live turns: above them a person decides."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from parley.agent.conversations import service as conversations
from parley.agent.service import AgentService
from parley.devtools.scripted_llm import FakeOpenAIServer
from parley.guardrails.settings import Thresholds
from parley.hitl.thresholds import guard_actions
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.agent_tools import langchain_tools
from parley.tools.principal import agent_actor
from parley.tools.registry import OPERATIONS
from tests.agent.conftest import Shop, open_conversation, scripted_llm
from tests.fakes.embedder import HashingEmbedder
from tests.hitl.conftest import agent_messages
from tests.support.tenants import SeededTenants, login, set_thresholds

pytestmark = pytest.mark.backend("sqlite")


async def _quotations(client: httpx.AsyncClient, headers: dict[str, str]) -> list[dict[str, Any]]:
    return (await client.get("/api/v1/quotations", headers=headers)).json()["data"]


async def test_within_every_limit_the_agent_gives_a_small_discount_itself(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(shop.tenant_id, conversation, "give me 5% off 40 plates")
    assert turn.status == "answered" and "5% discount" in turn.response


async def test_a_discount_above_the_business_limit_becomes_an_approval_and_is_never_promised(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    await set_thresholds(agent_client, tenants, maxDiscountPercent=3)
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(shop.tenant_id, conversation, "give me 5% off 40 plates")
    assert turn.status == "approval_required"
    assert "5%" not in turn.response and "approval" in turn.response
    [quotation] = await _quotations(agent_client, manager)
    assert float(quotation["discount_percent"]) == 0
    [approval] = (await agent_client.get("/api/v1/hitl/approvals", headers=manager)).json()["data"]
    assert approval["type"] == "discount_approval" and approval["conversation_id"] == str(conversation)
    assert (approval["payload"]["rule"], approval["payload"]["threshold"]) == ("maxDiscountPercent", "3")
    approved = await agent_client.post(
        f"/api/v1/hitl/approvals/{approval['id']}/approve", json={}, headers=manager
    )
    assert approved.status_code == 200, approved.text
    [quotation] = await _quotations(agent_client, manager)
    assert float(quotation["discount_percent"]) == 5
    told = await agent_messages(agent_client, conversation, manager)
    assert "5% discount was approved" in told[-1] and quotation["number"] in told[-1]


async def test_below_the_business_minimum_confidence_the_agent_takes_no_action(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    await set_thresholds(agent_client, tenants, minConfidenceForAuto=0.99)
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(shop.tenant_id, conversation, "give me 5% off 40 plates")
    assert turn.intent == "discount_request" and turn.confidence < 0.99
    assert turn.status == "handed_over" and "%" not in turn.response
    assert [call["name"] for call in turn.tool_calls if not call["name"].startswith(("search", "get"))] == []
    assert await _quotations(agent_client, manager) == []
    listed = await agent_client.get(
        "/api/v1/hitl/approvals", params={"type": "handover_escalation"}, headers=manager
    )
    [request] = listed.json()["data"]
    assert "below the 0.99 needed to act" in request["payload"]["reason"]
    stock = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    assert stock.response == ""  # handed over: staff answer now


async def test_an_order_above_the_business_limit_waits_for_approval_and_is_placed_once_approved(
    runtime: Runtime, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    actor = agent_actor(shop.tenant_id)
    tools = {
        tool.name: tool
        for tool in guard_actions(
            langchain_tools(OPERATIONS, db=runtime.db, actor=actor),
            Thresholds(max_order_value=1000),
            db=runtime.db,
            actor=actor,
        )
    }
    line = {"product_id": str(shop.products["AL-6061-10-500x500"]), "quantity": 40}
    held = json.loads(await tools["create_order"].ainvoke({"customer_id": str(shop.alice), "lines": [line]}))
    assert held["status"] == "approval_required" and "above the business's 1000" in held["reason"]
    orders = (await agent_client.get("/api/v1/orders", headers=manager)).json()["data"]
    assert orders == []
    small = {**line, "quantity": 2}
    placed = json.loads(
        await tools["create_order"].ainvoke({"customer_id": str(shop.alice), "lines": [small]})
    )
    assert placed["status"] == "pending"
    grown = json.loads(await tools["modify_order_items"].ainvoke({"order_id": placed["id"], "lines": [line]}))
    assert grown["status"] == "approval_required"
    approved = await agent_client.post(
        f"/api/v1/hitl/approvals/{held['approval_id']}/approve", json={}, headers=manager
    )
    assert approved.status_code == 200, approved.text
    orders = (await agent_client.get("/api/v1/orders", headers=manager)).json()["data"]
    assert sorted(order["lines"][0]["quantity"] for order in orders) == [2, 40]
    detail = (await agent_client.get(f"/api/v1/hitl/approvals/{held['approval_id']}", headers=manager)).json()
    effect = detail["data"]["history"][-1]["effect"]
    assert effect["kind"] == "operation" and effect["number"].startswith("ORD-")


async def _spent_today(runtime: Runtime, tenant_id: uuid.UUID, cost: float) -> None:
    conversation = await open_conversation(runtime, tenant_id)
    async with runtime.db.transaction(tenant_id) as session:
        opened = await conversations.get_conversation(session, conversation)
        await conversations.add_message(
            session, opened, role="agent", text="earlier answer", now=runtime.clock(), metrics={"cost": cost}
        )


@pytest.mark.parametrize(("limit", "engine"), [(5.0, "llm"), (0.5, "offline")])
async def test_once_the_daily_ai_budget_is_spent_turns_use_the_offline_engine(
    runtime: Runtime,
    agent_client: httpx.AsyncClient,
    shop: Shop,
    tenants: SeededTenants,
    embedder: HashingEmbedder,
    tmp_path: Path,
    limit: float,
    engine: str,
) -> None:
    await set_thresholds(agent_client, tenants, maxDailyAICost=limit)
    await _spent_today(runtime, shop.tenant_id, 0.6)
    script = [
        {"tool_calls": [("Understood", {"intent": "greeting", "confidence": 0.93})]},
        {"content": "Hello! How can I help?"},
    ]
    with FakeOpenAIServer(script) as server:
        agent = AgentService(runtime, embedder=embedder, llm=scripted_llm(runtime, server, tmp_path))
        conversation = await open_conversation(runtime, shop.tenant_id)
        turn = await agent.handle_message(shop.tenant_id, conversation, "hello")
        await agent.aclose()
    assert turn.metrics["engine"] == engine and turn.response
    assert bool(server.requests) is (engine == "llm")
    assert ("daily_ai_cost" in turn.metrics["fallbacks"]) is (engine == "offline")
