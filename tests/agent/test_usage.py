"""Accounting: tokens, cost, latency and cache hits per reply, summed per conversation and per business."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from parley.agent.accounting import TokenUsage, cost_of
from parley.agent.service import AgentService
from parley.devtools.scripted_llm import FakeOpenAIServer
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation, scripted_llm
from tests.fakes.embedder import HashingEmbedder
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")


async def test_offline_turns_cost_nothing_and_are_summed_per_conversation_and_business(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    for text in ("hello", "is BOLT-M8-40 in stock?", "price for 40 pcs of BOLT-M8-40?"):
        turn = await agent.handle_message(shop.tenant_id, conversation, text)
        assert turn.metrics["tokens"] == {"prompt": 0, "completion": 0} and turn.metrics["cost"] == 0.0
        assert {"embed", "detect_intent", "respond"} <= set(turn.metrics["latency_ms"])
    headers = await login(agent_client, tenants.emails[Role.VIEWER])

    detail = (await agent_client.get(f"/api/v1/conversations/{conversation}", headers=headers)).json()
    assert detail["data"]["usage"] == {
        "messages": 3,
        "prompt_tokens": 0,
        "completion_tokens": 0,
        "cost": 0.0,
        "cache_hits": 0,
    }
    usage = (await agent_client.get("/api/v1/assistant/usage?by_day=true", headers=headers)).json()["data"]
    assert usage["totals"]["messages"] == 3 and usage["totals"]["total_tokens"] == 0
    assert 0 < usage["totals"]["latency_p50_ms"] <= usage["totals"]["latency_p95_ms"]
    assert [day["messages"] for day in usage["days"]] == [3]

    other = await login(agent_client, tenants.other_admin_email)
    theirs = (await agent_client.get("/api/v1/assistant/usage", headers=other)).json()["data"]
    assert theirs["totals"]["messages"] == 0


async def test_llm_turns_record_the_endpoints_token_usage_and_its_cost(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, agent_client: httpx.AsyncClient, tmp_path: Path
) -> None:
    script = [
        {
            "tool_calls": [("Understood", {"intent": "greeting", "confidence": 0.9})],
            "usage": {"prompt_tokens": 300, "completion_tokens": 20, "total_tokens": 320},
        },
        {
            "content": "Hello! How can I help?",
            "usage": {"prompt_tokens": 400, "completion_tokens": 30, "total_tokens": 430},
        },
    ]
    with FakeOpenAIServer(script) as server:
        llm = scripted_llm(runtime, server, tmp_path, llm_model="gpt-4o-mini")
        agent = AgentService(runtime, embedder=embedder, llm=llm)
        conversation = await open_conversation(runtime, shop.tenant_id)
        turn = await agent.handle_message(shop.tenant_id, conversation, "hi")
        await agent.aclose()
    assert turn.metrics["tokens"] == {"prompt": 700, "completion": 50}
    assert turn.metrics["model"] == "gpt-4o-mini"
    assert turn.metrics["cost"] == pytest.approx((700 * 0.15 + 50 * 0.60) / 1_000_000)


async def test_a_period_that_ends_before_it_starts_is_refused(
    agent_client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    headers = await login(agent_client, tenants.emails[Role.ADMIN])
    response = await agent_client.get(
        "/api/v1/assistant/usage?from=2026-02-01&to=2026-01-01", headers=headers
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"].startswith("VAL_")


def test_prices_from_the_settings_override_the_built_in_table() -> None:
    usage = TokenUsage(prompt=1_000_000, completion=1_000_000)
    assert cost_of("gpt-4o-mini", usage) == pytest.approx(0.75)
    assert cost_of("gpt-4o-mini", usage, {"gpt-4o-mini": (1.0, 2.0)}) == pytest.approx(3.0)
    assert cost_of("a-local-model", usage) == 0.0
