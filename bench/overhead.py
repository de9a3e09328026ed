"""What Parley adds to a turn: with an LLM (against the model's own latency) and with the offline engine.

Run from the repository root: ``.venv/bin/python -m bench.overhead``. Prints rich tables and writes
``bench/results/overhead.json``.

The conversation (both parts): a product question, the price for a quantity, stock, and the status of the
customer's own order, in the demo shop (``parley.demo.seed.seed_demo``) on a fresh SQLite database in a
temporary folder, with the packaged MiniLM embedder. Turns go through ``AgentService.handle_message``, the
entry point of the API, the web chat and the channels, so each turn includes storing the message, the
conversation lock, the checkpoint, the graph and storing the reply.

LLM part: a local OpenAI-compatible server (:mod:`parley.devtools.scripted_llm`), in a process of its own
(:class:`ModelProcess`; before 2026-11-25 it ran in a thread of Parley's process), answers every request after
a fixed delay (200 ms) with the scripted model of :func:`responder`; conversations run one after another.
For each turn, ``ratio = turn wall time / sum of the server-side durations of the model requests made during
the turn`` (request read to response written, so the model's time includes the fixed delay and the server's
own JSON work, and everything else, including the HTTP client, is Parley's). The baseline, measured in the
same run, is a bare ``ChatOpenAI.ainvoke`` against the same server: its client time over the same
server-side time.

Offline part: no LLM configured; ``--concurrency`` (20) workers each run ``--rounds`` conversations of the
four turns, all at once; p50/p95 turn latency and turns per second over the whole run. The baselines are the
same turns one at a time, and the MiniLM embedding of one message alone (every turn embeds its message once).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import multiprocessing
import os
import re
import statistics
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from rich.console import Console
from rich.table import Table

from parley.agent.conversations import service as conversations
from parley.agent.service import AgentService
from parley.core.migrate import upgrade
from parley.core.settings import Settings
from parley.demo.catalog import DEMO_CUSTOMERS
from parley.demo.seed import seed_actor, seed_demo
from parley.devtools.scripted_llm import FakeOpenAIServer
from parley.knowledge.embeddings import get_embedder
from parley.runtime import Runtime

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "overhead.json"
PRODUCT_SKU = "AL-6061-10-500x500"
GOAL_RATIO = 1.10
console = Console(width=140)


# ---------------------------------------------------------------- the conversation and the scripted model


@dataclass(frozen=True)
class Turn:
    """One customer message, what the scripted model understands from it, and what it needs to answer."""

    key: str
    text: str
    understood: dict[str, Any]
    needs: str  # "product" (know the product), a tool name, or "order" (look the order up by number)
    answer: str


TURNS: tuple[Turn, ...] = (
    Turn(
        "product",
        "Do you have 6061 aluminium plate 10 mm, 500x500?",
        {"intent": "product_question", "product": "6061 aluminium plate 10 mm"},
        "product",
        f"Yes, we stock {PRODUCT_SKU}: 6061-T6 aluminium plate, 10 mm, 500 x 500 mm.",
    ),
    Turn(
        "price",
        "What would 40 pieces cost?",
        {"intent": "price_quote", "quantity": 40},
        "calculate_price",
        "Here is the price for 40 pieces, from our price list.",
    ),
    Turn(
        "stock",
        "How many do you have in stock?",
        {"intent": "stock_check"},
        "check_stock",
        "Yes, it is in stock.",
    ),
    Turn(
        "order",
        "What is the status of my order {order}?",
        {"intent": "order_status"},
        "order",
        "Your order is pending; we will confirm it shortly.",
    ),
)
_ORDER = re.compile(r"ORD-\d{4}-\d+")


def _turn_of(text: str) -> Turn | None:
    for turn in TURNS:
        if text == turn.text or (turn.key == "order" and _ORDER.search(text)):
            return turn
    return None


def responder(product: dict[str, str]) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """The scripted model, the same for Parley and for the ReAct baseline.

    It reads the turn from the last user message and answers with one step at a time: the ``Understood``
    structured output when that is the tool it must call; otherwise the next tool the turn needs, if it is
    offered and not yet called since the user's message; otherwise the turn's final text. It uses only what
    the request shows: when the product's id is nowhere in the request it searches for the product first,
    and a need whose tools are not offered is answered without them.
    """

    def respond(body: dict[str, Any]) -> dict[str, Any]:
        messages = body.get("messages", [])
        offered = {tool["function"]["name"] for tool in body.get("tools", [])}
        last_user = max((i for i, m in enumerate(messages) if m.get("role") == "user"), default=-1)
        text = str(messages[last_user].get("content", "")) if last_user >= 0 else ""
        turn = _turn_of(text)
        if turn is None:
            return {"content": "Hello! How can I help?"}
        order = _ORDER.search(text)
        if "Understood" in offered:
            args = {**turn.understood, "confidence": 0.95}
            if order:
                args["order_number"] = order.group(0)
            return {"tool_calls": [("Understood", args)]}
        called = [
            call["function"]["name"] for m in messages[last_user + 1 :] for call in m.get("tool_calls") or []
        ]
        seen = json.dumps(messages)
        unknown = turn.needs in ("product", "calculate_price", "check_stock") and product["id"] not in seen
        if unknown and "search_products" in offered and "search_products" not in called:
            return {"tool_calls": [("search_products", {"search": "6061-T6 10 mm 500x500"})]}
        step: tuple[str, dict[str, Any]] | None = None
        if turn.needs == "calculate_price":
            step = ("calculate_price", {"lines": [{"sku": product["sku"], "quantity": 40}]})
        elif turn.needs == "check_stock":
            step = ("check_stock", {"product_id": product["id"]})
        elif turn.needs == "order" and order:
            if "search_orders" in offered:
                step = ("search_orders", {"search": order.group(0)})
            elif "get_order_by_number" in offered:
                step = ("get_order_by_number", {"number": order.group(0)})
        if step and step[0] in offered and step[0] not in called:
            return {"tool_calls": [step]}
        return {"content": turn.answer}

    return respond


class ModelProcess:
    """The scripted model served from a process of its own, as a real endpoint is never in Parley's.

    In Parley's process the server's thread waited for Parley's interpreter lock to take a request in and to
    write its answer, and Parley's work waited for the server's: time counted against whichever turn was
    running. ``perf_counter`` is the system's monotonic clock, so the server's timings compare with the turns'.
    """

    def __init__(self, delay: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, delay), daemon=True)
        self.base_url = ""

    def __enter__(self) -> ModelProcess:
        self._process.start()
        self.base_url = self._conn.recv()
        return self

    def know(self, product: dict[str, str]) -> None:
        """Tell the scripted model the demo product it answers about (it replies when it has it)."""
        self._conn.send(("product", product))
        self._conn.recv()

    def timings(self) -> list[tuple[float, float]]:
        """When the server started and finished each request so far."""
        self._conn.send(("timings", None))
        return self._conn.recv()

    def __exit__(self, *_exc: object) -> None:
        self._conn.send(("stop", None))
        self._process.join(timeout=10)


def _serve(conn: Any, delay: float) -> None:
    product: dict[str, str] = {}
    respond = responder(product)
    with FakeOpenAIServer(respond=lambda body: respond(body), delay=delay) as server:
        conn.send(server.base_url)
        while True:
            command, value = conn.recv()
            if command == "product":
                product.update(value)
                conn.send(True)
            elif command == "timings":
                conn.send(list(server.timings))
            else:
                return


# ---------------------------------------------------------------- the shop


@dataclass
class Shop:
    """The demo shop on a fresh database, with one conversation (and one order) per customer slot."""

    runtime: Runtime
    tenant_id: uuid.UUID
    product: dict[str, str]
    orders: list[tuple[uuid.UUID, str]]  # (customer id, order number), one per slot

    async def conversation(self, slot: int) -> tuple[uuid.UUID, list[str]]:
        """A new web conversation of the slot's customer, and the four messages of its script."""
        customer_id, number = self.orders[slot % len(self.orders)]
        async with self.runtime.db.transaction(self.tenant_id) as session:
            conversation = await conversations.create_conversation(
                session, None, channel="web", customer_id=customer_id
            )
        return conversation.id, [turn.text.format(order=number) for turn in TURNS]


