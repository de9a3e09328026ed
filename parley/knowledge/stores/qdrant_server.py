"""A Qdrant server behind ``qdrant-client``, for deployments that run more than one API process.

The same class runs against qdrant-client's local mode (``QdrantClient(path=...)`` or ``":memory:"``),
which speaks the same client API; that is how the test suite exercises it, as no Qdrant server runs
here. Local mode is brute force in Python (about 150 ms a filtered search at 10k points): use it for
tests, never in production. All tenants share one collection with ``tenant_id`` as the tenant key.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from qdrant_client import QdrantClient, models

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

__all__ = ["DEFAULT_COLLECTION", "QdrantServerStore"]

DEFAULT_COLLECTION = "parley_knowledge"
_SCROLL_PAGE = 2048
_UPSERT_BATCH = 512


class QdrantServerStore(VectorStore):
    """Chunks in one collection of a Qdrant server (or of qdrant-client's local mode, for tests).

    Build it with :meth:`from_url` for a server or :meth:`local` for local mode, or pass a client.

    Args:
        client: A connected client.
        collection: The collection shared by all tenants.
        dim: Size of the dense vectors.
        sparse_encoder: BM25 encoder; the default is English.
        payload_indexes: Create payload indexes; local mode has none (and warns), so :meth:`local`
            turns this off.

    """

    def __init__(
        self,
        client: QdrantClient,
        *,
        collection: str = DEFAULT_COLLECTION,
        dim: int = 384,
        sparse_encoder: Bm25Encoder | None = None,
        payload_indexes: bool = True,
    ) -> None:
        super().__init__(dim=dim, sparse_encoder=sparse_encoder)
        self.client = client
        self.collection = collection
        self._payload_indexes = payload_indexes
        self.ensure_collection()

    @classmethod
    def from_url(cls, url: str, *, api_key: str | None = None, **kwargs: Any) -> QdrantServerStore:
        """Connect to a Qdrant server, e.g. ``http://qdrant:6333`` (``PARLEY_QDRANT_URL``)."""
        return cls(QdrantClient(url=url, api_key=api_key), **kwargs)

    @classmethod
    def local(cls, path: str | Path | None = None, **kwargs: Any) -> QdrantServerStore:
        """Open qdrant-client's local mode: in a folder, or in memory when ``path`` is None."""
        client = QdrantClient(path=str(path)) if path is not None else QdrantClient(location=":memory:")
        return cls(client, payload_indexes=False, **kwargs)

    def ensure_collection(self) -> None:
        """Create the collection and payload indexes if missing."""
        if not self.client.collection_exists(self.collection):
            self.client.create_collection(
                self.collection,
                vectors_config={
                    DENSE_VECTOR: models.VectorParams(size=self.dim, distance=models.Distance.COSINE)
                },
                sparse_vectors_config={
                    SPARSE_VECTOR: models.SparseVectorParams(modifier=models.Modifier.IDF)
                },
            )
        if not self._payload_indexes:
            return
        existing = set(self.client.get_collection(self.collection).payload_schema)
        wanted: list[tuple[str, Any]] = [
            ("tenant_id", models.KeywordIndexParams(type=models.KeywordIndexType.KEYWORD, is_tenant=True))
        ]
        wanted += [(name, models.PayloadSchemaType.KEYWORD) for name in KEYWORD_FIELDS]
        wanted += [(name, models.PayloadSchemaType.FLOAT) for name in FLOAT_FIELDS]
        for name, schema in wanted:
            if name not in existing:
                self.client.create_payload_index(self.collection, name, field_schema=schema, wait=True)

    def close(self) -> None:
        """Close the client (and release local mode's folder lock)."""
        self.client.close()

    # ---- primitives ----------------------------------------------------------------------------

    def _upsert_points(self, points: Sequence[StoredPoint]) -> None:
        for start in range(0, len(points), _UPSERT_BATCH):
            batch = points[start : start + _UPSERT_BATCH]
            self.client.upsert(
                self.collection,
                points=[
                    models.PointStruct(
                        id=p.id,
                        vector={DENSE_VECTOR: p.dense, SPARSE_VECTOR: _sparse(p.sparse)},
                        payload=p.payload,
                    )
                    for p in batch
                ],
                wait=True,
            )

    def _overwrite_payloads(self, payloads: Sequence[tuple[str, dict[str, Any]]]) -> None:
        operations = [
            models.OverwritePayloadOperation(
                overwrite_payload=models.SetPayload(payload=payload, points=[point])
            )
            for point, payload in payloads
        ]
        self.client.batch_update_points(self.collection, operations, wait=True)

    def _delete_where(self, conditions: Sequence[Condition]) -> None:
        self.client.delete(
            self.collection, points_selector=models.FilterSelector(filter=_filter(conditions)), wait=True
        )

    def _delete_ids(self, ids: Sequence[str]) -> None:
        self.client.delete(self.collection, points_selector=models.PointIdsList(points=list(ids)), wait=True)

    def _scroll(self, conditions: Sequence[Condition], fields: Sequence[str]) -> Iterator[dict[str, Any]]:
        offset = None
        while True:
            records, offset = self.client.scroll(
                self.collection,
                scroll_filter=_filter(conditions),
                limit=_SCROLL_PAGE,
                offset=offset,
                with_payload=list(fields),
                with_vectors=False,
            )
            for record in records:
                yield record.payload or {}
            if offset is None:
                return

    def _count(self, conditions: Sequence[Condition]) -> int:
        return self.client.count(self.collection, count_filter=_filter(conditions), exact=True).count

    def _probe(
        self, probes: Sequence[Probe], conditions: Sequence[Condition], idf_corpus: Sequence[Condition]
    ) -> list[list[Candidate]]:
        search_filter = _filter(conditions)
        idf_params = models.SearchParams(idf=models.IdfCorpusParams(corpus=_filter(idf_corpus)))
        requests = [
            models.QueryRequest(
                query=_query_vector(probe),
                using=probe.using,
                filter=search_filter,
                limit=probe.limit,
                score_threshold=probe.score_threshold,
                with_payload=True,
                params=idf_params if probe.using == SPARSE_VECTOR else None,
            )
            for probe in probes
        ]
        responses = self.client.query_batch_points(self.collection, requests)
        source = {DENSE_VECTOR: "dense", SPARSE_VECTOR: "keyword"}
        return [
            [
                Candidate(str(p.id), p.score, p.payload or {}, {source[probe.using]: p.score})
                for p in response.points
            ]
            for probe, response in zip(probes, responses, strict=True)
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
        idf_params = models.SearchParams(idf=models.IdfCorpusParams(corpus=_filter(idf_corpus)))
        prefetch = [
            models.Prefetch(
                query=_query_vector(probe),
                using=probe.using,
                filter=search_filter,
                limit=probe.limit,
                params=idf_params if probe.using == SPARSE_VECTOR else None,
            )
            for probe in probes
        ]
        query: Any = (
            models.RrfQuery(
                rrf=models.Rrf(k=fusion.k, weights=list(fusion.weights) if fusion.weights else None)
            )
            if isinstance(fusion, RrfFusion)
            else models.FusionQuery(fusion=models.Fusion.DBSF)
        )
        response = self.client.query_points(
            self.collection,
            prefetch=prefetch,
            query=query,
            query_filter=search_filter,
            limit=limit,
            with_payload=True,
        )
        return [Candidate(str(p.id), p.score, p.payload or {}) for p in response.points]


def _sparse(vector: SparseVectorData) -> models.SparseVector:
    return models.SparseVector(indices=list(vector.indices), values=list(vector.values))


def _query_vector(probe: Probe) -> Any:
    return _sparse(probe.vector) if isinstance(probe.vector, SparseVectorData) else probe.vector


def _filter(conditions: Sequence[Condition]) -> models.Filter:
    must: list[Any] = []
    for condition in conditions:
        if isinstance(condition, FieldMatch):
            values = list(condition.values)
            match: Any = (
                models.MatchValue(value=values[0]) if len(values) == 1 else models.MatchAny(any=values)
            )
            must.append(models.FieldCondition(key=condition.key, match=match))
        else:
            must.append(
                models.FieldCondition(
                    key=condition.key, range=models.Range(gte=condition.gte, lte=condition.lte)
                )
            )
    return models.Filter(must=must)
