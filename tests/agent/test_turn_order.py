"""Turns of one conversation run one at a time, in arrival order; a message sent mid-turn is answered after."""

from __future__ import annotations

import asyncio

import pytest

from parley.agent.locks import ConversationLocks
from parley.agent.service import AgentService
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation
from tests.conftest import REDIS_URL


async def test_a_follow_up_sent_mid_turn_waits_for_the_turn_it_follows(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    texts = ["do you have 6061 aluminium plate 12 mm?", "and how much is it?", "is BOLT-M8-40 in stock?"]
    tasks = []
    for text in texts:
        tasks.append(asyncio.create_task(agent.handle_message(shop.tenant_id, conversation, text)))
        await asyncio.sleep(0)
    turns = await asyncio.gather(*tasks)
    assert "AL-6061-12-500x500" in turns[0].response
    assert "34.50" in turns[1].response
    assert "5000" in turns[2].response
    history = (await agent.state(conversation))["history"]
    assert [h["text"] for h in history if h["role"] == "customer"] == texts


async def _exclusive(locks: ConversationLocks, key: str, log: list[str], name: str) -> None:
    async with locks.hold(key):
        log.append(f"{name}:in")
        await asyncio.sleep(0.02)
        log.append(f"{name}:out")


async def test_the_in_process_lock_serves_waiters_first_come_first_served() -> None:
    locks = ConversationLocks()
    log: list[str] = []
    tasks = []
    for name in "abcd":
        tasks.append(asyncio.create_task(_exclusive(locks, "c1", log, name)))
        await asyncio.sleep(0)
    await asyncio.gather(*tasks)
    assert log == [f"{n}:{step}" for n in "abcd" for step in ("in", "out")]
    assert locks._local == {}


@pytest.mark.redis
async def test_the_redis_lock_lets_one_holder_in_at_a_time() -> None:
    first, second = ConversationLocks(REDIS_URL), ConversationLocks(REDIS_URL)
    log: list[str] = []
    try:
        await asyncio.gather(
            _exclusive(first, "conversation-lock-test", log, "a"),
            _exclusive(second, "conversation-lock-test", log, "b"),
        )
    finally:
        await first.aclose()
        await second.aclose()
    assert log in (["a:in", "a:out", "b:in", "b:out"], ["b:in", "b:out", "a:in", "a:out"])
