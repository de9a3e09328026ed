"""The AI profile: a business sets how its agent speaks, and both engines use it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from parley.agent.llm.profile import ProfileIn, put_config
from parley.agent.service import AgentService
from parley.core.audit import AuditEntry
from parley.demo.seed import seed_actor
from parley.devtools.scripted_llm import FakeOpenAIServer
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation, scripted_llm
from tests.fakes.embedder import HashingEmbedder
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")

_CONFIG = {
    "instructions": "Always mention our free CNC cutting service.",
    "tone": "formal",
    "language": "English",
    "prohibited_topics": ["politics"],
    "fallback_message": "A specialist from Demo Metals will reply within the hour.",
    "history_token_budget": 800,
    "llm_model": "metal-model-1",
}


async def _configure(runtime: Runtime, shop: Shop) -> None:
    async with runtime.db.transaction(shop.tenant_id) as session:
        await put_config(session, seed_actor(shop.tenant_id), data=ProfileIn(**_CONFIG))


async def test_an_admin_sets_the_ai_profile_and_staff_read_it_back(
    runtime: Runtime, client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    viewer = await login(client, tenants.emails[Role.VIEWER])
    defaults = (await client.get("/api/v1/assistant/config", headers=viewer)).json()["data"]
    assert defaults["llm_model"] is None and defaults["history_token_budget"] == 1500

    admin = await login(client, tenants.emails[Role.ADMIN])
    saved = await client.put("/api/v1/assistant/config", json=_CONFIG, headers=admin)
    assert saved.status_code == 200, saved.text
    read = (await client.get("/api/v1/assistant/config", headers=viewer)).json()["data"]
    assert {key: read[key] for key in _CONFIG} == _CONFIG
    assert "Always mention our free CNC cutting service." in read["system_prompt"]

    manager = await login(client, tenants.emails[Role.SALES_MANAGER])
    refused = await client.put("/api/v1/assistant/config", json=_CONFIG, headers=manager)
    assert refused.status_code == 403
    async with runtime.db.session(tenants.demo_id) as session:
        audited = list(await session.scalars(select(AuditEntry.action)))
    assert "assistant_config.update" in audited


async def test_an_invalid_ai_profile_is_refused_with_the_field_named(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    admin = await login(client, tenants.emails[Role.ADMIN])
    for body, field in (
        ({"history_token_budget": 10}, "history_token_budget"),
        ({"fallback_message": ""}, "fallback_message"),
        ({"llm_model": "bad model name!"}, "llm_model"),
        ({"temperature": 2}, "temperature"),
    ):
        response = await client.put("/api/v1/assistant/config", json=body, headers=admin)
        assert response.status_code == 422, body
        error = response.json()["error"]
        assert error["code"].startswith("VAL_")
        assert field in str(error), error


async def test_the_llm_is_sent_the_business_system_prompt_and_model(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    await _configure(runtime, shop)
    script = [
        {"tool_calls": [("Understood", {"intent": "greeting", "confidence": 0.9})]},
        {"content": "Good day. How may I assist you?"},
    ]
    with FakeOpenAIServer(script) as server:
        agent = AgentService(runtime, embedder=embedder, llm=scripted_llm(runtime, server, tmp_path))
        conversation = await open_conversation(runtime, shop.tenant_id)
        turn = await agent.handle_message(shop.tenant_id, conversation, "hello")
        await agent.aclose()
    assert turn.response == "Good day. How may I assist you?"
    for request in server.requests:
        system = request["messages"][0]
        assert system["role"] == "system"
        assert "Be formal" in system["content"]
        assert "Always mention our free CNC cutting service." in system["content"]
        assert request["model"] == "metal-model-1"


async def test_the_offline_engine_hands_over_with_the_business_fallback_message(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    await _configure(runtime, shop)
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "I want to speak to a human please")
    assert turn.status == "handed_over"
    assert turn.response == _CONFIG["fallback_message"]