async def open_shop(folder: Path, *, llm_base_url: str | None = None, slots: int = 1) -> Shop:
    """Migrate a SQLite database in the folder, seed the demo shop and give each slot a customer and an order."""
    from sqlalchemy import select

    from parley.tools.customers.models import Customer
    from parley.tools.orders.service import create_order
    from parley.tools.pricing.schemas import LineIn
    from parley.tools.products.models import Product

    url = f"sqlite+aiosqlite:///{folder / 'parley.db'}"
    await asyncio.to_thread(upgrade, url)
    settings = Settings(
        environment="development",
        database_url=url,
        data_dir=folder,
        llm_base_url=llm_base_url,
        _env_file=None,
    )
    runtime = Runtime.build(settings, embedder=get_embedder())
    tenant_id = await seed_demo(runtime.db)
    actor = seed_actor(tenant_id)
    orders: list[tuple[uuid.UUID, str]] = []
    async with runtime.db.transaction(tenant_id) as session:
        product = await session.scalar(select(Product).where(Product.sku == PRODUCT_SKU))
        if product is None:
            raise RuntimeError(f"the demo catalog has no {PRODUCT_SKU}")
        customers = list(await session.scalars(select(Customer.id).order_by(Customer.email)))
        for slot in range(min(slots, 50)):
            customer_id = customers[slot % len(DEMO_CUSTOMERS)]
            order = await create_order(
                session, actor, customer_id=customer_id, lines=[LineIn(sku=PRODUCT_SKU, quantity=4)]
            )
            orders.append((customer_id, order.number))
    return Shop(runtime, tenant_id, {"id": str(product.id), "sku": product.sku}, orders)


