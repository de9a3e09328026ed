"""Product search on the demo catalog with the real model: what a customer types finds the product first.

These labelled queries chose :data:`~parley.knowledge.fusion.CATALOG_KEYWORD_WEIGHT`; sizes and materials
("M8", "A2", "stainless") are where the words beat the meaning.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from parley.demo.catalog import demo_products
from parley.knowledge import DocumentKind, Embedder, Indexer, KnowledgeSearch, SearchFilters, SearchMode
from parley.knowledge.fusion import CATALOG_KEYWORD_WEIGHT, ConvexFusion
from parley.knowledge.sources import product_document
from parley.knowledge.stores.edge import EdgeStore
from parley.tools.products.models import Product

pytestmark = pytest.mark.slow

TENANT = uuid.UUID(int=7)

LABELLED: list[tuple[str, Callable[[str], bool]]] = [
    ("M8 stainless hex bolts, 50 pcs", lambda sku: sku.startswith("HB-M8x") and sku.endswith("-A2")),
    ("stainless steel bolt M10 x 60", lambda sku: sku == "HB-M10x60-A2"),
    ("zinc plated hex bolt M6 30mm", lambda sku: sku == "HB-M6x30-88Z"),
    ("hex nut M12 stainless", lambda sku: sku == "HN-M12-A2"),
    ("6061 aluminium plate 10 mm", lambda sku: sku.startswith("AL-6061-10-")),
    ("ball bearing 6204", lambda sku: sku.startswith("BR-6204-")),
    ("10 mm HSS drill bit", lambda sku: sku == "DR-HSSCO-10"),
]


@pytest.fixture(scope="module")
def catalog(embedder: Embedder, tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeSearch]:
    store = EdgeStore(tmp_path_factory.mktemp("catalog") / "index")
    documents = [
        product_document(
            Product(
                id=uuid.uuid5(TENANT, item.sku),
                tenant_id=TENANT,
                sku=item.sku,
                name=item.name,
                description=item.description,
                category=item.category,
                price=item.price,
                status="active",
                attributes=item.attributes,
            ),
            None,
        )
        for item in demo_products()
    ]
    Indexer(store, embedder).index(documents)
    yield KnowledgeSearch(store, embedder)
    store.close()


def _top_sku(
    catalog: KnowledgeSearch, query: str, mode: SearchMode, weight: float = CATALOG_KEYWORD_WEIGHT
) -> str:
    filters = SearchFilters(tenant_id=str(TENANT), kinds=(DocumentKind.PRODUCT,), statuses=None)
    hits = catalog.search(query, filters=filters, mode=mode, fusion=ConvexFusion(weight), limit=1).hits
    return str(hits[0].metadata["sku"])


@pytest.mark.parametrize(("query", "expected"), LABELLED, ids=[query for query, _ in LABELLED])
def test_hybrid_product_search_ranks_the_product_first(
    catalog: KnowledgeSearch, query: str, expected: Callable[[str], bool]
) -> None:
    assert expected(_top_sku(catalog, query, SearchMode.HYBRID))


def test_hybrid_is_right_at_least_as_often_as_either_method_alone(catalog: KnowledgeSearch) -> None:
    def right(mode: SearchMode) -> int:
        return sum(expected(_top_sku(catalog, query, mode)) for query, expected in LABELLED)

    assert right(SearchMode.HYBRID) == len(LABELLED)
    assert right(SearchMode.HYBRID) >= max(right(SearchMode.DENSE), right(SearchMode.KEYWORD))
