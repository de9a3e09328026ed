from collections.abc import Callable

import numpy as np
import pytest

from parley.knowledge.embeddings import Embedder, get_embedder


@pytest.fixture(scope="session")
def embedder() -> Embedder:
    """The shared MiniLM embedder, loaded once for the whole session (about 11 s)."""
    return get_embedder()


@pytest.fixture(scope="session")
def vector_of(embedder: Embedder) -> Callable[[str], np.ndarray]:
    """Embed one message, as the runtime does once per turn."""
    cache: dict[str, np.ndarray] = {}

    def embed(text: str) -> np.ndarray:
        if text not in cache:
            cache[text] = embedder.embed([text])[0]
        return cache[text]

    return embed
