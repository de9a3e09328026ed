"""The vector store interface: everything engine-neutral lives here, each engine adds primitives.

:class:`VectorStore` does the work that must not differ between engines (point ids, payloads, BM25
vectors, filters with the tenant first, fusion, per-document collapse, highlights, hash bookkeeping)
and asks a subclass for a handful of primitives: write points, overwrite payloads, delete, scroll,
and run a batch of nearest-neighbour probes. The same test suite runs on every implementation.
"""

from __future__ import annotations

import time
import uuid
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from parley.knowledge.chunking import Chunk
from parley.knowledge.documents import DocumentKind
from parley.knowledge.filters import FieldMatch, FieldRange, filter_conditions, tenant_conditions, tenant_key
from parley.knowledge.fusion import Candidate, ConvexFusion, DbsfFusion, RrfFusion, convex_fuse
from parley.knowledge.highlight import highlight
from parley.knowledge.query import SearchHit, SearchMode, SearchRequest, SearchResults
from parley.knowledge.sparse import Bm25Encoder, SparseVectorData

__all__ = [
    "DENSE_VECTOR",
    "SPARSE_VECTOR",
    "Condition",
    "DocumentHashes",
    "EmbeddedChunk",
    "Probe",
    "StoredPoint",
    "VectorStore",
    "point_id",
]

DENSE_VECTOR = "dense"
SPARSE_VECTOR = "bm25"
Condition = FieldMatch | FieldRange

#: Payload fields that get an index: every filter of :class:`SearchFilters` and the bookkeeping ones.
KEYWORD_FIELDS = ("document_id", "kind", "category", "status", "language", "stock_status", "tags")
FLOAT_FIELDS = ("price",)
_METADATA_FIELDS = (
    "source",
    "category",
    "product_id",
    "sku",
    "price",
    "stock_status",
    "status",
    "language",
    "tags",
    "question_variants",
)
_HASH_FIELDS = ["document_id", "chunk_id", "document_hash", "chunk_hash", "chunk_count"]
_POINT_NAMESPACE = uuid.UUID("5b0c3f4e-8d0e-4f7a-9a52-3c1f0e6d2b71")
#: With ``per_document``, this many chunks per wanted hit are fetched before collapsing.
_COLLAPSE_FACTOR = 4


def point_id(tenant_id: str, chunk_id: str) -> str:
    """Derive a chunk's point id from tenant and chunk id, so tenants never overwrite each other."""
    return str(uuid.uuid5(_POINT_NAMESPACE, f"{tenant_key(tenant_id)}\x1f{chunk_id}"))


@dataclass(frozen=True, slots=True)
class EmbeddedChunk:
    """A chunk and its dense vector, ready to write."""

    chunk: Chunk
    vector: Sequence[float] | np.ndarray


@dataclass(frozen=True, slots=True)
class StoredPoint:
    """A point as the engines take it: id, both vectors, payload."""

    id: str
    dense: list[float]
    sparse: SparseVectorData
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class Probe:
    """One nearest-neighbour search an engine runs: which vector, with what, how many."""

    using: Literal["dense", "bm25"]
    vector: list[float] | SparseVectorData
    limit: int
    score_threshold: float | None = None


@dataclass(frozen=True, slots=True)
class DocumentHashes:
    """What the index holds for one document.

    Attributes:
        document_hash: The content hash all its chunks agree on, or None when they disagree or some are
            missing (an interrupted write): then the document is indexed again.
        chunk_hashes: Chunk id to the hash of the text that was embedded.

    """

    document_hash: str | None
    chunk_hashes: dict[str, str]


