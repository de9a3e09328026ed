"""The LLM engine through the real langchain-openai client against a local OpenAI-compatible server."""

from __future__ import annotations

from pathlib import Path

import pytest

from parley.agent.conversations.schemas import TurnOut
from parley.agent.llm.engine import LLMEngine
from parley.agent.service import AgentService
from parley.devtools.scripted_llm import FakeOpenAIServer
from parley.runtime import Runtime
from tests.agent.conftest import Shop, open_conversation, scripted_llm
from tests.fakes.embedder import HashingEmbedder


def _understood(intent: str, **extra: object) -> dict:
    return {"tool_calls": [("Understood", {"intent": intent, "confidence": 0.93, **extra})]}


def _engine(runtime: Runtime, server: FakeOpenAIServer, tmp_path: Path, timeout: float = 5.0) -> LLMEngine:
    return scripted_llm(runtime, server, tmp_path, llm_timeout_s=timeout)


async def _agent(runtime: Runtime, engine: LLMEngine, embedder: HashingEmbedder) -> AgentService:
    return AgentService(runtime, embedder=embedder, llm=engine)


_IN_STOCK = "We have 5000 pcs of BOLT-M8-40 in stock."


async def _ask_stock(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, tmp_path: Path, understanding: dict
) -> tuple[TurnOut, FakeOpenAIServer]:
    """ "is BOLT-M8-40 in stock?" to a model that reads it as given, then checks the stock and answers."""
    script = [
        understanding,
        {"tool_calls": [("check_stock", {"product_id": str(shop.products["BOLT-M8-40"])})]},
        {"content": _IN_STOCK},
    ]
    with FakeOpenAIServer(script) as server:
        agent = await _agent(runtime, _engine(runtime, server, tmp_path), embedder)
        conversation = await open_conversation(runtime, shop.tenant_id)
        turn = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    return turn, server


async def test_the_llm_calls_the_intents_tools_and_writes_the_reply(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    understanding = _understood("stock_check", product="BOLT-M8-40")
    turn, server = await _ask_stock(runtime, shop, embedder, tmp_path, understanding)
    assert turn.intent == "stock_check"
    assert turn.response == _IN_STOCK
    assert [call["name"] for call in turn.tool_calls] == ["search_products", "check_stock"]
    assert turn.tool_calls[-1]["result"]["available"] == 5000
    assert "BOLT-M8-40" in server.requests[1]["messages"][1]["content"]  # the catalog match is in context
    offered = {tool["function"]["name"] for tool in server.requests[1]["tools"]}
    assert offered == {"find_products", "search_products", "check_stock"}  # only the tools the intent needs
    assert turn.metrics["engine"] == "llm" and turn.metrics["fallbacks"] == []


async def test_a_rate_limited_endpoint_is_retried_before_it_answers(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    script = [
        {"status": 429},
        _understood("greeting"),
        {"status": 503},
        {"content": "Hello! How can I help?"},
    ]
    with FakeOpenAIServer(script) as server:
        agent = await _agent(runtime, _engine(runtime, server, tmp_path), embedder)
        conversation = await open_conversation(runtime, shop.tenant_id)
        turn = await agent.handle_message(shop.tenant_id, conversation, "hi")
    assert turn.response == "Hello! How can I help?"
    assert len(server.requests) == 4


async def test_a_dead_endpoint_falls_back_to_the_offline_engine(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    with FakeOpenAIServer([{"status": 500}] * 6) as server:
        agent = await _agent(runtime, _engine(runtime, server, tmp_path), embedder)
        conversation = await open_conversation(runtime, shop.tenant_id)
        turn = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    assert "5000 pcs are in stock" in turn.response
    assert turn.metrics["fallbacks"] == ["detect_intent", "act"]


async def test_a_slow_endpoint_times_out_and_the_offline_engine_answers(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    with FakeOpenAIServer([{"delay": 1.5, "content": "late"}] * 6) as server:
        engine = _engine(runtime, server, tmp_path, timeout=0.3)
        engine.model.max_retries = 0
        agent = await _agent(runtime, engine, embedder)
        conversation = await open_conversation(runtime, shop.tenant_id)
        turn = await agent.handle_message(shop.tenant_id, conversation, "hello")
    assert turn.response.startswith("Hello!")
    assert "detect_intent" in turn.metrics["fallbacks"]


async def test_malformed_tool_calls_fall_back_to_the_offline_engine(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    script = [
        _understood("stock_check"),
        {"tool_calls": [("check_stock", "{not json")]},
        {"tool_calls": [("drop_database", {})]},
    ]
    with FakeOpenAIServer(script) as server:
        agent = await _agent(runtime, _engine(runtime, server, tmp_path), embedder)
        conversation = await open_conversation(runtime, shop.tenant_id)
        turn = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    assert "5000 pcs are in stock" in turn.response
    assert turn.metrics["fallbacks"] == ["act"]


@pytest.mark.parametrize(
    "understanding",
    [
        {"content": "This is a stock question."},  # text instead of the function
        {"tool_calls": [("Understood", {"intent": "buy_everything", "confidence": 2})]},  # outside the schema
    ],
    ids=["text", "invalid-fields"],
)
async def test_an_understanding_outside_the_schema_falls_back_to_the_offline_classifier(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, tmp_path: Path, understanding: dict
) -> None:
    turn, server = await _ask_stock(runtime, shop, embedder, tmp_path, understanding)
    assert turn.intent == "stock_check"
    assert turn.response == _IN_STOCK
    assert turn.metrics["fallbacks"] == ["detect_intent"]
    assert server.requests[0]["tool_choice"]["function"]["name"] == "Understood"


async def test_with_the_llm_an_order_is_still_proposed_and_placed_by_the_planner_only(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder, tmp_path: Path
) -> None:
    script = [
        _understood("place_order", product="BOLT-M8-40", quantity=40),
        _understood("greeting"),  # the model misreads the "yes"; the proposal still stands for it
    ]
    with FakeOpenAIServer(script) as server:
        agent = await _agent(runtime, _engine(runtime, server, tmp_path), embedder)
        conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
        proposed = await agent.handle_message(
            shop.tenant_id, conversation, "I want to order 40 pcs of BOLT-M8-40"
        )
        placed = await agent.handle_message(shop.tenant_id, conversation, "yes")
    assert proposed.intent == "place_order" and 'Reply "yes" to confirm' in proposed.response
    assert [call["name"] for call in placed.tool_calls] == ["create_order"]
    assert placed.tool_calls[0]["result"]["number"] in placed.response
    assert len(server.requests) == 2  # one understanding per turn; no model ever chose to order
    assert all(
        "tools" not in request or "create_order" not in str(request["tools"]) for request in server.requests
    )