# ---------------------------------------------------------------- measuring


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * q
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(_pct(values, 0.50), 4),
        "p95": round(_pct(values, 0.95), 4),
        "mean": round(statistics.fmean(values), 4) if values else float("nan"),
        "max": round(max(values), 4) if values else float("nan"),
        "n": len(values),
    }


def _where(turn_ms: float, metrics: dict[str, Any], model_ms: float = 0.0) -> dict[str, float]:
    """Where a turn's time went: the model, the graph's nodes (without the model), the graph's plumbing
    (checkpointer, compiling, checkpoint writes, guard set-up) and the service around the graph (storing the
    message and the reply, the lock, loading the conversation)."""
    nodes = sum((metrics.get("latency_ms") or {}).values())
    total = metrics.get("total_ms", nodes)
    return {
        "model": model_ms,
        "nodes_without_model": nodes - model_ms,
        "graph_plumbing": total - nodes,
        "service_around_graph": turn_ms - total,
    }


def _mean_where(rows: list[dict[str, float]]) -> dict[str, float]:
    return {key: round(statistics.fmean(row[key] for row in rows), 1) for key in rows[0]} if rows else {}


async def run_llm(folder: Path, *, conversations_n: int, delay: float) -> dict[str, Any]:
    """The scripted conversation with the LLM engine, one turn at a time; ratios per turn."""
    from langchain_core.messages import HumanMessage
    from langchain_openai import ChatOpenAI

    with ModelProcess(delay) as server:
        shop = await open_shop(folder, llm_base_url=server.base_url, slots=conversations_n + 1)
        server.know(shop.product)
        agent = AgentService(shop.runtime, embedder=shop.runtime.knowledge.embedder)
        await agent.warm_up()
        try:
            # one conversation to warm up (first client, first checkpoint tables), not measured
            conversation, texts = await shop.conversation(conversations_n)
            for text in texts:
                await agent.handle_message(shop.tenant_id, conversation, text)
            windows: list[tuple[str, float, float, dict[str, Any], str]] = []
            for slot in range(conversations_n):
                conversation, texts = await shop.conversation(slot)
                for turn, text in zip(TURNS, texts, strict=True):
                    started = time.perf_counter()
                    out = await agent.handle_message(shop.tenant_id, conversation, text)
                    windows.append((turn.key, started, time.perf_counter(), out.metrics, out.response))
            # the baseline: the bare client against the same server and delay
            model = ChatOpenAI(
                model=shop.runtime.settings.llm_model,
                base_url=server.base_url,
                api_key="not-needed",
                temperature=0,
            )
            raw: list[tuple[float, float]] = []
            for _ in range(20):
                started = time.perf_counter()
                await model.ainvoke([HumanMessage("hi")])
                raw.append((started, time.perf_counter()))
            timings = server.timings()
        finally:
            await agent.aclose()
            await shop.runtime.close()

    def served_within(start: float, end: float) -> list[float]:
        # The server notes a request's end after writing the answer, so on a busy machine the client can be
        # done first: a request belongs to the window it started in, and its end is capped at the window's.
        return [min(b, end) - a for a, b in timings if start <= a < end]

    ratios, overhead_ms, calls, by_turn = [], [], [], defaultdict(list)
    nodes: dict[str, list[float]] = defaultdict(list)
    fallbacks = 0
    where = []
    for key, start, end, metrics, _reply in windows:
        model_s = sum(served_within(start, end))
        where.append(_where((end - start) * 1000, metrics, model_s * 1000))
        ratio = (end - start) / model_s if model_s else float("nan")
        ratios.append(ratio)
        overhead_ms.append((end - start - model_s) * 1000)
        calls.append(len(served_within(start, end)))
        by_turn[key].append(ratio)
        fallbacks += bool(metrics.get("fallbacks"))
        for node, ms in (metrics.get("latency_ms") or {}).items():
            nodes[node].append(ms)
    raw_ratios = []
    for start, end in raw:
        served = served_within(start, end)
        raw_ratios.append((end - start) / sum(served))
    return {
        "turns": len(windows),
        "delay_s": delay,
        "ratio": _summary(ratios),
        "overhead_ms": _summary(overhead_ms),
        "model_calls_per_turn": _summary([float(c) for c in calls]),
        "ratio_p95_by_turn": {key: round(_pct(v, 0.95), 4) for key, v in by_turn.items()},
        "node_ms_mean": {node: round(statistics.fmean(v), 1) for node, v in nodes.items()},
        "turns_with_fallbacks": fallbacks,
        "where_ms_mean": _mean_where(where),
        "baseline_raw_call_ratio": _summary(raw_ratios),
        "sample_replies": [reply for _k, _s, _e, _m, reply in windows[: len(TURNS)]],
    }


