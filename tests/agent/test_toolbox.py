"""The toolbox's prefetch: a read started early is taken by the step that asks for it, and only then counted."""

from __future__ import annotations

import asyncio

import pytest
from langchain_core.tools import StructuredTool

from parley.agent.toolbox import StepLimitReached, ToolBox


class _Catalog:
    """A search tool that counts how often it really ran, and can be held until released."""

    def __init__(self) -> None:
        self.searched: list[str] = []
        self.released = asyncio.Event()
        self.released.set()

    def tool(self) -> StructuredTool:
        async def search_products(search: str) -> str:
            await self.released.wait()
            self.searched.append(search)
            return f'{{"items": [{{"sku": "{search.upper()}"}}]}}'

        return StructuredTool.from_function(
            coroutine=search_products, name="search_products", description="find"
        )


async def test_a_prefetched_search_is_taken_by_the_same_call_and_recorded_once() -> None:
    catalog = _Catalog()
    tools = ToolBox.of([catalog.tool()])
    tools.prefetch("search_products", {"search": "m8"})
    await asyncio.sleep(0.01)  # the turn waits for something else (the model) meanwhile
    assert catalog.searched == ["m8"] and tools.calls == []
    result = await tools.call("search_products", search="m8")
    assert result.data == {"items": [{"sku": "M8"}]}
    assert catalog.searched == ["m8"]  # ran once, not again for the call
    assert [(c["name"], c["arguments"]) for c in tools.calls] == [("search_products", {"search": "m8"})]


async def test_a_call_with_other_arguments_does_not_take_the_prefetch() -> None:
    catalog = _Catalog()
    tools = ToolBox.of([catalog.tool()])
    tools.prefetch("search_products", {"search": "m8"})
    result = await tools.call("search_products", search="bolt")
    assert result.data == {"items": [{"sku": "BOLT"}]}
    await tools.settle()
    assert sorted(catalog.searched) == ["bolt", "m8"]
    assert [c["arguments"] for c in tools.calls] == [{"search": "bolt"}]


async def test_a_prefetch_no_step_takes_is_neither_recorded_nor_counted_and_settles_with_the_turn() -> None:
    catalog = _Catalog()
    catalog.released.clear()
    tools = ToolBox.of([catalog.tool()], max_steps=1)
    tools.prefetch("search_products", {"search": "m8"})
    tools.prefetch("search_products", {"search": "m8"})  # the same read is started once
    settling = asyncio.ensure_future(tools.settle())
    await asyncio.sleep(0.01)
    assert not settling.done()  # it waits for the read still running
    catalog.released.set()
    await settling
    assert catalog.searched == ["m8"]
    assert tools.calls == []
    await tools.call("search_products", search="bolt")  # the one step the budget allows is still there
    with pytest.raises(StepLimitReached):
        await tools.call("search_products", search="m8")


async def test_prefetching_a_tool_the_turn_may_not_use_does_nothing() -> None:
    tools = ToolBox.of([_Catalog().tool()])
    tools.prefetch("create_order", {"lines": []})
    await tools.settle()
    assert tools.calls == []


async def test_a_prefetch_after_an_event_waits_for_it() -> None:
    catalog = _Catalog()
    tools = ToolBox.of([catalog.tool()])
    sent = asyncio.Event()
    tools.prefetch("search_products", {"search": "m8"}, after=sent)
    await asyncio.sleep(0.01)
    assert catalog.searched == []  # the model request is not out yet
    sent.set()
    result = await tools.call("search_products", search="m8")
    assert result.data == {"items": [{"sku": "M8"}]} and catalog.searched == ["m8"]
