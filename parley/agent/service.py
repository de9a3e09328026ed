"""Running turns: store the customer's message, take the conversation's lock, run the graph, store the reply.

This is the one entry point for the API, the web chat and (later) the channel workers. It imports no
FastAPI; LangGraph stays behind :mod:`parley.agent.graph`.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from parley.agent.accounting import TokenUsage, add_to_totals, cost_of, cost_since
from parley.agent.business_settings import BusinessSettings, BusinessSettingsCache
from parley.agent.cache import CacheEntry, SemanticCache, SourceTracker, is_cacheable
from parley.agent.context import AgentContext, Emit
from parley.agent.conversations import service as conversations
from parley.agent.conversations.models import BOT_SILENT, Conversation
from parley.agent.conversations.schemas import TurnOut
from parley.agent.engine import OfflineEngine, intent_model, train_ahead
from parley.agent.events import EventHub
from parley.agent.intent.business import Phrases
from parley.agent.llm.profile import BusinessProfile
from parley.agent.locks import ConversationLocks
from parley.agent.nodes.respond import HISTORY_TURNS
from parley.agent.offline.entities import BACK_REFERENCE_EN
from parley.agent.offline.language import detect_language
from parley.agent.state import ONE_MESSAGE_MEMORY, new_turn
from parley.agent.toolbox import ToolBox
from parley.core.actor import Actor
from parley.core.errors import BusinessRuleViolated
from parley.guardrails.agent_guard import GuardrailsProvider
from parley.guardrails.settings import Thresholds
from parley.hitl.thresholds import guard_actions
from parley.knowledge.embeddings import embed_message
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
        guard: Builds each turn's guardrails (default: the business's configured guardrails pipeline).
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
        self.guard = guard if guard is not None else GuardrailsProvider()
        self.llm = llm
        self.max_tool_steps = max_tool_steps
        self.locks = ConversationLocks(runtime.settings.redis_url)
        self.events = EventHub()
        self._background: set[asyncio.Task[Any]] = set()
        self._latest_phrases: dict[uuid.UUID, Phrases | None] = {}
        self.cache = SemanticCache(
            threshold=runtime.settings.assistant_cache_threshold,
            max_entries=runtime.settings.assistant_cache_max_entries,
        )
        self.settings = BusinessSettingsCache()
        self._graphs: Any = None  # GraphPerLoop, built on first use so LangGraph loads lazily
        self._preview: Any = None

    async def embedder(self) -> Any:
        """The embedder, loaded off the event loop on first use."""
        if self._embedder is None:
            self._embedder = await asyncio.to_thread(lambda: self.knowledge.embedder)
        return self._embedder

    @asynccontextmanager
    async def graph(self) -> AsyncIterator[Any]:
        """The compiled graph over this loop's shared checkpointer.

        Compiled and connected once per event loop, not per turn: that cost about 40 ms a turn, and SQLite
        connections opened side by side by concurrent turns failed with "database is locked". The checkpoint
        is in the database, so any process can still resume any conversation.
        """
        if self._graphs is None:
            from parley.agent.checkpoint import GraphPerLoop
            from parley.agent.graph import build_graph

            settings = self.runtime.settings
            self._graphs = GraphPerLoop(settings.resolved_database_url, settings.data_dir, build_graph)
        yield await self._graphs.get()

    def prepare_intents(self, tenant_id: uuid.UUID, phrases: Phrases | None) -> asyncio.Task[Any]:
        """Train a business's classifier in the background after its phrases change, before its next turn.

        Only the business's latest phrases are trained: an edit made while earlier ones wait supersedes them.
        """
        self._latest_phrases[tenant_id] = phrases

        async def train() -> None:
            try:
                await train_ahead(
                    await self.embedder(),
                    phrases,
                    still_wanted=lambda: self._latest_phrases.get(tenant_id) is phrases,
                )
            except Exception:  # the next turn trains it again and reports its own error
                _log.exception("training the intent model failed")

        task = asyncio.get_running_loop().create_task(train())
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def warm_up(self) -> None:
        """Load the embedder and train the intent model now, so the first customer does not wait for them.

        Then, once per process, what is loaded by now (modules, the model, the clients) leaves the garbage
        collector's view: every full collection had scanned it all again, a pause of 200-300 ms in the middle
        of some customer's turn (under 100 ms after this).
        """
        try:
            await intent_model(await self.embedder())
        except Exception:  # the first turn will try again and report its own error
            _log.exception("warming up the agent failed")
        if gc.get_freeze_count() == 0:
            gc.collect()  # no garbage frozen along
            gc.freeze()

    def language_model(self) -> Any:
        """The LLM engine when an endpoint is configured (built on first use), else None."""
        if self.llm is None and self.runtime.settings.llm_base_url:
            from parley.agent.llm.engine import LLMEngine

            self.llm = LLMEngine.from_settings(self.runtime.settings)
        return self.llm

    async def aclose(self) -> None:
        """Close the checkpointer, the lock and LLM connections and stop the cache hearing change events."""
        self.cache.stop_listening()
        if self.llm is not None:
            await self.llm.aclose()
        if self._graphs is not None:
            await self._graphs.aclose()
        await self.locks.aclose()

    async def state(self, conversation_id: uuid.UUID) -> dict[str, Any]:
        """The conversation's last checkpointed state (memory, history), empty when it has none."""
        async with self.graph() as graph:
            snapshot = await graph.aget_state({"configurable": {"thread_id": str(conversation_id)}})
        return dict(snapshot.values or {})

    async def handle_message(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, text: str, *, emit: Emit | None = None
    ) -> TurnOut:
        """Store a customer message and answer it after any turn already running in the conversation.

        The message is embedded in a worker thread while it is stored (ONNX Runtime releases the GIL), so the
        embedding costs the turn no time of its own.
        """
        db = self.runtime.db
        embedding = await self._embed_soon(text)
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
            return await self._turn(tenant_id, conversation_id, message.id, text, emit, embedding=embedding)

    async def _embed_soon(self, text: str) -> asyncio.Future[tuple[Any, float]]:
        """The message's vector and the milliseconds it took, computed in a worker thread."""
        embedder = await self.embedder()

        def embed() -> tuple[Any, float]:
            started = time.perf_counter()
            return embed_message(embedder, text), _ms(started)

        embedding = asyncio.ensure_future(asyncio.to_thread(embed))
        # A turn that never uses it (a closed conversation) must not leave an unread error behind.
        embedding.add_done_callback(lambda done: done.cancelled() or done.exception())
        return embedding

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
            return await self._turn(tenant_id, conversation_id, last.id, last.text, emit, fresh=True)

    async def _turn(
        self,
        tenant_id: uuid.UUID,
        conversation_id: uuid.UUID,
        message_id: uuid.UUID,
        text: str,
        emit: Emit | None,
        *,
        fresh: bool = False,
        embedding: asyncio.Future[tuple[Any, float]] | None = None,
    ) -> TurnOut:
        db = self.runtime.db
        embedding = embedding or await self._embed_soon(text)
        inputs = await self._inputs(tenant_id, conversation_id)
        conversation, business = inputs.conversation, inputs.business
        status_before, customer_id = conversation.status, conversation.customer_id
        templates = business.templates
        turn = _Turn(
            tenant_id,
            conversation_id,
            customer_id,
            text,
            conversation.language,
            business.profile,
            business.phrases,
            fresh,
        )

        async def send(event: str, data: dict[str, Any]) -> None:
            if emit is not None:
                await emit(event, data)
            await self.events.publish(str(conversation_id), event, data)

        if status_before in BOT_SILENT:  # staff has it, or it waits for a decision: the bot says nothing
            result: dict[str, Any] = {"reply": "", "status": status_before, "metrics": {}}
        else:
            try:
                guard = await self._guard_for(inputs)
                result = await self._answer(turn, templates, guard, send, embedding, inputs.spent_today)
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
            if result.get("status") in _CONVERSATION_STATUS:
                conversation.status = _CONVERSATION_STATUS[result["status"]]
            conversation.language = result.get("language") or conversation.language
            reply = None
            if result["reply"]:
                # Set before the reply's insert flushes, so the conversation is written once.
                conversation.usage = add_to_totals(conversation.usage, result.get("metrics", {}))
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

    async def _inputs(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> _Inputs:
        """What a turn reads before it answers, on one connection.

        The conversation, the business's settings, the customer's messages so far (the guard's limit) and
        what today's LLM replies cost (against ``maxDailyAICost``; None offline). A count or a spend that
        cannot be read fails the answer (see :meth:`_guard_for`), which then hands over like any failed turn.
        """
        async with self.runtime.db.session(tenant_id) as session:
            conversation = await conversations.get_conversation(session, conversation_id)
            business = await self.settings.get(session, tenant_id)
            try:
                customer_messages = (
                    await conversations.count_messages(session, conversation_id, role="customer")
                    if self.guard is not None
                    else 0
                )
                spent_today = None
                if self.language_model() is not None:
                    midnight = (
                        self.runtime.clock()
                        .astimezone(UTC)
                        .replace(hour=0, minute=0, second=0, microsecond=0)
                    )
                    spent_today = await cost_since(session, midnight)
            except Exception as error:
                return _Inputs(conversation, business, 0, None, unread=error)
        return _Inputs(conversation, business, customer_messages, spent_today)

    async def _guard_for(self, inputs: _Inputs) -> Any:
        """The turn's guard, built on the embedder that makes the turn's vector; None without guardrails."""
        if inputs.unread is not None:
            raise inputs.unread
        if self.guard is None:
            return None
        return self.guard.for_turn(
            inputs.business.guardrails,
            customer_messages=inputs.customer_messages,
            embedder=await self.embedder(),
        )

    async def _answer(
        self,
        turn: _Turn,
        templates: Any,
        guard: Any,
        send: Emit,
        embedding: asyncio.Future[tuple[Any, float]],
        spent_today: float | None,
    ) -> dict[str, Any]:
        """Answer a turn and measure it: tokens, cost, latency per step, whether the cache answered.

        The message is embedded once; a question close to an answered FAQ gets the cached answer, anything
        else runs the graph (whose knowledge-base answers are then cached).
        """
        started = time.perf_counter()
        vector, embed_ms = await embedding
        language = detect_language(turn.text, turn.language)
        looked_up = time.perf_counter()
        cached = None if turn.fresh else await self._cached(turn, language, vector, guard)
        latency = {"embed": embed_ms, "cache": _ms(looked_up)}
        if cached is not None:
            state = await self._serve_cached(turn, language, cached, send)
            llm, fallbacks = None, []
        else:
            state, llm, fallbacks = await self._run_graph(turn, vector, templates, guard, send, spent_today)
        usage = llm.usage if llm is not None else TokenUsage()
        model = llm.model_name if llm is not None else None
        metrics = dict(state.get("metrics") or {})
        metrics["latency_ms"] = {**latency, **metrics.get("latency_ms", {})}
        metrics.update(
            total_ms=_ms(started),
            tokens={"prompt": usage.prompt, "completion": usage.completion},
            cost=cost_of(model, usage, self.runtime.settings.llm_prices),
            cache_hit=cached is not None,
            engine="cache" if cached is not None else "llm" if llm is not None else "offline",
            model=model,
            fallbacks=fallbacks,
        )
        return {**state, "metrics": metrics}

    async def _cached(self, turn: _Turn, language: str, vector: Any, guard: Any) -> _Cached | None:
        """A cached answer for a close enough question, if the input guard lets the message through.

        A question about "it" or "them" depends on the product just discussed (the warranty note may not
        cover it): the graph answers it in the light of the conversation.
        """
        if BACK_REFERENCE_EN.search(turn.text):
            return None
        found = self.cache.find(turn.tenant_id, language, vector)
        if found is None:
            return None
        verdict = await guard.check_input(turn.text, vector) if guard is not None else {"verdict": "pass"}
        if verdict.get("verdict") != "pass":
            return None
        self.cache.record_hit(turn.tenant_id, found[0])
        return _Cached(*found, guardrails={"input": verdict})

    async def _serve_cached(self, turn: _Turn, language: str, cached: _Cached, send: Emit) -> dict[str, Any]:
        """Stream the cached answer and write the exchange into the conversation's memory, as the graph would."""
        entry, similarity = cached.entry, cached.similarity
        await send("intent", {"intent": "faq", "confidence": similarity, "entities": {}})
        for token in re.findall(r"\S+\s*", entry.answer):
            await send("token", {"text": token})
        config = {"configurable": {"thread_id": str(turn.conversation_id)}}
        async with self.graph() as graph:
            values = dict((await graph.aget_state(config)).values or {})
            memory = dict(values.get("memory") or {})
            memory.update(language=language, low_confidence_streak=0, turns=memory.get("turns", 0) + 1)
            history = [
                *values.get("history", []),
                {"role": "customer", "text": turn.text},
                {"role": "agent", "text": entry.answer},
            ]
            update = {"text": turn.text, "reply": entry.answer, "memory": memory, "history": history}
            await graph.aupdate_state(
                config, {**update, "history": history[-2 * HISTORY_TURNS :]}, as_node="respond"
            )
        return {
            "reply": entry.answer,
            "intent": "faq",
            "confidence": round(similarity, 4),
            "language": language,
            "guardrails": cached.guardrails,
            "status": "answered",
        }

    async def _run_graph(
        self, turn: _Turn, vector: Any, templates: Any, guard: Any, send: Emit, spent_today: float | None
    ) -> tuple[dict[str, Any], Any, list[str]]:
        """The graph's final state, the turn's LLM engine (None offline) and the steps that fell back."""
        embedder = await self.embedder()
        actor = agent_actor(turn.tenant_id)
        thresholds = _thresholds(guard)
        llm, fallbacks = self.language_model(), []
        over_budget = thresholds is not None and (spent_today or 0.0) >= thresholds.max_daily_ai_cost
        if llm is not None and over_budget:
            llm, fallbacks = None, ["daily_ai_cost"]
        llm = llm.for_turn(turn.profile) if llm is not None else None
        knowledge = SourceTracker(self.knowledge) if self.knowledge is not None else None
        generation = self.cache.generation(turn.tenant_id)
        operations = langchain_tools(OPERATIONS, db=self.runtime.db, actor=actor)
        if thresholds is not None:
            operations = guard_actions(operations, thresholds, db=self.runtime.db, actor=actor)
        tools = ToolBox.of(operations, max_steps=self.max_tool_steps)
        context = AgentContext(
            db=self.runtime.db,
            actor=actor,
            conversation_id=turn.conversation_id,
            customer_id=turn.customer_id,
            engine=OfflineEngine(intents=await intent_model(embedder, turn.phrases), templates=templates),
            tools=tools,
            vector=vector,
            knowledge=knowledge,
            llm=llm,
            guard=guard,
            emit=send,
            fallbacks=fallbacks,
        )
        config = {"configurable": {"thread_id": str(turn.conversation_id)}}
        async with self.graph() as graph:
            try:
                state = await graph.ainvoke(
                    new_turn(turn.text), config=config, context=context, durability=_DURABILITY
                )
            finally:
                await tools.settle()
        if state.get("intent") == "faq":
            self.cache.record_miss(turn.tenant_id)
            if is_cacheable(state) and knowledge is not None:
                self.cache.store(
                    turn.tenant_id,
                    question=turn.text,
                    answer=state["reply"],
                    language=state.get("language") or "en",
                    vector=vector,
                    sources=knowledge.sources,
                    generation=generation,
                )
        return state, llm, context.fallbacks

    # Human in the loop: resume after a decision, hand back after a takeover, suggest a reply to staff.

    async def resume_approval(self, tenant_id: uuid.UUID, approval_id: uuid.UUID) -> TurnOut | None:
        """Continue the conversation paused on a decided request, exactly once; None when none waits.

        The claim on ``resumed_at`` lets one caller through however many processes try; the graph's
        checkpoint is in the database, so that caller may be any process.
        """
        from langgraph.types import Command

        from parley.hitl.decisions import claim_resume

        async with self.runtime.db.transaction(tenant_id) as session:
            approval = await claim_resume(session, approval_id, self.runtime.clock())
            if approval is None or approval.conversation_id is None:
                return None
            conversation_id = approval.conversation_id
            request = {k: v for k, v in approval.payload.items() if k != "guardrails"}
            decision = {**approval.decision, "request": request}
        config = {"configurable": {"thread_id": str(conversation_id)}}
        async with self.locks.hold(str(conversation_id)), self.graph() as graph:
            snapshot = await graph.aget_state(config)
            if not any(i.value.get("approval_id") == str(approval_id) for i in snapshot.interrupts):
                return None
            context = await self._hitl_context(tenant_id, conversation_id, read_only=True)
            state = await graph.ainvoke(
                Command(resume=decision), config=config, context=context, durability=_DURABILITY
            )
        return await self._deliver(
            tenant_id,
            conversation_id,
            state["reply"],
            status=state.get("status") or "answered",
            guardrails=state.get("guardrails") or {},
        )

    async def _deliver(
        self,
        tenant_id: uuid.UUID,
        conversation_id: uuid.UUID,
        text: str,
        *,
        status: str,
        guardrails: dict[str, Any],
    ) -> TurnOut:
        """Store an agent message outside a customer turn and announce it for the conversation's channel.

        ``conversation.agent_message`` is the hook the channel workers send on the original channel; the
        output guard's verdict is stored on the message, as for a customer turn.
        """
        from parley.core.events import emit_event

        async with self.runtime.db.transaction(tenant_id) as session:
            conversation = await conversations.get_conversation(session, conversation_id)
            if status in _CONVERSATION_STATUS:
                conversation.status = _CONVERSATION_STATUS[status]
            elif conversation.status == "pending_approval":
                conversation.status = "open"
            message = await conversations.add_message(
                session,
                conversation,
                role="agent",
                text=text,
                now=self.runtime.clock(),
                status=status,
                guardrails=guardrails,
            )
            emit_event(
                session,
                "conversation.agent_message",
                entity_type="conversation",
                entity_id=conversation_id,
                payload={
                    "conversation_id": conversation_id,
                    "message_id": message.id,
                    "channel": conversation.channel,
                    "text": text,
                },
            )
        out = TurnOut(
            conversation_id=conversation_id,
            message_id=message.id,
            reply_to_id=message.id,
            response=text,
            intent=None,
            confidence=None,
            entities={},
            tool_calls=[],
            guardrails=guardrails,
            status=status,
            metrics={},
        )
        await self.events.publish(str(conversation_id), "message", out.model_dump(mode="json"))
        return out

    async def hand_back(self, tenant_id: uuid.UUID, actor: Actor, conversation_id: uuid.UUID) -> Conversation:
        """Give a taken-over conversation back to the bot, with the messages exchanged meanwhile in its history."""
        from parley.hitl.takeover import hand_back

        async with self.locks.hold(str(conversation_id)):
            async with self.runtime.db.transaction(tenant_id) as session:
                conversation, exchanged = await hand_back(
                    session, actor, conversation_id, now=self.runtime.clock()
                )
            config = {"configurable": {"thread_id": str(conversation_id)}}
            async with self.graph() as graph:
                values = dict((await graph.aget_state(config)).values or {})
                history = [*values.get("history", []), *({"role": m.role, "text": m.text} for m in exchanged)]
                # What the bot asked before staff took over is stale: a "yes" now answers staff, not its proposal
                memory = {
                    k: v for k, v in (values.get("memory") or {}).items() if k not in ONE_MESSAGE_MEMORY
                }
                update = {
                    "history": history[-2 * HISTORY_TURNS :],
                    "memory": memory,
                    "status": "answered",
                    "approval_id": "",
                }
                await graph.aupdate_state(config, update, as_node="respond")
        return conversation

    async def suggest_reply(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> TurnOut | None:
        """What the bot would answer the last customer message now: read-only tools, nothing stored or sent."""
        from parley.agent.graph import build_graph

        async with self.runtime.db.session(tenant_id) as session:
            await conversations.get_conversation(session, conversation_id)
            try:
                last = await conversations.last_customer_message(session, conversation_id)
            except BusinessRuleViolated:  # nothing to answer yet
                return None
        embedder = await self.embedder()
        vector = await asyncio.to_thread(embed_message, embedder, last.text)
        context = await self._hitl_context(tenant_id, conversation_id, read_only=True, vector=vector)
        values = await self.state(conversation_id)
        preview = {**values, **new_turn(last.text), "preview": True}
        if self._preview is None:  # no checkpointer: a preview stores nothing
            self._preview = build_graph()
        state = await self._preview.ainvoke(preview, context=context)
        return TurnOut(
            conversation_id=conversation_id,
            message_id=last.id,
            reply_to_id=last.id,
            response=state.get("reply", ""),
            intent=state.get("intent") or None,
            confidence=state.get("confidence"),
            entities=state.get("entities", {}),
            tool_calls=state.get("tool_calls", []),
            guardrails=state.get("guardrails", {}),
            status="suggested",
            metrics={},
        )

    async def _hitl_context(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, *, read_only: bool, vector: Any = None
    ) -> AgentContext:
        """A run context outside a customer turn; read-only tools so a preview changes nothing.

        It carries the business's guard like a customer turn, so a suggested reply and the message after a
        decision pass the same output checks before anyone sees them.
        """
        embedder = await self.embedder()
        inputs = await self._inputs(tenant_id, conversation_id)
        conversation, guard = inputs.conversation, await self._guard_for(inputs)
        templates, phrases = inputs.business.templates, inputs.business.phrases
        actor = agent_actor(tenant_id)
        operations = [op for op in OPERATIONS if not read_only or op.scope.endswith(":read")]
        tools = ToolBox.of(
            langchain_tools(operations, db=self.runtime.db, actor=actor), max_steps=self.max_tool_steps
        )

        async def send(event: str, data: dict[str, Any]) -> None:
            await self.events.publish(str(conversation_id), event, data)

        return AgentContext(
            db=self.runtime.db,
            actor=actor,
            conversation_id=conversation_id,
            customer_id=conversation.customer_id,
            engine=OfflineEngine(intents=await intent_model(embedder, phrases), templates=templates),
            tools=tools,
            vector=vector,
            knowledge=self.knowledge,
            guard=guard,
            emit=send,
        )


# A turn is short and runs under the conversation's lock, so its checkpoint is written once, when it ends
# (answered, failed or paused by interrupt() for a decision), not after every step: writes per step took the
# offline turn's p50 from 94 to 131 ms. A process that dies mid-turn leaves the memory as it was before it.
_DURABILITY = "exit"

_CONVERSATION_STATUS = {"handed_over": "handed_over", "approval_required": "pending_approval"}


@dataclass(frozen=True)
class _Turn:
    """Who asked what, in which conversation, and the business profile the answer is given with."""

    tenant_id: uuid.UUID
    conversation_id: uuid.UUID
    customer_id: uuid.UUID | None
    text: str
    language: str | None
    profile: BusinessProfile
    phrases: Phrases | None = None
    fresh: bool = False


@dataclass(frozen=True)
class _Inputs:
    """What a turn reads before it answers (see ``AgentService._inputs``)."""

    conversation: Conversation
    business: BusinessSettings
    customer_messages: int
    spent_today: float | None
    unread: Exception | None = None  # why the count or the spend could not be read


@dataclass(frozen=True)
class _Cached:
    """A cache hit: the entry, how close the question was, and the input guard's verdict."""

    entry: CacheEntry
    similarity: float
    guardrails: dict[str, Any]


def _thresholds(guard: Any) -> Thresholds | None:
    """The business's thresholds when the turn's guard carries its guardrail settings."""
    settings = getattr(guard, "settings", None)
    return settings.thresholds if settings is not None else None


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
