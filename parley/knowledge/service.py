"""The process's knowledge index: one store, the shared embedder, search, and re-indexing driven by events.

Writers never call the index. Product, stock, article and FAQ writes emit domain events; after their
transaction commits, :meth:`KnowledgeIndex.on_event` notes which documents changed and, a moment later,
re-reads them in one batch (an import of 500 products is one embedding run, not 500). A full
:meth:`KnowledgeIndex.sync` compares the whole tenant with the index and costs almost nothing when
nothing changed, so the server runs one at start-up and the CLI after an ingest.
"""

from __future__ import annotations

import asyncio
import logging
import re
import threading
import time
import uuid
from collections import defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.db import Database
from parley.core.events import DomainEvent, EventBus, event_bus
from parley.core.settings import Settings
from parley.identity.models import Tenant
from parley.knowledge.documents import DocumentKind
from parley.knowledge.embeddings import Embedder, get_embedder
from parley.knowledge.filters import SearchFilters
from parley.knowledge.fusion import Fusion
from parley.knowledge.glossary import asks_for, states, topic_words, topics
from parley.knowledge.indexer import Indexer, IndexReport
from parley.knowledge.kb.models import Faq
from parley.knowledge.query import SearchHit, SearchMode, SearchResults
from parley.knowledge.search import KnowledgeSearch
from parley.knowledge.sources import DocumentRef, load_document, load_tenant_documents
from parley.knowledge.stores.base import VectorStore

__all__ = [
    "ANSWER_MIN_SIMILARITY",
    "FOREIGN_ANSWER_MIN_SIMILARITY",
    "FOREIGN_MATCH_MIN_SIMILARITY",
    "KnowledgeIndex",
    "StoreBusy",
    "knowledge_of",
    "ref_of_event",
]

_log = logging.getLogger(__name__)

ANSWER_MIN_SIMILARITY = 0.5
"""MiniLM cosine below which the best FAQ or article chunk is no answer, unless both name a policy topic.

On the demo shop, "do you have titanium sheets?" (a product the shop lacks) met the certificates FAQ at 0.46
with no word in common; "how long is the warranty on your vices?" finds the warranty article at 0.43, but
through the word "warranty"; "can I pay by card?" finds the bank-transfer FAQ at 0.65. A shared word that
names no topic is not enough: "Are your bearings made in Germany?" met the shop's address at 0.38 through
"Germany", and "is there a minimum order?" the pick-up FAQ at 0.44 through "order".
"""
FOREIGN_ANSWER_MIN_SIMILARITY = 0.65
"""MiniLM cosine a German or Spanish question needs to the business's texts in its own language, shared words
or not.

The keyword index stems and drops English words only, and MiniLM, trained on English, puts German and Spanish
texts closer than their meaning. With the demo's German and Spanish FAQs, wrong answers scored up to 0.59
("Gibt es ein 3.1 Zeugnis?" met the warranty FAQ at 0.57 through "Gibt es"; "¿y de 8?" the opening hours at
0.59), right ones 0.62-1.0 ("Liefern Sie nach Österreich?" 0.72; a variant the business wrote down 1.0). Below
the floor the English texts are searched as for any question.
"""
FOREIGN_MATCH_MIN_SIMILARITY = 0.8
"""The same for :meth:`KnowledgeIndex.faq_match`, which takes a question for an FAQ instead of its intent:
"Wann kommt meine Bestellung?" met the German delivery FAQ at 0.72 and is an order question."""

TOPIC_CANDIDATES = 5
"""How many texts a question that names a policy topic looks through for one about it, by meaning and, in a
German or Spanish customer's language, as many again by the topic's words; an FAQ whose question names the
topic answers it however far in meaning (the topic is the evidence): "Wie lange habt ihr heute offen?" is
closest to the German warranty and delivery FAQs ("Wie lange ...?"), and the hours FAQ "Wann haben Sie
geöffnet?" came sixth at 0.43 once the demo shop answered more German questions."""

#: The entity types whose events change what the index holds.
_KINDS = {"product": DocumentKind.PRODUCT, "article": DocumentKind.ARTICLE, "faq": DocumentKind.FAQ}


