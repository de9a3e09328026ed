"""Knowledge fixtures: one embedder per session, a fresh store folder per test, on every backend.

Both engines lock their folder to one process, so every test gets its own fresh folder. It lives in
memory (``/dev/shm``) where there is one: Qdrant Edge syncs each payload index it creates to disk,
which costs over a second per store on a busy disk and nothing on tmpfs.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from parley.knowledge import EdgeStore, Embedder, Indexer, KnowledgeSearch, VectorStore, get_embedder
from tests.knowledge.samples import sample_documents

BACKENDS = ["edge", "qdrant_local"]


class MemoEmbedder:
    """The real model, remembering vectors by text so the suite embeds each text once."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_name = inner.model_name
        self.dim = inner.dim
        self._memo: dict[str, np.ndarray] = {}

    def embed(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        missing = [text for text in dict.fromkeys(texts) if text not in self._memo]
        if missing:
            self._memo.update(zip(missing, self.inner.embed(missing, batch_size=batch_size), strict=True))
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._memo[text] for text in texts])


class CountingEmbedder:
    """Counts what is sent to the model, to prove unchanged content is not embedded again."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.model_name = inner.model_name
        self.dim = inner.dim
        self.calls = 0
        self.texts: list[str] = []

    def embed(self, texts: list[str], *, batch_size: int = 64) -> np.ndarray:
        self.calls += 1
        self.texts += texts
        return self.inner.embed(texts, batch_size=batch_size)


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    return MemoEmbedder(get_embedder())


@pytest.fixture
def counting_embedder(embedder: Embedder) -> CountingEmbedder:
    return CountingEmbedder(embedder)


def open_store(backend: str, folder: Path) -> VectorStore:
    if backend == "edge":
        return EdgeStore(folder)
    from parley.knowledge.stores.qdrant_server import QdrantServerStore

    return QdrantServerStore.local(folder)


@pytest.fixture
def index_folder(tmp_path: Path) -> Iterator[Path]:
    """A fresh, empty folder for one store: in memory if the machine has /dev/shm, else under tmp_path."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        yield tmp_path / "index"
        return
    folder = Path(tempfile.mkdtemp(prefix="parley-knowledge-", dir=shm))
    yield folder / "index"
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, index_folder: Path) -> Iterator[VectorStore]:
    opened = open_store(request.param, index_folder)
    yield opened
    opened.close()


@pytest.fixture
def indexed_store(store: VectorStore, embedder: Embedder) -> VectorStore:
    """A store holding the sample catalogue, articles and FAQs of tenants acme and globex."""
    Indexer(store, embedder).index(sample_documents("acme") + sample_documents("globex"))
    return store


@pytest.fixture
def knowledge(indexed_store: VectorStore, embedder: Embedder) -> KnowledgeSearch:
    return KnowledgeSearch(indexed_store, embedder)
