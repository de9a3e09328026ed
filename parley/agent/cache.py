"""A semantic cache of FAQ answers: a question close enough to one already answered gets the same answer.

Only answers built from the knowledge base (the ``faq`` intent, no tool calls) are kept, never prices, stock
or orders, which change by the minute. Each entry records the documents its answer came from; when one of
them changes or is deleted (a domain event after commit) the entries built on it are dropped. A new article
or FAQ drops the business's entries too, since it may answer their questions better.

The store is in-process, per business and language, bounded by least-recent use. Events only reach the
process that committed them, so several API processes each keep (and invalidate) their own cache.
"""

from __future__ import annotations

import asyncio
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.reply_templates import load_templates
from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.events import DomainEvent, EventBus, event_bus
from parley.knowledge.kb.models import Faq

__all__ = [
    "CacheEntry",
    "CacheStats",
    "SemanticCache",
    "SourceTracker",
    "cache_stats",
    "clear_cache",
    "is_cacheable",
    "warm_up",
]

_SOURCE_TYPES = frozenset({"article", "faq", "product"})


@dataclass
class CacheEntry:
    """One answered question and the documents its answer came from."""

    question: str
    answer: str
    language: str
    vector: np.ndarray
    sources: frozenset[str]
    hits: int = 0


class CacheStats(BaseModel):
    """How the business's cache is doing; misses are FAQ questions the cache could not answer."""

    entries: int
    hits: int
    misses: int
    hit_rate: float


@dataclass
class _TenantCache:
    entries: OrderedDict[tuple[str, str], CacheEntry] = field(default_factory=OrderedDict)
    hits: int = 0
    misses: int = 0
    generation: int = 0


def _unit(vector: Any) -> np.ndarray:
    array = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(array))
    return array / norm if norm else array


class SemanticCache:
    """FAQ answers per business and language, found by cosine similarity of the question's embedding.

    Args:
        threshold: Cosine similarity at or above which a cached answer is served.
        max_entries: Entries kept per business; the least recently used go first.
        bus: Where change events come from (heard once the first entry is stored).

    """

    def __init__(self, *, threshold: float, max_entries: int, bus: EventBus = event_bus) -> None:
        self.threshold = threshold
        self.max_entries = max_entries
        self._bus = bus
        self._listening = False
        self._tenants: dict[uuid.UUID, _TenantCache] = {}

    def _of(self, tenant_id: uuid.UUID) -> _TenantCache:
        return self._tenants.setdefault(tenant_id, _TenantCache())

    def find(self, tenant_id: uuid.UUID, language: str, vector: Any) -> tuple[CacheEntry, float] | None:
        """The closest entry in this language at or above the threshold, with its similarity."""
        candidates = [e for e in self._of(tenant_id).entries.values() if e.language == language]
        if not candidates:
            return None
        similarities = np.stack([e.vector for e in candidates]) @ _unit(vector)
        best = int(np.argmax(similarities))
        similarity = float(similarities[best])
        return (candidates[best], similarity) if similarity >= self.threshold else None

    def record_hit(self, tenant_id: uuid.UUID, entry: CacheEntry) -> None:
        """Count a served answer and keep its entry as the most recently used."""
        tenant = self._of(tenant_id)
        tenant.hits += 1
        entry.hits += 1
        key = (entry.language, entry.question.casefold())
        if key in tenant.entries:
            tenant.entries.move_to_end(key)

    def generation(self, tenant_id: uuid.UUID) -> int:
        """A counter that moves on every invalidation: a turn notes it before reading the knowledge base."""
        return self._of(tenant_id).generation

    def record_miss(self, tenant_id: uuid.UUID) -> None:
        """Count an FAQ question that had to be answered by the graph."""
        self._of(tenant_id).misses += 1

    def store(
        self,
        tenant_id: uuid.UUID,
        *,
        question: str,
        answer: str,
        language: str,
        vector: Any,
        sources: set[str] | frozenset[str],
        generation: int | None = None,
    ) -> None:
        """Keep an answer, unless it has no sources or a source changed since ``generation`` was read.

        Without sources nothing could ever invalidate the entry; after a change the answer may be stale.
        """
        tenant = self._of(tenant_id)
        if not sources or (generation is not None and generation != tenant.generation):
            return
        self.listen()
        entries = tenant.entries
        key = (language, question.casefold())
        entries[key] = CacheEntry(question, answer, language, _unit(vector), frozenset(sources))
        entries.move_to_end(key)
        while len(entries) > self.max_entries:
            entries.popitem(last=False)

    def invalidate(self, tenant_id: uuid.UUID, document_id: str) -> int:
        """Drop the entries whose answer came from this document; returns how many."""
        tenant = self._of(tenant_id)
        tenant.generation += 1
        entries = tenant.entries
        stale = [key for key, entry in entries.items() if document_id in entry.sources]
        for key in stale:
            del entries[key]
        return len(stale)

    def clear(self, tenant_id: uuid.UUID) -> int:
        """Drop every entry of the business (its counters stay); returns how many."""
        tenant = self._of(tenant_id)
        tenant.generation += 1
        count = len(tenant.entries)
        tenant.entries.clear()
        return count

    def stats(self, tenant_id: uuid.UUID) -> CacheStats:
        """Entries, hits, misses and hit rate of the business."""
        tenant = self._of(tenant_id)
        asked = tenant.hits + tenant.misses
        return CacheStats(
            entries=len(tenant.entries),
            hits=tenant.hits,
            misses=tenant.misses,
            hit_rate=round(tenant.hits / asked, 4) if asked else 0.0,
        )

    async def on_event(self, domain_event: DomainEvent) -> None:
        """Drop entries built on a changed or deleted document; a new article or FAQ drops them all."""
        if domain_event.entity_type not in _SOURCE_TYPES or domain_event.entity_id is None:
            return
        if domain_event.type in ("article.created", "faq.created"):
            self.clear(domain_event.tenant_id)
        else:
            self.invalidate(domain_event.tenant_id, domain_event.entity_id)

    def listen(self) -> None:
        """Start hearing change events (idempotent)."""
        if not self._listening:
            self._bus.subscribe("*", self.on_event)
            self._listening = True

    def stop_listening(self) -> None:
        """Stop hearing change events."""
        if self._listening:
            self._bus.unsubscribe("*", self.on_event)
            self._listening = False


