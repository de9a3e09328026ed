"""Hybrid ranking on a small labelled set: what a customer asks finds what answers it."""

from __future__ import annotations

import pytest

from parley.knowledge import KnowledgeSearch, SearchFilters, SearchMode
from tests.knowledge.conftest import CountingEmbedder

LABELLED = [
    ("M8 stainless hex bolts, 50 pcs", "bolt-m8-a2"),
    ("HB-M8-40-ZN-50", "bolt-m8-zn"),
    ("can I pay by bank transfer?", "payment"),
    ("how much is delivery?", "shipping"),
    ("do you ship to Norway", "shipping"),
    ("do I have to create an account to order", "faq-account"),
    ("discount for buying in bulk", "faq-discount"),
    ("carbide cutter 10mm for stainless", "endmill-10"),
    ("M8 nuts A2", "nut-m8-a2"),
]


@pytest.mark.parametrize(("query", "expected"), LABELLED)
def test_hybrid_search_ranks_the_answer_first(knowledge: KnowledgeSearch, query: str, expected: str) -> None:
    results = knowledge.search(query, filters=SearchFilters(tenant_id="acme"))

    assert results.hits[0].document_id == expected


def test_the_m8_a2_bolt_sku_comes_first_with_its_terms_marked(knowledge: KnowledgeSearch) -> None:
    hit = knowledge.search("M8 stainless hex bolts, 50 pcs", filters=SearchFilters(tenant_id="acme")).hits[0]

    assert hit.metadata["sku"] == "HB-M8-40-A2-50"
    assert {"hex", "bolt", "stainless"} <= set(hit.matched_terms)


def test_a_precomputed_query_vector_is_used_instead_of_embedding_again(
    indexed_store, counting_embedder: CountingEmbedder
) -> None:
    search = KnowledgeSearch(indexed_store, counting_embedder)
    vector = counting_embedder.inner.embed(["can I pay by bank transfer?"])[0]

    results = search.search(
        "can I pay by bank transfer?", filters=SearchFilters(tenant_id="acme"), query_vector=vector
    )

    assert counting_embedder.calls == 0
    assert results.hits[0].document_id == "payment"
    assert results.embed_ms == 0.0


def test_keyword_search_needs_no_embedding(indexed_store, counting_embedder: CountingEmbedder) -> None:
    search = KnowledgeSearch(indexed_store, counting_embedder)

    results = search.search(
        "HB-M8-40-A2-50", filters=SearchFilters(tenant_id="acme"), mode=SearchMode.KEYWORD
    )

    assert counting_embedder.calls == 0
    assert results.hits[0].document_id == "bolt-m8-a2"
