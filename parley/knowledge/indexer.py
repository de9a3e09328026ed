"""Keeping the index in step with the documents, paying only for what changed.

Embedding is the expensive part (about 160 chunks a second on two cores), so the indexer compares
content hashes before doing anything: an unchanged document is neither chunked nor embedded nor
written; a document whose metadata changed but whose text did not (a new price, say) gets its payloads
rewritten with the vectors it already has; only chunks whose text changed are embedded again.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice

from parley.knowledge.chunking import Chunk, Chunker
from parley.knowledge.documents import KnowledgeDocument
from parley.knowledge.embeddings import Embedder
from parley.knowledge.stores.base import DocumentHashes, EmbeddedChunk, VectorStore

__all__ = ["IndexReport", "Indexer"]


@dataclass(slots=True)
class IndexReport:
    """What one :meth:`Indexer.index` call did.

    Attributes:
        documents: Documents given.
        unchanged: Documents skipped because their hash matched the index.
        indexed: Documents written (new or changed).
        chunks_embedded: Chunks embedded and written.
        chunks_relabelled: Chunks whose text was unchanged: payload rewritten, no embedding.
        chunks_deleted: Chunks a changed document no longer has.
        seconds: Wall time.

    """

    documents: int = 0
    unchanged: int = 0
    indexed: int = 0
    chunks_embedded: int = 0
    chunks_relabelled: int = 0
    chunks_deleted: int = 0
    seconds: float = 0.0
    optimized: bool = False


@dataclass(slots=True)
class _Plan:
    embed: list[Chunk] = field(default_factory=list)
    relabel: list[Chunk] = field(default_factory=list)
    stale: dict[str, list[str]] = field(default_factory=dict)


class Indexer:
    """Chunks, embeds and writes documents into a store, skipping what is already there.

    Args:
        store: Where chunks go.
        embedder: The shared embedder (:func:`~parley.knowledge.embeddings.get_embedder`).
        chunker: How documents are cut; the default suits MiniLM.
        batch_size: Texts per embedding batch.
        window: Documents handled per round (hash lookup, embedding, write), bounding memory.
        optimize_after: After writing at least this many chunks in one call, let the store build its
            indexes (Qdrant Edge builds HNSW only when asked).

    """

    def __init__(
        self,
        store: VectorStore,
        embedder: Embedder,
        *,
        chunker: Chunker | None = None,
        batch_size: int = 64,
        window: int = 1024,
        optimize_after: int = 5000,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunker = chunker or Chunker()
        self.batch_size = batch_size
        self.window = window
        self.optimize_after = optimize_after
        self._salt = f"model={embedder.model_name}"

    def index(self, documents: Iterable[KnowledgeDocument]) -> IndexReport:
        """Bring the index up to date with these documents (others in the index are left alone)."""
        started = time.perf_counter()
        report = IndexReport()
        by_tenant: dict[str, list[KnowledgeDocument]] = {}
        for document in _last_of_each(documents):
            by_tenant.setdefault(document.tenant_id, []).append(document)
        for tenant_id, tenant_documents in by_tenant.items():
            report.documents += len(tenant_documents)
            # A catalogue sync reads all the tenant's hashes in one scroll; a few documents look up theirs.
            everything = self.store.get_hashes(tenant_id) if len(tenant_documents) > self.window else None
            for window in _windows(tenant_documents, self.window):
                known = (
                    everything
                    if everything is not None
                    else self.store.get_hashes(tenant_id, [d.id for d in window])
                )
                self._apply(tenant_id, self._plan(window, known, report), report)
        if report.chunks_embedded >= self.optimize_after:
            self.store.optimize()
            report.optimized = True
        report.seconds = time.perf_counter() - started
        return report

    def delete(self, tenant_id: str, document_ids: Iterable[str]) -> None:
        """Remove documents from the index; search never returns their chunks again."""
        self.store.delete_documents(tenant_id, document_ids)

    def _plan(
        self, documents: Sequence[KnowledgeDocument], known: dict[str, DocumentHashes], report: IndexReport
    ) -> _Plan:
        plan = _Plan()
        for document in documents:
            indexed = known.get(document.id)
            if indexed and indexed.document_hash == self.chunker.document_hash(document, salt=self._salt):
                report.unchanged += 1
                continue
            report.indexed += 1
            chunks = self.chunker.chunk(document, salt=self._salt)
            old = indexed.chunk_hashes if indexed else {}
            for chunk in chunks:
                (plan.relabel if old.get(chunk.chunk_id) == chunk.chunk_hash else plan.embed).append(chunk)
            stale = set(old) - {chunk.chunk_id for chunk in chunks}
            if stale:
                plan.stale[document.id] = sorted(stale)
        return plan

    def _apply(self, tenant_id: str, plan: _Plan, report: IndexReport) -> None:
        # Stale chunks go first: if a write is interrupted, the document's chunks disagree on their
        # hash (or count) and the next run indexes it again instead of trusting a half-written state.
        stale = [chunk_id for chunk_ids in plan.stale.values() for chunk_id in chunk_ids]
        self.store.delete_chunks(tenant_id, stale)
        report.chunks_deleted += len(stale)
        self.store.update_metadata(plan.relabel)
        report.chunks_relabelled += len(plan.relabel)
        for start in range(0, len(plan.embed), self.batch_size * 8):
            batch = plan.embed[start : start + self.batch_size * 8]
            vectors = self.embedder.embed([chunk.index_text for chunk in batch], batch_size=self.batch_size)
            self.store.upsert(
                [EmbeddedChunk(chunk, vector) for chunk, vector in zip(batch, vectors, strict=True)]
            )
            report.chunks_embedded += len(batch)


def _last_of_each(documents: Iterable[KnowledgeDocument]) -> list[KnowledgeDocument]:
    """Drop earlier copies of a document given twice in one call; the last one wins."""
    latest: dict[tuple[str, str], KnowledgeDocument] = {}
    for document in documents:
        latest.pop((document.tenant_id, document.id), None)
        latest[(document.tenant_id, document.id)] = document
    return list(latest.values())


def _windows(items: Sequence[KnowledgeDocument], size: int) -> Iterator[list[KnowledgeDocument]]:
    iterator = iter(items)
    while window := list(islice(iterator, size)):
        yield window
