"""Running turns: store the customer's message, take the conversation's lock, run the graph, store the reply.

This is the one entry point for the API, the web chat and (later) the channel workers. It imports no
FastAPI; LangGraph stays behind :mod:`parley.agent.graph`.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from parley.agent.context import AgentContext, Emit
from parley.agent.conversations import service as conversations
from parley.agent.conversations.schemas import TurnOut
from parley.agent.engine import OfflineEngine, intent_model
from parley.agent.events import EventHub
from parley.agent.locks import ConversationLocks
from parley.agent.reply_templates import load_templates
from parley.agent.state import new_turn
from parley.agent.toolbox import ToolBox
from parley.core.errors import BusinessRuleViolated
from parley.runtime import Runtime
from parley.tools.agent_tools import langchain_tools
from parley.tools.principal import agent_actor
from parley.tools.registry import OPERATIONS

__all__ = ["AgentService"]

_log = logging.getLogger(__name__)


class AgentService:
    """The agent of every business served by this process.

    Args:
        runtime: Settings, database and clock.
        embedder: The embedder for messages (default: the knowledge index's, so vectors match the index).
        knowledge: The knowledge index FAQ answers come from (default: the runtime's).
        guard: Optional guardrails hook (see :mod:`parley.agent.nodes.guards`).
        llm: Optional LLM engine; None means the offline engine.
        max_tool_steps: Tool calls one turn may make.

    """

    def __init__(
        self,
        runtime: Runtime,
        *,
        embedder: Any = None,
        knowledge: Any = None,
        guard: Any = None,
        llm: Any = None,
        max_tool_steps: int = 8,
    ) -> None:
        self.runtime = runtime
        self._embedder = embedder
        self.knowledge = knowledge if knowledge is not None else runtime.knowledge
        self.guard = guard
        self.llm = llm
        self.max_tool_steps = max_tool_steps
        self.locks = ConversationLocks(runtime.settings.redis_url)
        self.events = EventHub()

    async def embedder(self) -> Any:
        """The embedder, loaded off the event loop on first use."""
        if self._embedder is None:
            self._embedder = await asyncio.to_thread(lambda: self.knowledge.embedder)
        return self._embedder

    @asynccontextmanager
    async def graph(self) -> AsyncIterator[Any]:
        """The compiled graph over a checkpointer connection held for one turn.

        A connection per turn keeps no connection open between turns and ties none to an event loop, so
        any process, worker or test can run any turn; the checkpoint tables are set up once per process.
        """
        from parley.agent.checkpoint import open_checkpointer
        from parley.agent.graph import build_graph

        settings = self.runtime.settings
        async with open_checkpointer(settings.resolved_database_url, settings.data_dir) as saver:
            yield build_graph(saver)

    async def warm_up(self) -> None:
        """Load the embedder and train the intent model now, so the first customer does not wait for them."""
        try:
            await intent_model(await self.embedder())
        except Exception:  # the first turn will try again and report its own error
            _log.exception("warming up the agent failed")

    def language_model(self) -> Any:
        """The LLM engine when an endpoint is configured (built on first use), else None."""
        if self.llm is None and self.runtime.settings.llm_base_url:
            from parley.agent.llm.engine import LLMEngine

            self.llm = LLMEngine.from_settings(self.runtime.settings)
        return self.llm

    async def aclose(self) -> None:
        """Close the lock connections."""
        await self.locks.aclose()

    async def state(self, conversation_id: uuid.UUID) -> dict[str, Any]:
        """The conversation's last checkpointed state (memory, history), empty when it has none."""
        async with self.graph() as graph:
            snapshot = await graph.aget_state({"configurable": {"thread_id": str(conversation_id)}})
        return dict(snapshot.values or {})

    async def handle_message(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, text: str, *, emit: Emit | None = None
    ) -> TurnOut:
        """Store a customer message and answer it after any turn already running in the conversation."""
        db = self.runtime.db
        async with self.locks.hold(f"{conversation_id}:append"), db.transaction(tenant_id) as session:
            conversation = await conversations.get_conversation(session, conversation_id)
            if conversation.status == "closed":
                raise BusinessRuleViolated("the conversation is closed", code="BIZ_CONVERSATION_CLOSED")
            message = await conversations.add_message(
                session,
                conversation,
                role="customer",
                text=text,
                now=self.runtime.clock(),
                status="queued",
            )
        async with self.locks.hold(str(conversation_id)):
            return await self._turn(tenant_id, conversation_id, message.id, text, emit)

    async def regenerate(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, *, emit: Emit | None = None
    ) -> TurnOut:
        """Answer the last customer message again; earlier replies to it are marked superseded."""
        async with self.locks.hold(str(conversation_id)):
            async with self.runtime.db.transaction(tenant_id) as session:
                await conversations.get_conversation(session, conversation_id)
                last = await conversations.last_customer_message(session, conversation_id)
                for reply in await conversations.recent_messages(session, conversation_id, limit=50):
                    if reply.reply_to_id == last.id and reply.status != "superseded":
                        reply.status = "superseded"
            return await self._turn(tenant_id, conversation_id, last.id, last.text, emit)

    async def _turn(
        self,
        tenant_id: uuid.UUID,
        conversation_id: uuid.UUID,
        message_id: uuid.UUID,
        text: str,
        emit: Emit | None,
    ) -> TurnOut:
        db = self.runtime.db
        async with db.session(tenant_id) as session:
            conversation = await conversations.get_conversation(session, conversation_id)
            templates = await load_templates(session)
        status_before, customer_id = conversation.status, conversation.customer_id

        async def send(event: str, data: dict[str, Any]) -> None:
            if emit is not None:
                await emit(event, data)
            await self.events.publish(str(conversation_id), event, data)

        if status_before == "handed_over":
            result: dict[str, Any] = {"reply": "", "status": "handed_over", "metrics": {}}
        else:
            try:
                result = await self._run_graph(tenant_id, conversation_id, customer_id, text, templates, send)
            except Exception:  # never drop the customer: hand over with a reply instead of an error
                _log.exception("turn failed in conversation %s", conversation_id)
                language = conversation.language or "en"
                reply = templates.render("handoff", language)
                result = {"reply": reply, "status": "handed_over", "metrics": {"error": "turn_failed"}}
        async with db.transaction(tenant_id) as session:
            conversation = await conversations.get_conversation(session, conversation_id)
            customer_message = await conversations.get_message(session, conversation_id, message_id)
            customer_message.status = "answered" if result["reply"] else "awaiting_staff"
            customer_message.intent = result.get("intent") or None
            customer_message.confidence = result.get("confidence")
            customer_message.entities = result.get("entities", {})
            if result.get("status") in ("handed_over", "approval_required"):
                conversation.status = "handed_over"
            conversation.language = result.get("language") or conversation.language
            reply = None
            if result["reply"]:
                reply = await conversations.add_message(
                    session,
                    conversation,
                    role="agent",
                    text=result["reply"],
                    now=self.runtime.clock(),
                    intent=result.get("intent") or None,
                    confidence=result.get("confidence"),
                    entities=result.get("entities", {}),
                    tool_calls=result.get("tool_calls", []),
                    guardrails=result.get("guardrails", {}),
                    status=result.get("status", "answered"),
                    metrics=result.get("metrics", {}),
                    reply_to_id=message_id,
                )
        out = TurnOut(
            conversation_id=conversation_id,
            message_id=reply.id if reply else message_id,
            reply_to_id=message_id,
            response=result["reply"],
            intent=result.get("intent") or None,
            confidence=result.get("confidence"),
            entities=result.get("entities", {}),
            tool_calls=result.get("tool_calls", []),
            guardrails=result.get("guardrails", {}),
            status=result.get("status", "answered"),
            metrics=result.get("metrics", {}),
        )
        await send("message", out.model_dump(mode="json"))
        return out

    async def _run_graph(
        self,
        tenant_id: uuid.UUID,
        conversation_id: uuid.UUID,
        customer_id: uuid.UUID | None,
        text: str,
        templates: Any,
        send: Emit,
    ) -> dict[str, Any]:
        import time

        started = time.perf_counter()
        embedder = await self.embedder()
        vector = (await asyncio.to_thread(embedder.embed, [text]))[0]
        embed_ms = round((time.perf_counter() - started) * 1000, 2)
        actor = agent_actor(tenant_id)
        llm = self.language_model()
        tools = ToolBox.of(
            langchain_tools(OPERATIONS, db=self.runtime.db, actor=actor), max_steps=self.max_tool_steps
        )
        context = AgentContext(
            db=self.runtime.db,
            actor=actor,
            conversation_id=conversation_id,
            customer_id=customer_id,
            engine=OfflineEngine(intents=await intent_model(embedder), templates=templates),
            tools=tools,
            vector=vector,
            knowledge=self.knowledge,
            llm=llm,
            emit=send,
        )
        config = {"configurable": {"thread_id": str(conversation_id)}}
        async with self.graph() as graph:
            state = await graph.ainvoke(new_turn(text), config=config, context=context)
        metrics = dict(state.get("metrics") or {})
        metrics["latency_ms"] = {"embed": embed_ms, **metrics.get("latency_ms", {})}
        metrics.update(
            total_ms=round((time.perf_counter() - started) * 1000, 2),
            tokens={"prompt": 0, "completion": 0},
            cost=0.0,
            cache_hit=False,
            engine="llm" if llm is not None else "offline",
            fallbacks=context.fallbacks,
        )
        return {**state, "metrics": metrics}