class VectorStore(ABC):
    """Chunks with a dense and a BM25 vector each, searchable by one tenant at a time.

    Args:
        dim: Size of the dense vectors.
        sparse_encoder: Turns chunk and query text into BM25 vectors; the default is English.

    """

    def __init__(self, *, dim: int, sparse_encoder: Bm25Encoder | None = None) -> None:
        self.dim = dim
        self.sparse_encoder = sparse_encoder or Bm25Encoder()

    # ---- primitives each engine provides -------------------------------------------------------

    @abstractmethod
    def ensure_collection(self) -> None:
        """Create the collection and its payload indexes if they do not exist; safe to call again."""

    @abstractmethod
    def _upsert_points(self, points: Sequence[StoredPoint]) -> None: ...

    @abstractmethod
    def _overwrite_payloads(self, payloads: Sequence[tuple[str, dict[str, Any]]]) -> None: ...

    @abstractmethod
    def _delete_where(self, conditions: Sequence[Condition]) -> None: ...

    @abstractmethod
    def _delete_ids(self, ids: Sequence[str]) -> None: ...

    @abstractmethod
    def _scroll(self, conditions: Sequence[Condition], fields: Sequence[str]) -> Iterator[dict[str, Any]]: ...

    @abstractmethod
    def _count(self, conditions: Sequence[Condition]) -> int: ...

    @abstractmethod
    def _probe(
        self, probes: Sequence[Probe], conditions: Sequence[Condition], idf_corpus: Sequence[Condition]
    ) -> list[list[Candidate]]:
        """Run the probes in one engine call; BM25 probes compute IDF over ``idf_corpus`` only."""

    @abstractmethod
    def _probe_fused(
        self,
        probes: Sequence[Probe],
        fusion: RrfFusion | DbsfFusion,
        limit: int,
        conditions: Sequence[Condition],
        idf_corpus: Sequence[Condition],
    ) -> list[Candidate]:
        """Prefetch with each probe and fuse inside the engine."""

    def optimize(self) -> None:  # noqa: B027 - optional: a server optimises on its own
        """Build indexes after a large write; a no-op where the engine does it in the background."""

    @abstractmethod
    def close(self) -> None:
        """Flush and release the store (and its folder lock)."""

    # ---- writes --------------------------------------------------------------------------------

    def upsert(self, chunks: Sequence[EmbeddedChunk]) -> None:
        """Write chunks with their dense vectors; the BM25 vector is computed here from ``index_text``."""
        points = []
        for item in chunks:
            vector = np.asarray(item.vector, dtype=np.float32).ravel()
            if vector.shape[0] != self.dim:
                raise ValueError(
                    f"chunk {item.chunk.chunk_id} has a {vector.shape[0]}-d vector, need {self.dim}"
                )
            points.append(
                StoredPoint(
                    point_id(item.chunk.tenant_id, item.chunk.chunk_id),
                    vector.tolist(),
                    self.sparse_encoder.embed_document(item.chunk.index_text),
                    _payload(item.chunk),
                )
            )
        if points:
            self._upsert_points(points)

    def update_metadata(self, chunks: Sequence[Chunk]) -> None:
        """Rewrite the payload of chunks whose text (and so vectors) did not change."""
        if chunks:
            self._overwrite_payloads([(point_id(c.tenant_id, c.chunk_id), _payload(c)) for c in chunks])

    def delete_documents(self, tenant_id: str, document_ids: Iterable[str]) -> None:
        """Remove every chunk of these documents of this tenant."""
        document_ids = list(document_ids)
        if document_ids:
            self._delete_where(tenant_conditions(tenant_id, document_ids))

    def delete_chunks(self, tenant_id: str, chunk_ids: Iterable[str]) -> None:
        """Remove single chunks of this tenant (those a changed document no longer has)."""
        ids = [point_id(tenant_id, chunk_id) for chunk_id in chunk_ids]
        if ids:
            self._delete_ids(ids)

    # ---- reads ---------------------------------------------------------------------------------

    def get_hashes(
        self, tenant_id: str, document_ids: Iterable[str] | None = None
    ) -> dict[str, DocumentHashes]:
        """Hashes of what is indexed for a tenant's documents (all of them when ``document_ids`` is None)."""
        wanted = None if document_ids is None else list(document_ids)
        if wanted == []:
            return {}
        rows: dict[str, list[dict[str, Any]]] = {}
        for payload in self._scroll(tenant_conditions(tenant_id, wanted), _HASH_FIELDS):
            rows.setdefault(payload["document_id"], []).append(payload)
        result = {}
        for document_id, chunks in rows.items():
            hashes = {c["document_hash"] for c in chunks}
            complete = len(hashes) == 1 and all(c["chunk_count"] == len(chunks) for c in chunks)
            result[document_id] = DocumentHashes(
                hashes.pop() if complete else None, {c["chunk_id"]: c["chunk_hash"] for c in chunks}
            )
        return result

    def count(self, tenant_id: str) -> int:
        """Chunks indexed for a tenant."""
        return self._count(tenant_conditions(tenant_id))

    def search(self, request: SearchRequest) -> SearchResults:
        """Rank the tenant's chunks for a query, filtered, fused and highlighted."""
        started = time.perf_counter()
        conditions = filter_conditions(request.filters)
        idf_corpus = tenant_conditions(request.filters.tenant_id)
        wanted = request.limit * (_COLLAPSE_FACTOR if request.per_document else 1)
        sparse = self.sparse_encoder.embed_query(request.text)
        dense = (
            None if request.vector is None else np.asarray(request.vector, dtype=np.float32).ravel().tolist()
        )

        candidates: list[Candidate]
        if request.mode is SearchMode.DENSE:
            assert dense is not None
            probe = Probe(DENSE_VECTOR, dense, wanted, request.score_threshold)
            candidates = self._probe([probe], conditions, idf_corpus)[0]
        elif request.mode is SearchMode.KEYWORD:
            probe = Probe(SPARSE_VECTOR, sparse, wanted, request.score_threshold)
            candidates = self._probe([probe], conditions, idf_corpus)[0] if sparse else []
        else:
            assert dense is not None
            candidates = self._hybrid(request, dense, sparse, wanted, conditions, idf_corpus)

        if request.per_document:
            candidates = _best_per_document(candidates)
        query_ids = frozenset(sparse.indices)
        hits = [self._hit(c, query_ids) for c in candidates[: request.limit]]
        took_ms = (time.perf_counter() - started) * 1000
        return SearchResults(hits=hits, took_ms=took_ms, mode=request.mode)

    def _hybrid(
        self,
        request: SearchRequest,
        dense: list[float],
        sparse: SparseVectorData,
        wanted: int,
        conditions: Sequence[Condition],
        idf_corpus: Sequence[Condition],
    ) -> list[Candidate]:
        prefetch = max(request.prefetch_limit, wanted)
        probes = [Probe(DENSE_VECTOR, dense, prefetch)]
        if sparse:
            probes.append(Probe(SPARSE_VECTOR, sparse, prefetch))
        fusion = request.fusion
        if isinstance(fusion, ConvexFusion):
            lists = self._probe(probes, conditions, idf_corpus)
            fused = convex_fuse(lists[0], lists[1] if sparse else [], keyword_weight=fusion.keyword_weight)
        else:
            if isinstance(fusion, RrfFusion) and fusion.weights and not sparse:
                fusion = RrfFusion(k=fusion.k, weights=fusion.weights[:1])
            fused = self._probe_fused(probes, fusion, wanted, conditions, idf_corpus)
        if request.score_threshold is not None:
            fused = [c for c in fused if c.score >= request.score_threshold]
        return fused[:wanted]

    def _hit(self, candidate: Candidate, query_ids: frozenset[int]) -> SearchHit:
        payload = candidate.payload
        marked = highlight(payload.get("text", ""), query_ids, self.sparse_encoder)
        return SearchHit(
            document_id=payload["document_id"],
            chunk_id=payload["chunk_id"],
            kind=DocumentKind(payload["kind"]),
            title=payload.get("title", ""),
            text=payload.get("text", ""),
            heading_path=tuple(payload.get("heading_path", ())),
            score=float(candidate.score),
            scores=dict(candidate.scores),
            metadata={key: payload[key] for key in _METADATA_FIELDS if key in payload},
            highlights=marked.fragments,
            matched_terms=marked.terms,
        )


def _best_per_document(candidates: Sequence[Candidate]) -> list[Candidate]:
    seen: set[str] = set()
    best = []
    for candidate in candidates:
        document_id = candidate.payload["document_id"]
        if document_id not in seen:
            seen.add(document_id)
            best.append(candidate)
    return best


def _payload(chunk: Chunk) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "tenant_id": chunk.tenant_id,
        "document_id": chunk.document_id,
        "chunk_id": chunk.chunk_id,
        "position": chunk.position,
        "kind": str(chunk.kind),
        "title": chunk.title,
        "text": chunk.text,
        "heading_path": list(chunk.heading_path),
        "document_hash": chunk.document_hash,
        "chunk_hash": chunk.chunk_hash,
        "chunk_count": chunk.chunk_count,
    }
    for key, value in chunk.metadata.model_dump(mode="json").items():
        if value is not None and value != []:
            payload[key] = value
    return payload
