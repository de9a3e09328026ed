"""Where chunks live: the :class:`VectorStore` interface and its engines.

:class:`QdrantServerStore` is imported on first use: qdrant-client takes about 4 s to import, and
a process on the embedded default never needs it.
"""

from typing import TYPE_CHECKING, Any

from parley.knowledge.stores.base import DocumentHashes, EmbeddedChunk, VectorStore, point_id
from parley.knowledge.stores.edge import EdgeStore

if TYPE_CHECKING:
    from parley.knowledge.stores.qdrant_server import QdrantServerStore

__all__ = ["DocumentHashes", "EdgeStore", "EmbeddedChunk", "QdrantServerStore", "VectorStore", "point_id"]


def __getattr__(name: str) -> Any:
    if name == "QdrantServerStore":
        from parley.knowledge.stores.qdrant_server import QdrantServerStore

        return QdrantServerStore
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
