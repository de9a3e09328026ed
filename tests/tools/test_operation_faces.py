"""One operation, three faces: REST, the agent's LangChain tool and MCP give the same result and audit trail."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import pytest
from mcp import Client
from mcp.client._memory import InMemoryTransport
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import AuditEntry
from parley.identity.roles import AGENT_SCOPES, Role
from parley.runtime import Runtime
from parley.tools.agent_tools import as_langchain_tool, langchain_tools
from parley.tools.mcp_server import build_mcp_server
from parley.tools.operation import Operation, invoke
from parley.tools.principal import agent_actor
from parley.tools.registry import OPERATIONS, operation
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_product, set_stock


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


async def _audit(runtime: Runtime, tenant_id: uuid.UUID, action: str) -> list[AuditEntry]:
    async with runtime.db.session(tenant_id) as session:
        return list(await session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


async def test_the_rest_route_and_the_agent_tool_reserve_stock_alike(
    runtime: Runtime, client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants
) -> None:
    rep = await login(client, tenants.emails[Role.SALES_REP])
    product = await make_product(client, admin)
    await set_stock(client, admin, product["id"], 10)
    body = {"quantity": 2, "reference": "chat-1"}
    by_rest = (
        await client.post(f"/api/v1/stock/{product['id']}/reservations", json=body, headers=rep)
    ).json()
    tool = as_langchain_tool(operation("reserve_stock"), db=runtime.db, actor=agent_actor(tenants.demo_id))
    by_tool = json.loads(await tool.ainvoke({"product_id": product["id"], **body}))
    volatile = {"id", "expires_at", "available_after"}
    assert {k: v for k, v in by_tool.items() if k not in volatile} == {
        k: v for k, v in by_rest["data"].items() if k not in volatile
    }
    entries = sorted(
        await _audit(runtime, tenants.demo_id, "stock.reserve"), key=lambda entry: entry.created_at
    )
    assert [entry.actor_kind for entry in entries] == ["user", "agent"]
    assert entries[0].entity_type == entries[1].entity_type == "stock_reservation"
    strip = lambda after: {k: v for k, v in (after or {}).items() if k != "available_after"}  # noqa: E731
    assert strip(entries[0].after) == strip(entries[1].after)


async def test_reading_a_product_gives_the_same_data_through_rest_tool_and_mcp(
    runtime: Runtime, client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants
) -> None:
    product = await make_product(client, admin, price="9.99")
    by_rest = (await client.get(f"/api/v1/products/{product['id']}", headers=admin)).json()["data"]
    agent = agent_actor(tenants.demo_id)
    tool = as_langchain_tool(operation("get_product"), db=runtime.db, actor=agent)
    assert json.loads(await tool.ainvoke({"product_id": product["id"]})) == by_rest
    server = build_mcp_server(OPERATIONS, db=runtime.db, actor=agent)
    async with Client(InMemoryTransport(server)) as mcp_client:
        result = await mcp_client.call_tool("get_product", {"product_id": product["id"]})
    assert not result.is_error
    assert json.loads(result.content[0].text) == by_rest


async def test_a_bad_argument_becomes_a_message_to_correct_and_retry(
    runtime: Runtime, tenants: SeededTenants
) -> None:
    tool = as_langchain_tool(operation("reserve_stock"), db=runtime.db, actor=agent_actor(tenants.demo_id))
    message = await tool.ainvoke({"product_id": str(uuid.uuid4()), "quantity": "lots"})
    assert "quantity" in message
    assert "call reserve_stock again" in message
    assert "Traceback" not in message


async def test_not_found_and_refusals_become_a_final_answer(runtime: Runtime, tenants: SeededTenants) -> None:
    agent = agent_actor(tenants.demo_id)
    tool = as_langchain_tool(operation("get_product"), db=runtime.db, actor=agent)
    missing = await tool.ainvoke({"product_id": str(uuid.uuid4())})
    assert "RES_NOT_FOUND" in missing and "Do not retry" in missing
    refused = as_langchain_tool(operation("create_product"), db=runtime.db, actor=agent)
    answer = await refused.ainvoke({"sku": "X", "name": "X", "price": "1"})
    assert "AUTHZ_INSUFFICIENT_SCOPE" in answer and "Do not retry" in answer


async def test_the_agent_sees_only_the_tools_its_scopes_allow(
    runtime: Runtime, tenants: SeededTenants
) -> None:
    tools = langchain_tools(OPERATIONS, db=runtime.db, actor=agent_actor(tenants.demo_id))
    names = {tool.name for tool in tools}
    assert {"get_product", "search_products", "check_stock", "reserve_stock"} <= names
    assert not names & {"create_product", "delete_product", "adjust_stock", "import_products"}
    assert all(operation(name).scope in AGENT_SCOPES for name in names)


def test_every_operation_describes_itself_briefly_with_the_same_schema_everywhere() -> None:
    for op in OPERATIONS:
        assert len(op.description) <= 160, op.name
        assert op.input.model_config.get("extra") == "forbid"
    tool = as_langchain_tool(operation("reserve_stock"), db=None, actor=None)  # type: ignore[arg-type]
    assert tool.args_schema is operation("reserve_stock").input


async def test_an_mcp_client_lists_the_tools_and_calls_one(
    runtime: Runtime, client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants
) -> None:
    product = await make_product(client, admin)
    await set_stock(client, admin, product["id"], 3)
    server = build_mcp_server(OPERATIONS, db=runtime.db, actor=agent_actor(tenants.demo_id))
    async with Client(InMemoryTransport(server)) as mcp_client:
        listed = await mcp_client.list_tools()
        by_name = {tool.name: tool for tool in listed.tools}
        assert by_name["check_stock"].input_schema == operation("check_stock").input.model_json_schema()
        assert "create_product" not in by_name
        stock = await mcp_client.call_tool("check_stock", {"product_id": product["id"]})
        refused = await mcp_client.call_tool("reserve_stock", {"product_id": product["id"], "quantity": 9})
    assert json.loads(stock.content[0].text)["available"] == 3
    assert refused.is_error
    assert "BIZ_INSUFFICIENT_STOCK" in refused.content[0].text


class _Refund(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int


class _Refunded(BaseModel):
    refunded: int


async def _refund(_session: AsyncSession, _actor: Actor, data: _Refund) -> _Refunded:
    return _Refunded(refunded=data.amount)


async def _above_100(_session: AsyncSession, _actor: Actor, data: Any) -> str | None:
    return "refunds above 100 need a manager" if data.amount > 100 else None


async def test_an_approval_hook_answers_approval_required_instead_of_acting(
    runtime: Runtime, tenants: SeededTenants
) -> None:
    refund = Operation(
        name="refund_payment",
        description="Refund a payment.",
        input=_Refund,
        output=_Refunded,
        scope="payments:read",
        method="POST",
        path="/api/v1/test/refunds",
        handler=_refund,
        approval=_above_100,
    )
    agent = agent_actor(tenants.demo_id)
    async with runtime.db.transaction(tenants.demo_id) as session:
        small = await invoke(refund, session, agent, _Refund(amount=50))
        large = await invoke(refund, session, agent, _Refund(amount=500))
    assert small == _Refunded(refunded=50)
    assert large.status == "approval_required"
    assert large.reason == "refunds above 100 need a manager"
    assert large.input == {"amount": 500}
