"""The engine's OpenAI client sends what the SDK's own client sends, and keeps the SDK's retries and errors."""

from __future__ import annotations

import asyncio

import openai
import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_openai import ChatOpenAI

from parley.agent.llm.client import openai_clients
from parley.agent.llm.engine import Understood
from parley.agent.llm.sending import signal_when_sent
from parley.devtools.scripted_llm import FakeOpenAIServer

_CONVERSATION = [
    SystemMessage("You answer for Demo Metals."),
    HumanMessage("is BOLT-M8-40 in stock?"),
    AIMessage("", tool_calls=[{"id": "call_1", "name": "check_stock", "args": {"product_id": "p-1"}}]),
    ToolMessage('{"available": 5000}', tool_call_id="call_1"),
    HumanMessage("and 40 pieces of AL-6061-10, what's the price with 5% off?"),
]


def _model(server: FakeOpenAIServer, *, direct: bool) -> ChatOpenAI:
    endpoint = {"base_url": server.base_url, "api_key": "not-needed", "timeout": 5.0}
    clients = openai_clients(**endpoint, max_retries=2) if direct else {}
    return ChatOpenAI(model="gpt-4o-mini", temperature=0, max_retries=2, **endpoint, **clients)


async def test_a_request_with_history_and_tools_goes_out_exactly_as_the_sdk_sends_it() -> None:
    script = [{"tool_calls": [("Understood", {"intent": "price_quote", "confidence": 0.9})]}] * 2
    with FakeOpenAIServer(script) as server:
        for direct in (False, True):
            model = _model(server, direct=direct).bind_tools(
                [Understood], tool_choice="Understood", parallel_tool_calls=False
            )
            reply = await model.ainvoke(_CONVERSATION)
            assert reply.tool_calls[0]["args"] == {"intent": "price_quote", "confidence": 0.9}
    sdk, direct_body = server.requests
    assert direct_body == sdk
    assert [m["role"] for m in direct_body["messages"]] == ["system", "user", "assistant", "tool", "user"]
    assert direct_body["tools"][0]["function"]["name"] == "Understood"


async def test_a_plain_text_answer_and_its_usage_are_read_back() -> None:
    with FakeOpenAIServer([{"content": "We have 5000 in stock."}]) as server:
        reply = await _model(server, direct=True).ainvoke([HumanMessage("stock?")])
    assert reply.content == "We have 5000 in stock."
    assert reply.usage_metadata is not None and reply.usage_metadata["input_tokens"] > 0


async def test_a_rate_limit_is_retried_and_a_server_error_is_raised_as_the_sdk_raises_it() -> None:
    with FakeOpenAIServer([{"status": 429}, {"content": "hello"}]) as server:
        reply = await _model(server, direct=True).ainvoke([HumanMessage("hi")])
        assert reply.content == "hello" and len(server.requests) == 2
    with FakeOpenAIServer([{"status": 400}]) as server, pytest.raises(openai.BadRequestError):
        await _model(server, direct=True).ainvoke([HumanMessage("hi")])


async def test_work_waiting_for_the_request_starts_once_the_body_is_sent_not_when_the_answer_is_back() -> (
    None
):
    with FakeOpenAIServer([{"content": "hello", "delay": 0.5}, {"content": "again"}]) as server:
        model = _model(server, direct=True)
        sent = asyncio.Event()
        with signal_when_sent(sent):
            answer = asyncio.ensure_future(model.ainvoke([HumanMessage("hi")]))
        assert not sent.is_set()  # nothing has left yet
        await asyncio.wait_for(sent.wait(), timeout=0.4)
        for _ in range(40):  # the server's thread takes the request in
            if server.requests:
                break
            await asyncio.sleep(0.005)
        assert not answer.done()  # the body was out well before the answer (the server thinks for 0.5 s)
        assert (await answer).content == "hello"
        sent.clear()
        await model.ainvoke([HumanMessage("hi again")])  # a request outside the context marks nothing
        assert not sent.is_set() and len(server.requests) == 2
