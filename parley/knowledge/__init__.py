"""Parley knowledge: products, articles and FAQs, chunked, indexed and searched per tenant.

Typical use::

    store = EdgeStore(settings.data_dir / "knowledge")          # or QdrantServerStore.from_url(url)
    indexer = Indexer(store, get_embedder())
    indexer.index(documents)                                     # unchanged documents cost nothing
    search = KnowledgeSearch(store, get_embedder())
    results = search.search("M8 stainless bolts", filters=SearchFilters(tenant_id=tenant))
"""

from typing import TYPE_CHECKING, Any

from parley.knowledge.chunking import Chunk, Chunker
from parley.knowledge.documents import (
    DocumentKind,
    DocumentMetadata,
    DocumentStatus,
    KnowledgeDocument,
    StockStatus,
)
from parley.knowledge.embeddings import Embedder, get_embedder
from parley.knowledge.filters import SearchFilters
from parley.knowledge.fusion import ConvexFusion, DbsfFusion, Fusion, RrfFusion
from parley.knowledge.indexer import Indexer, IndexReport
from parley.knowledge.query import SearchHit, SearchMode, SearchRequest, SearchResults
from parley.knowledge.search import KnowledgeSearch
from parley.knowledge.sparse import Bm25Encoder
from parley.knowledge.stores import DocumentHashes, EdgeStore, EmbeddedChunk, VectorStore

if TYPE_CHECKING:
    from parley.knowledge.stores.qdrant_server import QdrantServerStore

__all__ = [
    "Bm25Encoder",
    "Chunk",
    "Chunker",
    "ConvexFusion",
    "DbsfFusion",
    "DocumentHashes",
    "DocumentKind",
    "DocumentMetadata",
    "DocumentStatus",
    "EdgeStore",
    "EmbeddedChunk",
    "Embedder",
    "Fusion",
    "IndexReport",
    "Indexer",
    "KnowledgeDocument",
    "KnowledgeSearch",
    "QdrantServerStore",
    "RrfFusion",
    "SearchFilters",
    "SearchHit",
    "SearchMode",
    "SearchRequest",
    "SearchResults",
    "StockStatus",
    "VectorStore",
    "get_embedder",
]


def __getattr__(name: str) -> Any:
    if name == "QdrantServerStore":  # imported on first use: qdrant-client is slow to import
        from parley.knowledge.stores.qdrant_server import QdrantServerStore

        return QdrantServerStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
