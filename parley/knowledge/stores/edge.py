"""The embedded default: Qdrant Edge, Qdrant's own engine running inside the API process.

Files live in one folder, which the engine locks to one process: run one API process on it, or point
Parley at a Qdrant server (:class:`~parley.knowledge.stores.qdrant_server.QdrantServerStore`) to scale
out. Search is HNSW for dense vectors and an inverted index for BM25, with payload indexes on every
filterable field, so a filtered hybrid search over 50k products takes milliseconds.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import qdrant_edge as qe

from parley.knowledge.filters import FieldMatch
from parley.knowledge.fusion import Candidate, DbsfFusion, RrfFusion
from parley.knowledge.sparse import Bm25Encoder, SparseVectorData
from parley.knowledge.stores.base import (
    DENSE_VECTOR,
    FLOAT_FIELDS,
    KEYWORD_FIELDS,
    SPARSE_VECTOR,
    Condition,
    Probe,
    StoredPoint,
    VectorStore,
)

__all__ = ["EdgeStore"]

_SCROLL_PAGE = 2048


class EdgeStore(VectorStore):
    """Chunks in a Qdrant Edge shard in ``path`` (created on first use, reopened after).

    Args:
        path: The shard's folder; one process at a time.
        dim: Size of the dense vectors (384 for MiniLM).
        sparse_encoder: BM25 encoder; the default is English.

    """

    def __init__(
        self, path: str | Path, *, dim: int = 384, sparse_encoder: Bm25Encoder | None = None
    ) -> None:
        super().__init__(dim=dim, sparse_encoder=sparse_encoder)
        self.path = Path(path)
        self._shard: qe.EdgeShard | None = None
        self._write_lock = threading.Lock()
        self.ensure_collection()

    @property
    def shard(self) -> qe.EdgeShard:
        """The open shard; raises once the store is closed."""
        if self._shard is None:
            raise RuntimeError(f"the knowledge store at {self.path} is closed")
        return self._shard

    def ensure_collection(self) -> None:
        """Open the shard, creating it and its payload indexes on first use."""
        if self._shard is not None:
            return
        config = qe.EdgeConfig(
            vectors={DENSE_VECTOR: qe.EdgeVectorParams(size=self.dim, distance=qe.Distance.Cosine)},
            sparse_vectors={SPARSE_VECTOR: qe.EdgeSparseVectorParams(modifier=qe.Modifier.Idf)},
        )
        exists = self.path.is_dir() and any(self.path.iterdir())
        self._shard = (
            qe.EdgeShard.load(str(self.path), config)
            if exists
            else qe.EdgeShard.create(str(self.path), config)
        )
        indexed = set(self._shard.info().payload_schema)
        wanted: list[tuple[str, Any]] = [("tenant_id", qe.KeywordIndexParams(is_tenant=True))]
        wanted += [(name, qe.PayloadSchemaType.Keyword) for name in KEYWORD_FIELDS]
        wanted += [(name, qe.PayloadSchemaType.Float) for name in FLOAT_FIELDS]
        for name, schema in wanted:
            if name not in indexed:
                self._shard.update(qe.UpdateOperation.create_field_index(name, schema))

    def optimize(self) -> None:
        """Merge segments and build the HNSW index; worth it after a bulk import (blocks until done)."""
        with self._write_lock:
            self.shard.optimize()

    def close(self) -> None:
        """Flush to disk and release the folder lock."""
        if self._shard is not None:
            self._shard.flush()
            self._shard.close()
            self._shard = None

    # ---- primitives ----------------------------------------------------------------------------

    def _upsert_points(self, points: Sequence[StoredPoint]) -> None:
        edge_points = [
            qe.Point(p.id, {DENSE_VECTOR: p.dense, SPARSE_VECTOR: _sparse(p.sparse)}, p.payload)
            for p in points
        ]
        with self._write_lock:
            self.shard.update(qe.UpdateOperation.upsert_points(edge_points))

    def _overwrite_payloads(self, payloads: Sequence[tuple[str, dict[str, Any]]]) -> None:
        with self._write_lock:
            for point, payload in payloads:
                self.shard.update(qe.UpdateOperation.overwrite_payload([point], payload))

    def _delete_where(self, conditions: Sequence[Condition]) -> None:
        with self._write_lock:
            self.shard.update(qe.UpdateOperation.delete_points_by_filter(_filter(conditions)))

    def _delete_ids(self, ids: Sequence[str]) -> None:
        with self._write_lock:
            self.shard.update(qe.UpdateOperation.delete_points(list(ids)))

    def _scroll(self, conditions: Sequence[Condition], fields: Sequence[str]) -> Iterator[dict[str, Any]]:
        offset = None
        selector = qe.PayloadSelector.Include(list(fields))
        while True:
            records, offset = self.shard.scroll(
                qe.ScrollRequest(
                    offset=offset, limit=_SCROLL_PAGE, filter=_filter(conditions), with_payload=selector
                )
            )
            for record in records:
                yield record.payload or {}
            if offset is None:
                return

    def _count(self, conditions: Sequence[Condition]) -> int:
        return self.shard.count(qe.CountRequest(exact=True, filter=_filter(conditions)))

    def _probe(
        self, probes: Sequence[Probe], conditions: Sequence[Condition], idf_corpus: Sequence[Condition]
    ) -> list[list[Candidate]]:
        search_filter = _filter(conditions)
        params = qe.SearchParams(idf=qe.IdfParams(corpus=_filter(idf_corpus)))
        requests = [
            qe.QueryRequest(
                limit=probe.limit,
                query=_nearest(probe),
                filter=search_filter,
                score_threshold=probe.score_threshold,
                with_payload=True,
                params=params if probe.using == SPARSE_VECTOR else None,
            )
            for probe in probes
        ]
        batches = self.shard.query_batch(qe.QueryBatchRequest(requests))
        source = {DENSE_VECTOR: "dense", SPARSE_VECTOR: "keyword"}
        return [
            [Candidate(str(p.id), p.score, p.payload or {}, {source[probe.using]: p.score}) for p in points]
            for probe, points in zip(probes, batches, strict=True)
        ]

    def _probe_fused(
        self,
        probes: Sequence[Probe],
        fusion: RrfFusion | DbsfFusion,
        limit: int,
        conditions: Sequence[Condition],
        idf_corpus: Sequence[Condition],
    ) -> list[Candidate]:
        search_filter = _filter(conditions)
        params = qe.SearchParams(idf=qe.IdfParams(corpus=_filter(idf_corpus)))
        prefetches = [
            qe.Prefetch(
                limit=probe.limit,
                query=_nearest(probe),
                filter=search_filter,
                params=params if probe.using == SPARSE_VECTOR else None,
            )
            for probe in probes
        ]
        engine_fusion: Any = (
            qe.Fusion.Rrf(k=fusion.k, weights=list(fusion.weights) if fusion.weights else None)
            if isinstance(fusion, RrfFusion)
            else qe.Fusion.Dbsf()
        )
        points = self.shard.query(
            qe.QueryRequest(
                limit=limit,
                prefetches=prefetches,
                query=engine_fusion,
                filter=search_filter,
                with_payload=True,
            )
        )
        return [Candidate(str(p.id), p.score, p.payload or {}) for p in points]


def _sparse(vector: SparseVectorData) -> qe.SparseVector:
    return qe.SparseVector(list(vector.indices), list(vector.values))


def _nearest(probe: Probe) -> qe.Query:
    vector = probe.vector
    if isinstance(vector, SparseVectorData):
        return qe.Query.Nearest(_sparse(vector), using=probe.using)
    return qe.Query.Nearest(vector, using=probe.using)


def _filter(conditions: Sequence[Condition]) -> qe.Filter:
    must: list[Any] = []
    for condition in conditions:
        if isinstance(condition, FieldMatch):
            values = list(condition.values)
            match: Any = qe.MatchValue(values[0]) if len(values) == 1 else qe.MatchAny(values)
            must.append(qe.FieldCondition(condition.key, match=match))
        else:
            must.append(
                qe.FieldCondition(condition.key, range=qe.RangeFloat(gte=condition.gte, lte=condition.lte))
            )
    return qe.Filter(must=must)
