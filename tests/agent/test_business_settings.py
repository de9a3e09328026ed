"""A business's settings changed between turns are used on the next turn, by every process's agent."""

from __future__ import annotations

import httpx
import pytest

from parley.agent.reply_templates import (
    TemplateIn,
    TemplatePatch,
    create_template,
    delete_template,
    update_template,
)
from parley.agent.service import AgentService
from parley.demo.seed import seed_actor
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation
from tests.fakes.embedder import HashingEmbedder
from tests.support.tenants import SeededTenants, set_thresholds

pytestmark = pytest.mark.backend("sqlite")

_HUMAN = "I want to speak to a human please"
_DEFAULT_HANDOFF = "I'm passing this to a colleague, who will answer you here shortly."


async def _handoff(runtime: Runtime, agent: AgentService, shop: Shop) -> str:
    """The hand-over reply in a new conversation (the last one is with a person now)."""
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, _HUMAN)
    assert turn.status == "handed_over"
    return turn.response


async def test_a_reply_template_created_changed_and_removed_elsewhere_reaches_the_next_turn(
    runtime: Runtime, agent: AgentService, embedder: HashingEmbedder, shop: Shop
) -> None:
    other_process = AgentService(runtime, embedder=embedder)
    actor = seed_actor(shop.tenant_id)
    try:
        assert await _handoff(runtime, agent, shop) == _DEFAULT_HANDOFF
        assert await _handoff(runtime, other_process, shop) == _DEFAULT_HANDOFF
        async with runtime.db.transaction(shop.tenant_id) as session:
            created = await create_template(
                session,
                actor,
                data=TemplateIn(key="handoff", language="en", text="Our team lead takes it from here."),
            )
        assert await _handoff(runtime, agent, shop) == "Our team lead takes it from here."
        assert await _handoff(runtime, other_process, shop) == "Our team lead takes it from here."
        async with runtime.db.transaction(shop.tenant_id) as session:
            await update_template(
                session, actor, created.id, data=TemplatePatch(text="Anna from sales takes it from here.")
            )
        assert await _handoff(runtime, other_process, shop) == "Anna from sales takes it from here."
        async with runtime.db.transaction(shop.tenant_id) as session:
            await delete_template(session, actor, created.id)
        assert await _handoff(runtime, other_process, shop) == _DEFAULT_HANDOFF
        assert await _handoff(runtime, agent, shop) == _DEFAULT_HANDOFF
    finally:
        await other_process.aclose()


async def test_the_message_limit_set_between_turns_stops_the_conversation_past_it(
    runtime: Runtime, agent: AgentService, agent_client: httpx.AsyncClient, shop: Shop, tenants: SeededTenants
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    first = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    assert first.status == "answered"
    await set_thresholds(agent_client, tenants, maxMessagesPerConversation=2)
    second = await agent.handle_message(shop.tenant_id, conversation, "and BOLT-M10-50?")
    assert second.status == "answered"
    third = await agent.handle_message(shop.tenant_id, conversation, "and BOLT-M12-60?")
    assert third.guardrails["input"]["verdict"] == "block"
    assert third.guardrails["input"]["rule"] == "rate.max_messages"
    assert third.tool_calls == [] and "BOLT-M12-60" not in third.response
