"""Conversation memory lives in the checkpointer, so a fresh process resumes where the last one stopped."""

from __future__ import annotations

from parley.agent.checkpoint import psycopg_url
from parley.agent.service import AgentService
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation
from tests.fakes.embedder import HashingEmbedder


async def test_a_new_agent_instance_resumes_the_conversation_from_its_checkpoint(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    first = AgentService(runtime, embedder=embedder)
    await first.handle_message(shop.tenant_id, conversation, "do you have 6061 aluminium plate 12 mm?")
    await first.aclose()

    fresh = AgentService(Runtime.build(runtime.settings), embedder=embedder)
    try:
        remembered = await fresh.state(conversation)
        assert remembered["memory"]["last_product"]["sku"] == "AL-6061-12-500x500"
        turn = await fresh.handle_message(shop.tenant_id, conversation, "and how much is it?")
        assert "34.50" in turn.response
        assert len((await fresh.state(conversation))["history"]) == 4
    finally:
        await fresh.aclose()
        await fresh.runtime.close()


def test_the_postgres_checkpointer_gets_a_plain_psycopg_url() -> None:
    url = psycopg_url("postgresql+asyncpg://postgres:secret@127.0.0.1:5432/parley")
    assert url == "postgresql://postgres:secret@127.0.0.1:5432/parley"
