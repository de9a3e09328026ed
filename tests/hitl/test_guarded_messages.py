"""The message after a decision and the reply suggested to staff pass the same output checks as a bot reply."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import httpx
import pytest

from parley.agent.conversations import service as conversations
from parley.agent.service import AgentService
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation
from tests.fakes.embedder import HashingEmbedder
from tests.hitl.conftest import Paused
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")


async def _last_agent_message(client: httpx.AsyncClient, paused: Paused) -> dict[str, Any]:
    response = await client.get(
        f"/api/v1/conversations/{paused.conversation_id}/messages", headers=paused.manager
    )
    return next(m for m in response.json()["data"] if m["role"] == "agent")


async def test_a_rejection_message_promising_an_unapproved_discount_is_replaced_by_the_standard_one(
    agent_client: httpx.AsyncClient, paused: Paused
) -> None:
    body = {"reason": "margin", "customer_message": "Sorry, but we can give you 15% off your next order."}
    response = await agent_client.post(
        f"/api/v1/hitl/approvals/{paused.approval_id}/reject", json=body, headers=paused.manager
    )
    assert response.status_code == 200, response.text
    told = await _last_agent_message(agent_client, paused)
    assert "15%" not in told["text"]
    assert told["text"].startswith("I'm sorry, we can't approve that request")
    output = told["guardrails"]["output"]
    assert output["verdict"] == "rewrite" and output["action"] == "block"
    assert output["rule"] in {"grounding.ungrounded", "promise.discount"}


async def test_the_approved_outcome_is_checked_and_its_verdict_recorded(
    agent_client: httpx.AsyncClient, paused: Paused
) -> None:
    response = await agent_client.post(
        f"/api/v1/hitl/approvals/{paused.approval_id}/approve", json={}, headers=paused.manager
    )
    assert response.status_code == 200, response.text
    told = await _last_agent_message(agent_client, paused)
    assert "approved" in told["text"]
    output = told["guardrails"]["output"]
    assert output["verdict"] == "pass"
    assert {"grounding.ok", "promise.ok"} <= {check["rule"] for check in output["checks"]}


class _RefusingGuard:
    """A business guard whose output checks refuse every reply (input passes)."""

    async def check_input(self, text: str, vector: Any) -> dict[str, Any]:
        return {"verdict": "pass", "action": "pass", "rule": "test.ok", "checks": []}

    async def check_output(
        self,
        reply: str,
        facts: Mapping[str, Any],
        tool_calls: Iterable[Mapping[str, Any]],
        *,
        user_message: str | None = None,
        published: Sequence[str] = (),
    ) -> dict[str, Any]:
        return {"verdict": "block", "action": "block", "rule": "test.refused", "checks": []}


class _RefusingProvider:
    def for_turn(self, settings: Any, **_: Any) -> _RefusingGuard:
        return _RefusingGuard()


async def test_a_suggested_reply_that_fails_the_output_checks_is_not_offered_to_staff(
    runtime: Runtime, embedder: HashingEmbedder, shop: Shop
) -> None:
    agent = AgentService(runtime, embedder=embedder, guard=_RefusingProvider())
    try:
        conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
        async with runtime.db.transaction(shop.tenant_id) as session:
            opened = await conversations.get_conversation(session, conversation)
            await conversations.add_message(session, opened, role="customer", text="is BOLT-M8-40 in stock?")
        suggested = await agent.suggest_reply(shop.tenant_id, conversation)
    finally:
        await agent.aclose()
    assert suggested is not None
    assert "5000" not in suggested.response
    assert suggested.guardrails["output"]["rule"] == "test.refused"


async def test_a_suggested_reply_carries_the_output_checks_it_passed(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    staff = await login(agent_client, tenants.emails[Role.SALES_REP])
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    base = f"/api/v1/conversations/{conversation}"
    await agent_client.post(f"{base}/takeover", headers=staff)
    await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    suggested = (await agent_client.get(f"{base}/suggested-reply", headers=staff)).json()["data"]
    assert "5000" in suggested["response"]
    assert suggested["guardrails"]["output"]["verdict"] == "pass"
    assert "grounding.ok" in {check["rule"] for check in suggested["guardrails"]["output"]["checks"]}
