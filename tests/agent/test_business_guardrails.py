"""A business's blocked patterns and topics (``/api/v1/ai/guardrails``) apply to live turns; allowed topics win."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from parley.agent.service import AgentService
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")


async def _configure(client: httpx.AsyncClient, tenants: SeededTenants, **settings: Any) -> None:
    admin = await login(client, tenants.emails[Role.ADMIN])
    response = await client.put("/api/v1/ai/guardrails", json=settings, headers=admin)
    assert response.status_code == 200, response.text


def _rules(turn: Any) -> set[str]:
    return {check["rule"] for check in turn.guardrails["input"]["checks"]}


async def _ask(runtime: Runtime, agent: AgentService, shop: Shop, text: str) -> Any:
    """The first turn of a new conversation (an earlier answer may have handed one over)."""
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    return await agent.handle_message(shop.tenant_id, conversation, text)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("I will take you to court with a lawsuit", "topic.keyword"),
        ("do you have a coupon code for me?", "topic.pattern"),
    ],
)
async def test_a_blocked_keyword_or_pattern_is_refused_in_a_live_turn(
    runtime: Runtime,
    agent: AgentService,
    agent_client: httpx.AsyncClient,
    shop: Shop,
    tenants: SeededTenants,
    text: str,
    rule: str,
) -> None:
    before = await _ask(runtime, agent, shop, text)
    assert before.guardrails["input"]["verdict"] == "pass"
    await _configure(
        agent_client,
        tenants,
        blockedPatterns=[
            {"type": "keyword", "value": "lawsuit"},
            {"type": "regex", "value": r"\bcoupon\s*code\b"},
        ],
    )
    turn = await _ask(runtime, agent, shop, text)
    assert turn.guardrails["input"]["verdict"] == "block" and turn.guardrails["input"]["rule"] == rule
    assert turn.tool_calls == []


async def test_an_allowed_topic_lets_through_what_a_blocked_topic_would_refuse(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    paying = "can I pay for my orders in crypto currency?"
    await _configure(agent_client, tenants, blockedTopics=["crypto currency"])
    refused = await _ask(runtime, agent, shop, paying)
    assert refused.guardrails["input"]["rule"] == "topic.semantic"
    await _configure(
        agent_client,
        tenants,
        blockedTopics=["crypto currency"],
        allowedTopics=["paying for orders in crypto currency"],
    )
    allowed = await _ask(runtime, agent, shop, paying)
    assert allowed.guardrails["input"]["verdict"] == "pass" and "topic.allowed" in _rules(allowed)
    speculating = await _ask(runtime, agent, shop, "which crypto currency will rise")
    assert speculating.guardrails["input"]["rule"] == "topic.semantic"