def is_cacheable(state: dict[str, Any]) -> bool:
    """Whether a finished turn's reply may be served again: a knowledge-base answer, no tools, nothing guarded."""
    output = (state.get("guardrails") or {}).get("output") or {}
    return (
        state.get("intent") == "faq"
        and state.get("status") == "answered"
        and bool(state.get("reply"))
        and bool((state.get("facts") or {}).get("answer"))
        and not state.get("tool_calls")
        and output.get("verdict", "pass") == "pass"
    )


class SourceTracker:
    """The knowledge index as one turn sees it, noting the documents its searches return.

    The index's own ``answer`` runs against this tracker, so the searches it makes are the ones noted:
    the cache learns an answer's sources without searching twice.
    """

    def __init__(self, knowledge: Any) -> None:
        self._knowledge = knowledge
        self.sources: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._knowledge, name)

    async def search(self, *args: Any, **kwargs: Any) -> Any:
        """Search the index and note the documents found."""
        results = await self._knowledge.search(*args, **kwargs)
        self.sources.update(hit.document_id for hit in results.hits)
        return results

    async def answer(self, *args: Any, **kwargs: Any) -> str | None:
        """The index's answer, with its searches noted."""
        return await type(self._knowledge).answer(self, *args, **kwargs)


async def warm_up(cache: SemanticCache, session: AsyncSession, actor: Actor, *, embedder: Any) -> int:
    """Pre-answer the business's published FAQs under their question and every variant; returns entries made.

    The answers are worded as the offline engine words an FAQ answer (the ``faq_answer`` template).
    """
    actor.require("admin:settings")
    faqs = list(await session.scalars(select(Faq).where(Faq.status == "published")))
    questions = [(faq, text) for faq in faqs for text in dict.fromkeys([faq.question, *faq.variants]) if text]
    record_audit(
        session,
        actor,
        action="assistant_cache.warm_up",
        entity_type="assistant_cache",
        after={"entries": len(questions)},
    )
    if not questions:
        return 0
    templates = await load_templates(session)
    vectors = await asyncio.to_thread(embedder.embed, [text for _faq, text in questions])
    for (faq, text), vector in zip(questions, vectors, strict=True):
        cache.store(
            actor.tenant_id,
            question=text,
            answer=templates.render("faq_answer", faq.language, answer=faq.answer),
            language=faq.language,
            vector=vector,
            sources={str(faq.id)},
        )
    return len(questions)


def cache_stats(cache: SemanticCache, actor: Actor) -> CacheStats:
    """The business's cache figures."""
    actor.require("ai:read")
    return cache.stats(actor.tenant_id)


def clear_cache(cache: SemanticCache, session: AsyncSession, actor: Actor) -> int:
    """Drop every cached answer of the business (say, after a bulk edit); returns how many."""
    actor.require("admin:settings")
    cleared = cache.clear(actor.tenant_id)
    record_audit(
        session,
        actor,
        action="assistant_cache.clear",
        entity_type="assistant_cache",
        before={"entries": cleared},
    )
    return cleared