async def run_offline(folder: Path, *, concurrency: int, rounds: int, sequential: int) -> dict[str, Any]:
    """The conversation with the offline engine: one at a time, then ``concurrency`` at once."""
    shop = await open_shop(folder, slots=concurrency)
    agent = AgentService(shop.runtime, embedder=shop.runtime.knowledge.embedder)
    await agent.warm_up()
    embedder = shop.runtime.knowledge.embedder
    try:

        async def conversation(slot: int, into: list[dict[str, Any]]) -> None:
            conversation_id, texts = await shop.conversation(slot)
            for turn, text in zip(TURNS, texts, strict=True):
                started = time.perf_counter()
                out = await agent.handle_message(shop.tenant_id, conversation_id, text)
                into.append(
                    {
                        "turn": turn.key,
                        "ms": (time.perf_counter() - started) * 1000,
                        "intent": out.intent,
                        "status": out.status,
                        "failed": (out.metrics or {}).get("error") == "turn_failed",
                        "reply": out.response,
                        "nodes": (out.metrics or {}).get("latency_ms", {}),
                        "where": _where((time.perf_counter() - started) * 1000, out.metrics or {}),
                    }
                )

        await conversation(0, [])  # warm-up, not measured
        embed_ms = []
        for _ in range(30):
            started = time.perf_counter()
            await asyncio.to_thread(embedder.embed, ["What is the status of my order ORD-2026-00001?"])
            embed_ms.append((time.perf_counter() - started) * 1000)
        alone: list[dict[str, Any]] = []
        for slot in range(sequential):
            await conversation(slot, alone)

        concurrent: list[dict[str, Any]] = []

        async def worker(slot: int) -> None:
            for _ in range(rounds):
                await conversation(slot, concurrent)

        started = time.perf_counter()
        await asyncio.gather(*(worker(slot) for slot in range(concurrency)))
        wall = time.perf_counter() - started
    finally:
        await agent.aclose()
        await shop.runtime.close()

    def node_means(rows: list[dict[str, Any]]) -> dict[str, float]:
        nodes: dict[str, list[float]] = defaultdict(list)
        for row in rows:
            for node, ms in row["nodes"].items():
                nodes[node].append(ms)
        return {node: round(statistics.fmean(v), 1) for node, v in nodes.items()}

    return {
        "concurrency": concurrency,
        "turns": len(concurrent),
        "wall_s": round(wall, 2),
        "turn_ms": _summary([r["ms"] for r in concurrent]),
        "turns_per_s": round(len(concurrent) / wall, 2),
        "answered": sum(r["status"] == "answered" for r in concurrent),
        "failed": sum(r["failed"] for r in concurrent),
        "node_ms_mean": node_means(concurrent),
        "where_ms_mean": _mean_where([r["where"] for r in concurrent]),
        "sequential": {
            "turns": len(alone),
            "turn_ms": _summary([r["ms"] for r in alone]),
            "node_ms_mean": node_means(alone),
            "where_ms_mean": _mean_where([r["where"] for r in alone]),
        },
        "embed_one_message_ms": _summary(embed_ms),
        "sample": [{k: r[k] for k in ("turn", "intent", "status", "reply")} for r in alone[: len(TURNS)]],
    }


# ---------------------------------------------------------------- report


