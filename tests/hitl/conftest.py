"""The agent's shop, agent and API client, plus a conversation of a bronze customer asking for 20% off."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx
import pytest

from parley.agent.service import AgentService
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.agent.conftest import Shop, agent, agent_client, embedder, open_conversation, shop
from tests.support.tenants import SeededTenants, login

__all__ = ["agent", "agent_client", "embedder", "shop"]


@dataclass(frozen=True)
class Paused:
    """A conversation waiting for a person to decide its discount request."""

    conversation_id: uuid.UUID
    approval_id: str
    quotation_id: str
    manager: dict[str, str]


async def ask_for_a_discount(
    runtime: Runtime, agent: AgentService, shop: Shop, text: str = "give me a 20% discount on 40 plates"
) -> tuple[uuid.UUID, str]:
    """A bronze customer's conversation asking for more than the agent may give; the turn's reply."""
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(shop.tenant_id, conversation, text)
    assert turn.status == "approval_required", turn
    return conversation, turn.response


@pytest.fixture
async def paused(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> Paused:
    conversation, _reply = await ask_for_a_discount(runtime, agent, shop)
    manager = await login(agent_client, tenants.emails[Role.SALES_MANAGER])
    listed = await agent_client.get(
        "/api/v1/hitl/approvals", params={"conversation_id": str(conversation)}, headers=manager
    )
    [approval] = listed.json()["data"]
    return Paused(conversation, approval["id"], approval["payload"]["target_id"], manager)


async def agent_messages(
    client: httpx.AsyncClient, conversation: uuid.UUID, headers: dict[str, str]
) -> list[str]:
    """The agent's messages of a conversation, oldest first."""
    response = await client.get(f"/api/v1/conversations/{conversation}/messages", headers=headers)
    return [m["text"] for m in reversed(response.json()["data"]) if m["role"] == "agent"]
