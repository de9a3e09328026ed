"""Turns share one compiled graph and one checkpointer per event loop, so concurrent conversations all finish."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from parley.agent.checkpoint import GraphPerLoop
from parley.agent.graph import build_graph
from parley.agent.service import AgentService
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation


async def test_every_turn_uses_the_same_compiled_graph(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    async with agent.graph() as before:
        await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    async with agent.graph() as after:
        assert after is before


async def test_twenty_conversations_at_once_are_all_answered(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversations = [await open_conversation(runtime, shop.tenant_id) for _ in range(20)]
    turns = await asyncio.gather(
        *(agent.handle_message(shop.tenant_id, c, "is BOLT-M8-40 in stock?") for c in conversations)
    )
    assert [t.metrics.get("error") for t in turns] == [None] * 20
    assert all("5000" in t.response for t in turns)
    for conversation in conversations:
        assert len((await agent.state(conversation))["history"]) == 2


def test_each_event_loop_opens_its_own_checkpointer_and_closes_it_with_the_loop(tmp_path: Path) -> None:
    graphs = GraphPerLoop(f"sqlite+aiosqlite:///{tmp_path / 'parley.db'}", tmp_path, build_graph)

    async def twice() -> Any:
        first, second = await asyncio.gather(graphs.get(), graphs.get())
        assert first is second
        return first

    one = asyncio.run(twice())  # never closed by hand: the loop's shutdown closes it
    assert one.checkpointer.conn._connection is None

    async def run_and_close() -> Any:
        graph = await twice()
        await graphs.aclose()
        return graph

    other = asyncio.run(run_and_close())
    assert other is not one
    assert other.checkpointer.conn._connection is None