def _mentions(text: str, words: frozenset[str]) -> bool:
    return bool(words) and not words.isdisjoint(re.findall(r"\w+", text.lower()))


class StoreBusy(RuntimeError):
    """The embedded store's folder is held by another process (the running server)."""


def ref_of_event(domain_event: DomainEvent) -> DocumentRef | None:
    """The document an event is about, or None for events the index does not care about."""
    kind = _KINDS.get(domain_event.entity_type)
    if kind is None or domain_event.entity_id is None:
        return None
    return DocumentRef(kind, uuid.UUID(domain_event.entity_id))


def knowledge_of(session: AsyncSession) -> KnowledgeIndex:
    """The knowledge index of the process that opened this session (see ``Database.services``)."""
    index = session.info.get("knowledge")
    if index is None:
        raise RuntimeError("this database has no knowledge index; build it through Runtime.build")
    return index


class KnowledgeIndex:
    """Search and indexing for every tenant of this process.

    Args:
        settings: Where the embedded store lives, or the Qdrant server to use; the embedding model.
        db: Where products, articles and FAQs are read from.
        embedder: Share the agent's embedder; loaded from the settings when None.
        store: An already open store (tests); built from the settings when None.
        debounce_seconds: How long re-indexing waits to batch the events of one burst of writes.

    """

    def __init__(
        self,
        settings: Settings,
        db: Database,
        *,
        embedder: Embedder | None = None,
        store: VectorStore | None = None,
        debounce_seconds: float = 0.05,
    ) -> None:
        self.settings = settings
        self.db = db
        self._embedder = embedder
        self._store = store
        self._owns_store = store is None
        self.debounce_seconds = debounce_seconds
        self._pending: dict[uuid.UUID, set[DocumentRef]] = defaultdict(set)
        self._flushing: asyncio.Task[None] | None = None
        self._writing = asyncio.Lock()
        self._bus: EventBus | None = None
        self._loading = threading.Lock()

    @property
    def embedder(self) -> Embedder:
        """The shared embedder, loaded on first use."""
        with self._loading:  # the agent's warm-up and the start-up sync ask at the same moment
            if self._embedder is None:
                self._embedder = get_embedder(self.settings.embedding_model)
        return self._embedder

    @property
    def store(self) -> VectorStore:
        """The Qdrant server when configured, else the embedded Qdrant Edge shard under the data folder."""
        if self._store is None:
            self._store = self._open_store()
        return self._store

    def _open_store(self) -> VectorStore:
        if self.settings.qdrant_url:
            from parley.knowledge.stores.qdrant_server import QdrantServerStore

            api_key = self.settings.qdrant_api_key
            return QdrantServerStore.from_url(
                self.settings.qdrant_url,
                api_key=api_key.get_secret_value() if api_key else None,
                dim=self.embedder.dim,
            )
        from parley.knowledge.stores.edge import EdgeStore

        path = Path(self.settings.data_dir) / "knowledge"
        try:
            return EdgeStore(path, dim=self.embedder.dim)
        except Exception as exc:  # qdrant-edge reports a held folder lock as a plain error
            raise StoreBusy(f"the knowledge index at {path} is in use by another Parley process") from exc

    async def search(
        self,
        text: str,
        *,
        filters: SearchFilters,
        mode: SearchMode | None = None,
        query_vector: Any = None,
        limit: int = 10,
        score_threshold: float | None = None,
        fusion: Fusion | None = None,
    ) -> SearchResults:
        """Rank the tenant's knowledge for a query, off the event loop."""
        searcher = KnowledgeSearch(self.store, self.embedder)
        return await asyncio.to_thread(
            searcher.search,
            text,
            filters=filters,
            mode=mode,
            query_vector=query_vector,
            limit=limit,
            score_threshold=score_threshold,
            fusion=fusion,
        )

    async def answer(
        self,
        tenant_id: uuid.UUID,
        question: str,
        *,
        query_vector: Any = None,
        language: str | None = None,
        mentioning: frozenset[str] = frozenset(),
    ) -> str | None:
        """The published FAQ answer or article passage that best answers a question, or None.

        An FAQ is often found through one of its phrasings, whose chunk holds the question; the answer
        is then read from the FAQ itself. The best hit is no answer when it shares no word with the
        question and its meaning is far from it (see ``ANSWER_MIN_SIMILARITY``): the customer then gets a
        person, not a wrong article. A German or Spanish question looks among the business's texts in its
        ``language`` first, which must be close in meaning (``FOREIGN_ANSWER_MIN_SIMILARITY``), then among
        the English ones as any question does. When it names a policy topic (:mod:`parley.knowledge.glossary`),
        only a text about that topic answers it, the closest of the first ``TOPIC_CANDIDATES`` however far in
        meaning, and the English ones are searched by the topic's words. Among those, a question what
        something costs or how long it takes gets the closest that states a sum or a time, if one does ("Was
        kostet die Lieferung?" was nearest to "Wie lange dauert die Lieferung?"). Of those, one that has a word
        of ``mentioning`` (lower case) comes first: "how long does shipping take? and to Switzerland?" asks of
        Switzerland.
        """
        asked, named = _policy_topics(question, language), topics(question, "en")
        wanted = asks_for(question)
        for languages, floor in _passes(language, FOREIGN_ANSWER_MIN_SIMILARITY):
            filters = SearchFilters(
                tenant_id=str(tenant_id), kinds=(DocumentKind.FAQ, DocumentKind.ARTICLE), languages=languages
            )
            # A question about a topic, or asked of something named, takes the best text among the first few
            limit = TOPIC_CANDIDATES if asked or mentioning else 1
            candidates = _candidates(self.search, question, asked, filters, query_vector, limit)
            fitting: list[str] = []
            async for hit, by_topic in candidates:
                dense = hit.scores.get("dense", 1.0)
                far = (
                    by_topic
                    or (floor is not None and dense < floor)
                    or (
                        floor is None
                        and dense < ANSWER_MIN_SIMILARITY
                        and hit.scores.get("keyword", 0.0) <= 0.0
                    )
                )
                by_a_word = floor is None and not far and dense < ANSWER_MIN_SIMILARITY
                if far and not (asked and hit.kind is DocumentKind.FAQ):
                    continue
                answer = hit.text
                if hit.kind is DocumentKind.FAQ:
                    faq = await self._faq(tenant_id, hit.document_id)
                    if faq is None:
                        return None
                    about, answer = _faq_topics(faq, asked_only=far), faq.answer
                else:
                    # A section says what it is about in its headings too ("Opening hours": "Monday to Friday")
                    about = topics(
                        " ".join((*hit.heading_path, hit.text)), languages[0] if languages else None
                    )
                if (asked and not asked & about) or (by_a_word and not named & about):
                    continue
                if (not mentioning or _mentions(answer, mentioning)) and (
                    wanted is None or states(answer, wanted)
                ):
                    return answer  # none can fit better: the FAQs after it need not be read
                fitting.append(answer)
            if fitting:
                # on the topic; what it costs or how long it takes if one says, what the customer named first
                return max(
                    fitting, key=lambda a: (_mentions(a, mentioning), wanted is None or states(a, wanted))
                )
        return None

    async def faq_match(
        self,
        tenant_id: uuid.UUID,
        question: str,
        *,
        query_vector: Any = None,
        min_similarity: float,
        language: str | None = None,
    ) -> str | None:
        """The answer of the FAQ whose question or a variant means the same as ``question``, or None.

        Dense only: a customer's wording close to a question the business wrote down is the signal, and
        the turn's vector makes it one vector look-up. The FAQs in a German or Spanish customer's
        ``language`` come first, at no less than ``FOREIGN_MATCH_MIN_SIMILARITY``; as in :meth:`answer`, a
        question that names a policy topic takes only an FAQ about it, and the other way round.
        """
        asked = _policy_topics(question, language)
        for languages, floor in _passes(language, max(min_similarity, FOREIGN_MATCH_MIN_SIMILARITY)):
            filters = SearchFilters(tenant_id=str(tenant_id), kinds=(DocumentKind.FAQ,), languages=languages)
            results = await self.search(
                question,
                filters=filters,
                mode=SearchMode.DENSE,
                query_vector=query_vector,
                limit=1,
                score_threshold=floor if floor is not None else min_similarity,
            )
            if results.hits:
                faq = await self._faq(tenant_id, results.hits[0].document_id)
                if faq is not None and not _on_topic(asked, faq, language):
                    continue
                return None if faq is None else faq.answer
        return None

    async def _faq(self, tenant_id: uuid.UUID, document_id: str) -> Faq | None:
        async with self.db.session(tenant_id) as session:
            return await session.get(Faq, uuid.UUID(document_id))

    async def sync(self, tenant_id: uuid.UUID) -> IndexReport:
        """Make the tenant's index match its records: index what changed, drop what no longer exists."""
        async with self.db.session(tenant_id) as session:
            documents = await load_tenant_documents(session)
        async with self._writing:
            return await asyncio.to_thread(self._replace_tenant, str(tenant_id), documents)

    def _replace_tenant(self, tenant_id: str, documents: list[Any]) -> IndexReport:
        indexer = Indexer(self.store, self.embedder)
        gone = set(self.store.get_hashes(tenant_id)) - {document.id for document in documents}
        indexer.delete(tenant_id, sorted(gone))
        report = indexer.index(documents)
        report.chunks_deleted += len(gone)
        return report

    async def sync_all(self) -> dict[str, IndexReport]:
        """:meth:`sync` every tenant; reports by tenant slug."""
        async with self.db.system_session() as session:
            tenants = list(await session.execute(select(Tenant.id, Tenant.slug)))
        return {slug: await self.sync(tenant_id) for tenant_id, slug in tenants}

    async def keep_fresh(self, interval_s: float) -> None:
        """Listen for changes and :meth:`sync_all` now and every ``interval_s`` seconds (0: once).

        The periodic sync picks up what other processes wrote, such as ``parley ingest`` while the
        server holds the embedded store. Runs until cancelled.
        """
        self.listen()
        while True:
            started = time.perf_counter()
            try:
                reports = await self.sync_all()
            except Exception:  # a failed round is retried at the next one
                _log.exception("syncing the knowledge index failed")
            else:
                for slug, report in reports.items():
                    if report.indexed or report.chunks_deleted:
                        _log.info(
                            "knowledge index of %s: %d documents indexed, %d unchanged, %d chunks removed "
                            "(%.1f s)",
                            slug,
                            report.indexed,
                            report.unchanged,
                            report.chunks_deleted,
                            time.perf_counter() - started,
                        )
            if not interval_s:
                return
            await asyncio.sleep(interval_s)

    async def refresh(self, tenant_id: uuid.UUID, refs: set[DocumentRef]) -> IndexReport:
        """Re-read these records and index them as they are now; deleted ones leave the index."""
        async with self.db.session(tenant_id) as session:
            found = {ref: await load_document(session, ref) for ref in refs}
        present = [document for document in found.values() if document is not None]
        gone = sorted(str(ref.id) for ref, document in found.items() if document is None)
        async with self._writing:
            indexer = Indexer(self.store, self.embedder)
            await asyncio.to_thread(indexer.delete, str(tenant_id), gone)
            return await asyncio.to_thread(indexer.index, present)

    async def on_event(self, domain_event: DomainEvent) -> None:
        """Note a committed change; the documents it touched are re-indexed in the next batch."""
        ref = ref_of_event(domain_event)
        if ref is None:
            return
        self._pending[domain_event.tenant_id].add(ref)
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.get_running_loop().create_task(self._flush())

    async def _flush(self) -> None:
        await asyncio.sleep(self.debounce_seconds)
        while self._pending:
            pending, self._pending = self._pending, defaultdict(set)
            for tenant_id, refs in pending.items():
                try:
                    await self.refresh(tenant_id, refs)
                except Exception:  # the next sync repairs the index; writers must never see this
                    _log.exception("re-indexing %d documents of tenant %s failed", len(refs), tenant_id)

    async def drain(self) -> None:
        """Wait until every noted change is in the index (tests, shutdown)."""
        if self._bus is not None:
            await self._bus.drain()
        while self._flushing is not None and not self._flushing.done():
            await self._flushing

    def listen(self, bus: EventBus = event_bus) -> None:
        """Start re-indexing on the events of this bus."""
        if self._bus is None:
            bus.subscribe("*", self.on_event)
            self._bus = bus

    def stop_listening(self) -> None:
        """Stop hearing events (another app in the same process may still listen with its own index)."""
        if self._bus is not None:
            self._bus.unsubscribe("*", self.on_event)
            self._bus = None

    async def aclose(self) -> None:
        """Finish pending work, stop listening and release the store's folder."""
        await self.drain()
        self.stop_listening()
        if self._store is not None and self._owns_store:
            self._store.close()
            self._store = None


