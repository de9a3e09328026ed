"""The FAQ answer cache: a repeated FAQ question is answered from the cache until its source changes."""

from __future__ import annotations

import uuid

import httpx
import pytest

from parley.agent.service import AgentService
from parley.core.events import event_bus
from parley.demo.seed import seed_actor
from parley.identity.roles import Role
from parley.knowledge.kb import service as kb
from parley.knowledge.kb.schemas import FaqIn, FaqPatch
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")

_QUESTION = "what is your return policy?"
_ANSWER = "You can return unused items within 30 days."


async def _faq(runtime: Runtime, tenant_id: uuid.UUID, **extra: object) -> uuid.UUID:
    data = FaqIn(question=_QUESTION, answer=_ANSWER, **extra)  # type: ignore[arg-type]
    async with runtime.db.transaction(tenant_id) as session:
        faq = await kb.create_faq(session, seed_actor(tenant_id), data=data)
    await event_bus.drain()
    await runtime.knowledge.sync(tenant_id)
    return faq.id


async def test_a_repeated_faq_question_is_answered_from_the_cache(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    await _faq(runtime, shop.tenant_id)
    first_conversation = await open_conversation(runtime, shop.tenant_id)
    first = await agent.handle_message(shop.tenant_id, first_conversation, _QUESTION)
    second_conversation = await open_conversation(runtime, shop.tenant_id)
    second = await agent.handle_message(shop.tenant_id, second_conversation, _QUESTION)
    assert first.intent == "faq" and first.response == _ANSWER
    assert first.metrics["cache_hit"] is False
    assert second.response == first.response
    assert second.metrics["cache_hit"] is True and second.metrics["engine"] == "cache"
    assert "retrieve" not in second.metrics["latency_ms"]
    assert agent.cache.stats(shop.tenant_id).model_dump() == {
        "entries": 1,
        "hits": 1,
        "misses": 1,
        "hit_rate": 0.5,
    }
    follow_up = await agent.handle_message(shop.tenant_id, second_conversation, "is BOLT-M8-40 in stock?")
    assert "5000" in follow_up.response  # the conversation goes on normally after a cached answer
    history = (await agent.state(second_conversation))["history"]
    assert [turn["text"] for turn in history[:2]] == [_QUESTION, _ANSWER]


async def test_a_changed_faq_answer_is_not_served_from_the_cache(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    faq_id = await _faq(runtime, shop.tenant_id)
    conversation = await open_conversation(runtime, shop.tenant_id)
    await agent.handle_message(shop.tenant_id, conversation, _QUESTION)
    assert agent.cache.stats(shop.tenant_id).entries == 1
    async with runtime.db.transaction(shop.tenant_id) as session:
        await kb.update_faq(
            session, seed_actor(shop.tenant_id), faq_id, data=FaqPatch(answer="Returns are free for 60 days.")
        )
    await event_bus.drain()
    assert agent.cache.stats(shop.tenant_id).entries == 0
    again = await agent.handle_message(shop.tenant_id, conversation, _QUESTION)
    assert again.response == "Returns are free for 60 days."
    assert again.metrics["cache_hit"] is False


async def test_product_questions_are_never_cached(runtime: Runtime, agent: AgentService, shop: Shop) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    for _ in range(2):
        turn = await agent.handle_message(shop.tenant_id, conversation, "price for 40 pcs of BOLT-M8-40?")
        assert turn.metrics["cache_hit"] is False
    assert agent.cache.stats(shop.tenant_id).entries == 0


async def test_a_question_about_it_is_answered_for_the_product_just_discussed_not_from_the_cache(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    question, answer = "can you cut it to size?", "Yes, aluminium plate is cut to size within 3 working days."
    async with runtime.db.transaction(shop.tenant_id) as session:
        await kb.create_faq(session, seed_actor(shop.tenant_id), data=FaqIn(question=question, answer=answer))
    await event_bus.drain()
    await runtime.knowledge.sync(shop.tenant_id)
    first = await open_conversation(runtime, shop.tenant_id)
    await agent.handle_message(shop.tenant_id, first, question)
    assert agent.cache.stats(shop.tenant_id).entries == 1
    plate = await open_conversation(runtime, shop.tenant_id)
    await agent.handle_message(shop.tenant_id, plate, "do you have AL-6061-10-500x500?")
    as_written = await agent.handle_message(shop.tenant_id, plate, question)
    assert as_written.response == answer
    bolts = await open_conversation(runtime, shop.tenant_id)
    await agent.handle_message(shop.tenant_id, bolts, "is BOLT-M8-40 in stock?")
    about_bolts = await agent.handle_message(shop.tenant_id, bolts, question)
    assert about_bolts.metrics["cache_hit"] is False
    assert about_bolts.response.startswith(answer) and "doesn't mention hex bolt" in about_bolts.response
    assert about_bolts.status == "answered"


async def test_warm_up_stats_and_clear_through_the_api(
    runtime: Runtime, agent_client: httpx.AsyncClient, agent: AgentService, shop: Shop, tenants: SeededTenants
) -> None:
    await _faq(runtime, shop.tenant_id, variants=["can I send goods back?"])
    admin = await login(agent_client, tenants.emails[Role.ADMIN])
    warmed = await agent_client.post("/api/v1/assistant/cache/warm-up", headers=admin)
    assert warmed.status_code == 200, warmed.text
    assert warmed.json()["data"]["added"] == 2 and warmed.json()["data"]["entries"] == 2

    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "can I send goods back?")
    assert turn.metrics["cache_hit"] is True and turn.response == _ANSWER

    viewer = await login(agent_client, tenants.emails[Role.VIEWER])
    stats = (await agent_client.get("/api/v1/assistant/cache/stats", headers=viewer)).json()["data"]
    assert stats == {"entries": 2, "hits": 1, "misses": 0, "hit_rate": 1.0}
    refused = await agent_client.delete("/api/v1/assistant/cache", headers=viewer)
    assert refused.status_code == 403

    cleared = await agent_client.delete("/api/v1/assistant/cache", headers=admin)
    assert cleared.json()["data"] == {"cleared": 2}
    stats = (await agent_client.get("/api/v1/assistant/cache/stats", headers=admin)).json()["data"]
    assert stats["entries"] == 0
    other = await login(agent_client, tenants.other_admin_email)
    others = (await agent_client.get("/api/v1/assistant/cache/stats", headers=other)).json()["data"]
    assert others == {"entries": 0, "hits": 0, "misses": 0, "hit_rate": 0.0}
