"""Prompt tokens per turn: Parley's LLM engine against a plain LangGraph ReAct agent, same model, same talk.

Run from the repository root: ``.venv/bin/python -m bench.tokens``. Prints rich tables and writes
``bench/results/tokens.json``.

Both agents talk to the same scripted model (:func:`bench.overhead.responder` behind
:mod:`parley.devtools.scripted_llm`, no delay) through the real ``langchain-openai`` client, on the same
four-turn conversation in the demo shop (product question, price for 40 pieces, stock, the customer's own
order status; see :mod:`bench.overhead`).

- Parley: ``AgentService.handle_message`` with the LLM engine (structured output for the intent, then only
  the intent's tools, history trimmed to the profile's token budget).
- ReAct: ``langgraph.prebuilt.create_react_agent`` (the prebuilt agent of the installed langgraph; its
  successor ``langchain.agents.create_agent`` is not installed) with Parley's system prompt, every operation
  tool the agent's principal may call (``langchain_tools(OPERATIONS, ...)``, the same set Parley's toolbox
  holds) and the full history (an in-memory checkpointer per conversation).

Prompt tokens are counted from what the server received, the same way for both: tiktoken ``cl100k_base``
over each request's messages (3 tokens per message, plus role, content, tool calls as JSON, tool call id)
and the JSON of its ``tools`` (the function schemas), plus 3 for the reply's priming. A turn's tokens are
the sum over every request made while answering it.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import importlib.util
import json
import os
import statistics
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from bench.overhead import TURNS, open_shop, responder
from parley.agent.service import AgentService
from parley.devtools.scripted_llm import FakeOpenAIServer

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "tokens.json"
GOAL_RATIO = 0.50
console = Console(width=140)


def _encoding() -> Any:
    """cl100k_base, offline: tiktoken downloads its files, so point it at a copy shipped with llama-index."""
    import tiktoken

    if "TIKTOKEN_CACHE_DIR" not in os.environ:
        spec = importlib.util.find_spec("llama_index.core")
        if spec and spec.submodule_search_locations:
            cache = Path(next(iter(spec.submodule_search_locations))) / "_static" / "tiktoken_cache"
            if cache.is_dir():
                os.environ["TIKTOKEN_CACHE_DIR"] = str(cache)
    return tiktoken.get_encoding("cl100k_base")


def prompt_tokens(body: dict[str, Any], encoding: Any) -> dict[str, int]:
    """Prompt tokens of one chat-completions request: its messages and its tool schemas."""

    def count(text: str) -> int:
        return len(encoding.encode(text, disallowed_special=()))

    messages = 3
    for message in body.get("messages", []):
        messages += 3 + count(message.get("role", ""))
        content = message.get("content")
        if isinstance(content, list):
            content = json.dumps(content)
        messages += count(content or "")
        if message.get("tool_calls"):
            messages += count(json.dumps(message["tool_calls"]))
        if message.get("tool_call_id"):
            messages += count(message["tool_call_id"])
    tools = count(json.dumps(body["tools"])) if body.get("tools") else 0
    return {"messages": messages, "tools": tools, "total": messages + tools}


async def run(folder: Path, *, conversations_n: int) -> dict[str, Any]:
    """Both agents over the same conversations; the requests each turn made, counted."""
    from langchain_core.messages import HumanMessage
    from langchain_openai import ChatOpenAI
    from langgraph.checkpoint.memory import InMemorySaver

    from parley.agent.llm.profile import BusinessProfile, system_prompt
    from parley.tools.agent_tools import langchain_tools
    from parley.tools.principal import agent_actor
    from parley.tools.registry import OPERATIONS

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # create_react_agent is deprecated in favour of langchain.agents
        from langgraph.prebuilt import create_react_agent

    encoding = _encoding()
    product: dict[str, str] = {}
    respond = responder(product)
    turns: dict[str, list[dict[str, Any]]] = {"parley": [], "react": []}
    with FakeOpenAIServer(respond=lambda body: respond(body)) as server:
        shop = await open_shop(folder, llm_base_url=server.base_url, slots=conversations_n)
        product.update(shop.product)
        agent = AgentService(shop.runtime, embedder=shop.runtime.knowledge.embedder)
        tools = langchain_tools(OPERATIONS, db=shop.runtime.db, actor=agent_actor(shop.tenant_id))
        model = ChatOpenAI(
            model=shop.runtime.settings.llm_model,
            base_url=server.base_url,
            api_key="not-needed",
            temperature=0,
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            react = create_react_agent(
                model, tools, prompt=system_prompt(BusinessProfile()), checkpointer=InMemorySaver()
            )
        try:
            for slot in range(conversations_n):
                conversation, texts = await shop.conversation(slot)
                for turn, text in zip(TURNS, texts, strict=True):
                    before = len(server.requests)
                    out = await agent.handle_message(shop.tenant_id, conversation, text)
                    turns["parley"].append(
                        {
                            "turn": turn.key,
                            "requests": server.requests[before:],
                            "reply": out.response,
                            "tools_called": [call["name"] for call in out.tool_calls],
                        }
                    )
                config = {"configurable": {"thread_id": f"react-{slot}"}}
                for turn, text in zip(TURNS, texts, strict=True):
                    before = len(server.requests)
                    state = await react.ainvoke({"messages": [HumanMessage(text)]}, config=config)
                    messages = state["messages"]
                    asked = max(i for i, m in enumerate(messages) if isinstance(m, HumanMessage))
                    called = [
                        call["name"]
                        for message in messages[asked + 1 :]
                        for call in getattr(message, "tool_calls", None) or []
                    ]
                    turns["react"].append(
                        {
                            "turn": turn.key,
                            "requests": server.requests[before:],
                            "reply": str(state["messages"][-1].content),
                            "tools_called": called,
                        }
                    )
        finally:
            await agent.aclose()
            await shop.runtime.close()

    all_tools_tokens = len(encoding.encode(json.dumps(_schemas(OPERATIONS, shop, langchain_tools))))
    result: dict[str, Any] = {"tools_offered_to_react": len(tools), "operations": len(OPERATIONS)}
    for name, rows in turns.items():
        per_turn = []
        for row in rows:
            counted = [prompt_tokens(body, encoding) for body in row["requests"]]
            per_turn.append(
                {
                    "turn": row["turn"],
                    "model_calls": len(counted),
                    "prompt_tokens": sum(c["total"] for c in counted),
                    "tool_schema_tokens": sum(c["tools"] for c in counted),
                    "tools_called": row["tools_called"],
                    "reply": row["reply"],
                }
            )
        result[name] = {
            "tokens_per_turn": statistics.fmean(t["prompt_tokens"] for t in per_turn),
            "calls_per_turn": statistics.fmean(t["model_calls"] for t in per_turn),
            "turns": per_turn[: len(TURNS)],
            "all_turns": len(per_turn),
        }
    react_requests = sum(len(row["requests"]) for row in turns["react"])
    offered = sum(
        prompt_tokens({"tools": body.get("tools")}, encoding)["tools"]
        for row in turns["react"]
        for body in row["requests"]
    )
    result["react_with_all_operations_tokens_per_turn"] = result["react"]["tokens_per_turn"] + (
        all_tools_tokens * react_requests - offered
    ) / len(turns["react"])
    return result


def _schemas(operations: Any, shop: Any, langchain_tools: Any) -> list[dict[str, Any]]:
    """The OpenAI function schemas of every operation, permitted or not (for the all-tools estimate)."""
    from langchain_core.utils.function_calling import convert_to_openai_tool

    from parley.tools.principal import agent_actor

    every = langchain_tools(
        operations, db=shop.runtime.db, actor=agent_actor(shop.tenant_id), only_permitted=False
    )
    return [convert_to_openai_tool(tool) for tool in every]


def print_report(result: dict[str, Any]) -> None:
    details = result["details"]
    parley, react = details["parley"], details["react"]
    table = Table(title="Prompt tokens per turn (cl100k_base over the requests the scripted server received)")
    for column in (
        "turn",
        "Parley calls",
        "Parley tokens",
        "ReAct calls",
        "ReAct tokens",
        "ReAct tool schemas",
    ):
        table.add_column(column, justify="left" if column == "turn" else "right")
    for ours, theirs in zip(parley["turns"], react["turns"], strict=True):
        table.add_row(
            ours["turn"],
            str(ours["model_calls"]),
            f"{ours['prompt_tokens']:,}",
            str(theirs["model_calls"]),
            f"{theirs['prompt_tokens']:,}",
            f"{theirs['tool_schema_tokens']:,}",
        )
    table.add_row(
        "mean per turn",
        f"{parley['calls_per_turn']:.2f}",
        f"{result['parley_tokens_per_turn']:,.0f}",
        f"{react['calls_per_turn']:.2f}",
        f"{result['react_tokens_per_turn']:,.0f}",
        "",
    )
    console.print(table)
    console.print(
        f"  ReAct got {details['tools_offered_to_react']} tools (the agent's permitted operations out of "
        f"{details['operations']}); with all {details['operations']} operations it would be about "
        f"{details['react_with_all_operations_tokens_per_turn']:,.0f} tokens per turn."
    )
    goals = Table(title="Goal")
    for column in ("metric", "measured", "goal", "met"):
        goals.add_column(column)
    ratio = result["ratio"]
    goals.add_row(
        "ratio (Parley / ReAct)", f"{ratio:.3f}", f"<= {GOAL_RATIO}", "yes" if ratio <= GOAL_RATIO else "no"
    )
    console.print(goals)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="Prompt tokens per turn: Parley against a ReAct agent.")
    parser.add_argument("--conversations", type=int, default=2, help="conversations of 4 turns")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        details = asyncio.run(run(Path(tmp), conversations_n=args.conversations))
    ours, theirs = details["parley"]["tokens_per_turn"], details["react"]["tokens_per_turn"]
    result = {
        "parley_tokens_per_turn": round(ours, 1),
        "react_tokens_per_turn": round(theirs, 1),
        "ratio": round(ours / theirs, 4),
        "details": {
            "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seconds": None,
            "counting": "tiktoken cl100k_base over each request's messages (3 + role + content + tool calls "
            "JSON + tool call id per message, 3 for priming) plus the JSON of its tool schemas; summed per turn",
            **details,
        },
    }
    result["details"]["seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print_report(result)
    console.print(f"wrote {RESULTS.relative_to(ROOT)} in {result['details']['seconds']} s")
    return result


if __name__ == "__main__":
    main()