def _policy_topics(question: str, language: str | None) -> frozenset[str]:
    """The policy topics a German or Spanish question names; none for English, which keeps the usual rule."""
    return frozenset() if language in (None, "en") else topics(question, language)


def _on_topic(asked: frozenset[str], faq: Faq, language: str | None) -> bool:
    """Whether a German or Spanish question and an FAQ near it in meaning ask about the same policy topic.

    Not when either names one and they share none: short questions in those languages sit close to each
    other in MiniLM whatever they ask ("¿tienen fresas?" is 0.82 from "¿Tienen garantía?").
    """
    if asked:
        return bool(asked & _faq_topics(faq))
    return language in (None, "en") or not _faq_topics(faq, asked_only=True)


async def _candidates(
    search: Callable[..., Awaitable[SearchResults]],
    question: str,
    asked: frozenset[str],
    filters: SearchFilters,
    query_vector: Any,
    limit: int,
) -> AsyncIterator[tuple[SearchHit, bool]]:
    """The texts an answer is chosen from, each with whether it was found by a topic's words alone.

    Among English texts a topic question is searched by the topic's English words. In a German or Spanish
    customer's language, the texts nearest in meaning come first, then, only if the caller reads on, those
    that name the topic: the hours FAQ may sit below the first few ("Wie lange habt ihr heute offen?" is
    nearest to "Wie lange ist die Garantie?" and the other "Wie lange ...?" FAQs). A text found by a word alone
    counts as far in meaning, so only the topic of what an FAQ asks counts (see :func:`_faq_topics`).
    ``search`` is the index's own, or the turn's tracker of the documents its searches return
    (``parley.agent.cache.SourceTracker``).
    """
    languages = filters.languages
    if asked and languages == ("en",):
        keyword = await search(topic_words(asked), filters=filters, mode=SearchMode.KEYWORD, limit=limit)
        for hit in keyword.hits:
            yield hit, False
        return
    results = await search(question, filters=filters, query_vector=query_vector, limit=limit)
    for hit in results.hits:
        yield hit, False
    if asked and languages:
        named = await search(
            topic_words(asked, languages[0]), filters=filters, mode=SearchMode.KEYWORD, limit=limit
        )
        seen = {hit.document_id for hit in results.hits}
        for hit in named.hits:
            if hit.document_id not in seen:
                yield hit, True


def _faq_topics(faq: Faq, *, asked_only: bool = False) -> frozenset[str]:
    """The policy topics of an FAQ, from its question, its variants and (unless ``asked_only``) its answer.

    A text far in meaning from the question is taken on the strength of its topic alone, and then only the
    topic of what it asks counts: the German warranty FAQ's answer mentions "Schneiden" (cutting edges).
    """
    texts = [faq.question, *faq.variants] if asked_only else [faq.question, *faq.variants, faq.answer]
    return topics(" ".join(texts), faq.language)


def _passes(language: str | None, foreign_floor: float) -> list[tuple[tuple[str, ...], float | None]]:
    """Where to look, in turn, with the similarity each look must reach (None: the usual English rule).

    English (or unknown): everywhere, as always. Another language: its own texts at the stricter floor, then
    the English ones, so a German customer still gets the answer of a business that wrote only English ones.
    """
    if language in (None, "en"):
        return [((), None)]
    return [((language,), foreign_floor), (("en",), None)]