def print_report(result: dict[str, Any]) -> None:
    llm, off = result["details"]["llm"], result["details"]["offline"]
    table = Table(
        title=f"LLM engine: turn time / model time ({llm['turns']} turns, model answers after "
        f"{llm['delay_s'] * 1000:.0f} ms)"
    )
    for column in ("", "p50", "p95", "mean", "max"):
        table.add_column(column, justify="right" if column else "left")
    for label, key, fmt in (
        ("Parley turn / model time", "ratio", "{:.3f}"),
        ("Parley overhead per turn (ms)", "overhead_ms", "{:.0f}"),
        ("model calls per turn", "model_calls_per_turn", "{:.1f}"),
        ("baseline: bare ChatOpenAI call / model time", "baseline_raw_call_ratio", "{:.3f}"),
    ):
        row = llm[key]
        table.add_row(label, *(fmt.format(row[k]) for k in ("p50", "p95", "mean", "max")))
    console.print(table)
    console.print(
        f"  p95 ratio by turn: {llm['ratio_p95_by_turn']}; mean ms per node: {llm['node_ms_mean']}; "
        f"turns with a fallback: {llm['turns_with_fallbacks']}"
    )
    console.print(f"  where a turn's time goes (mean ms): {llm['where_ms_mean']}")
    table = Table(
        title=f"Offline engine: {off['concurrency']} concurrent conversations, {off['turns']} turns"
    )
    for column in ("", "p50 ms", "p95 ms", "mean ms", "turns/s"):
        table.add_column(column, justify="right" if column else "left")
    table.add_row(
        f"{off['concurrency']} at once",
        f"{off['turn_ms']['p50']:.0f}",
        f"{off['turn_ms']['p95']:.0f}",
        f"{off['turn_ms']['mean']:.0f}",
        f"{off['turns_per_s']:.1f}",
    )
    seq = off["sequential"]
    table.add_row(
        "baseline: one at a time",
        f"{seq['turn_ms']['p50']:.0f}",
        f"{seq['turn_ms']['p95']:.0f}",
        f"{seq['turn_ms']['mean']:.0f}",
        f"{1000 / seq['turn_ms']['mean']:.1f}",
    )
    emb = off["embed_one_message_ms"]
    table.add_row(
        "baseline: MiniLM embedding of one message",
        f"{emb['p50']:.0f}",
        f"{emb['p95']:.0f}",
        f"{emb['mean']:.0f}",
        "",
    )
    console.print(table)
    console.print(
        f"  answered {off['answered']}/{off['turns']} ({off['failed']} turns failed and were handed over); mean ms per node one at a time: {seq['node_ms_mean']}; "
        f"at {off['concurrency']} at once: {off['node_ms_mean']}"
    )
    console.print(
        f"  where a turn's time goes (mean ms), one at a time: {seq['where_ms_mean']}; "
        f"{off['concurrency']} at once: {off['where_ms_mean']}"
    )
    goals = Table(title="Goals")
    for column in ("metric", "measured", "goal", "met"):
        goals.add_column(column)
    ratio = result["llm.p95_ratio"]
    goals.add_row("llm.p95_ratio", f"{ratio:.3f}", f"<= {GOAL_RATIO}", "yes" if ratio <= GOAL_RATIO else "no")
    goals.add_row("offline.p50_ms", f"{result['offline.p50_ms']:.0f}", "(reported)", "")
    goals.add_row("offline.p95_ms", f"{result['offline.p95_ms']:.0f}", "(reported)", "")
    goals.add_row("offline.turns_per_s", f"{result['offline.turns_per_s']:.1f}", "(reported)", "")
    console.print(goals)


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description="Measure what Parley adds to a turn.")
    parser.add_argument("--delay", type=float, default=0.2, help="the scripted model's latency, seconds")
    parser.add_argument("--llm-conversations", type=int, default=10, help="conversations of 4 turns")
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3, help="conversations per concurrent worker")
    parser.add_argument(
        "--sequential", type=int, default=5, help="conversations for the one-at-a-time baseline"
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        llm = asyncio.run(
            run_llm(Path(tmp) / "llm", conversations_n=args.llm_conversations, delay=args.delay)
        )
        offline = asyncio.run(
            run_offline(
                Path(tmp) / "offline",
                concurrency=args.concurrency,
                rounds=args.rounds,
                sequential=args.sequential,
            )
        )
    result = {
        "llm.p95_ratio": llm["ratio"]["p95"],
        "offline.p50_ms": round(offline["turn_ms"]["p50"], 1),
        "offline.p95_ms": round(offline["turn_ms"]["p95"], 1),
        "offline.turns_per_s": offline["turns_per_s"],
        "details": {
            "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - started, 1),
            "cpus": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in load],
            "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
            "ratio_definition": "per turn: handle_message wall time / sum of the server-side durations "
            "(request read to response written) of the model requests made during that turn",
            "llm": llm,
            "offline": offline,
        },
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    print_report(result)
    console.print(f"wrote {RESULTS.relative_to(ROOT)} in {result['details']['seconds']} s")
    return result


if __name__ == "__main__":
    main()
