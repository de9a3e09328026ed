"""The VectorStore contract, run on every backend: a behaviour that differs between them is a bug."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from parley.knowledge import (
    DbsfFusion,
    DocumentKind,
    DocumentMetadata,
    Embedder,
    Indexer,
    KnowledgeSearch,
    RrfFusion,
    SearchFilters,
    SearchMode,
    SearchRequest,
    VectorStore,
)
from tests.knowledge.conftest import open_store
from tests.knowledge.samples import by_id, sample_documents


def with_metadata(metadata: DocumentMetadata, **changes: object) -> DocumentMetadata:
    return DocumentMetadata.model_validate(metadata.model_dump() | changes)


def ids(results) -> list[str]:
    return [hit.document_id for hit in results.hits]


@pytest.mark.parametrize("mode", list(SearchMode))
def test_every_mode_finds_the_document_that_answers(knowledge: KnowledgeSearch, mode: SearchMode) -> None:
    results = knowledge.search(
        "aluminium plate 6061 10 mm", filters=SearchFilters(tenant_id="acme"), mode=mode
    )

    assert ids(results)[0] == "plate-6061"
    assert results.mode is mode
    assert results.took_ms > 0


def test_hits_carry_text_metadata_scores_and_highlights(knowledge: KnowledgeSearch) -> None:
    results = knowledge.search("bank transfer", filters=SearchFilters(tenant_id="acme"))

    hit = results.hits[0]
    assert (hit.document_id, hit.chunk_id, hit.kind) == ("payment", "payment#1", DocumentKind.ARTICLE)
    assert hit.heading_path == ("Payment methods", "Bank transfer")
    assert hit.text.startswith("Business customers can pay by bank transfer.")
    assert hit.metadata["source"] == "help-centre"
    assert set(hit.scores) == {"dense", "keyword"}
    assert "<mark>bank</mark> <mark>transfer</mark>" in hit.highlights[0]
    assert hit.matched_terms == ("bank", "transfer")


def test_a_tenant_never_sees_another_tenants_chunks(indexed_store: VectorStore, embedder: Embedder) -> None:
    indexer = Indexer(indexed_store, embedder)
    payment = by_id(sample_documents("solo"), "payment")
    indexer.index([payment.model_copy(update={"text": "No bank transfer: we take cash on delivery only."})])
    search = KnowledgeSearch(indexed_store, embedder)

    for mode in SearchMode:
        hits = search.search("pay by bank transfer", filters=SearchFilters(tenant_id="solo"), mode=mode).hits
        assert {hit.text for hit in hits} == {"No bank transfer: we take cash on delivery only."}
    assert set(indexed_store.get_hashes("solo")) == {"payment"}
    assert indexed_store.count("solo") == 1


def test_deleting_a_tenants_document_leaves_the_other_tenants_copy(
    indexed_store: VectorStore, knowledge: KnowledgeSearch
) -> None:
    indexed_store.delete_documents("acme", ["payment"])

    for mode in SearchMode:
        acme = knowledge.search("bank transfer", filters=SearchFilters(tenant_id="acme"), mode=mode, limit=20)
        globex = knowledge.search("bank transfer", filters=SearchFilters(tenant_id="globex"), mode=mode)
        assert "payment" not in ids(acme)
        assert ids(globex)[0] == "payment"
    assert "payment" not in indexed_store.get_hashes("acme")


def test_a_search_without_a_tenant_cannot_be_expressed() -> None:
    with pytest.raises(TypeError):
        SearchFilters()  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="tenant"):
        SearchFilters(tenant_id=" ")
    with pytest.raises(TypeError):
        SearchRequest(text="bolts", filters=None, mode=SearchMode.KEYWORD)  # type: ignore[arg-type]


def test_dense_search_needs_the_query_vector() -> None:
    with pytest.raises(ValueError, match="query vector"):
        SearchRequest(text="bolts", filters=SearchFilters(tenant_id="acme"), mode=SearchMode.DENSE)


@pytest.mark.parametrize("mode", list(SearchMode))
def test_filters_narrow_by_kind_category_price_and_stock(
    knowledge: KnowledgeSearch, mode: SearchMode
) -> None:
    def found(**narrowing: object) -> set[str]:
        filters = SearchFilters(tenant_id="acme", **narrowing)  # type: ignore[arg-type]
        return set(ids(knowledge.search("stainless hex bolt", filters=filters, mode=mode, limit=50)))

    assert found(kinds=("article",)) <= {"payment", "shipping"}
    assert found(categories=("bolts",)) <= {"bolt-m8-a2", "bolt-m8-zn", "bolt-m10-a2"}
    assert "bolt-m8-a2" in found(categories=("bolts",))
    assert found(min_price=10, max_price=20) <= {"bolt-m8-a2", "bearing-6205"}
    assert "bolt-m8-a2" in found(min_price=10, max_price=20)
    in_stock = found(kinds=("product",), in_stock_only=True)
    assert "bolt-m10-a2" not in in_stock and "endmill-10" not in in_stock
    assert "bolt-m8-a2" in in_stock


def test_drafts_and_other_languages_are_hidden_unless_asked_for(
    indexed_store: VectorStore, embedder: Embedder
) -> None:
    bolt = sample_documents("acme")[0]
    draft = bolt.model_copy(
        update={"id": "draft-bolt", "metadata": with_metadata(bolt.metadata, status="draft")}
    )
    german = bolt.model_copy(
        update={"id": "de-bolt", "metadata": with_metadata(bolt.metadata, language="de")}
    )
    Indexer(indexed_store, embedder).index([draft, german])
    search = KnowledgeSearch(indexed_store, embedder)

    default = set(ids(search.search("M8 bolt", filters=SearchFilters(tenant_id="acme"), limit=50)))
    drafts = search.search("M8 bolt", filters=SearchFilters(tenant_id="acme", statuses=("draft",)))
    english = search.search("M8 bolt", filters=SearchFilters(tenant_id="acme", languages=("en",)), limit=50)

    assert "draft-bolt" not in default and "de-bolt" in default
    assert ids(drafts) == ["draft-bolt"]
    assert "de-bolt" not in ids(english)


@pytest.mark.parametrize("mode", list(SearchMode))
def test_a_score_threshold_drops_weak_hits(knowledge: KnowledgeSearch, mode: SearchMode) -> None:
    filters = SearchFilters(tenant_id="acme")
    everything = knowledge.search("stainless hex bolt", filters=filters, mode=mode, limit=50)
    cut = (everything.hits[0].score + everything.hits[-1].score) / 2

    kept = knowledge.search("stainless hex bolt", filters=filters, mode=mode, limit=50, score_threshold=cut)

    assert ids(kept)[0] == ids(everything)[0]
    assert 0 < len(kept.hits) < len(everything.hits)
    assert all(hit.score >= cut for hit in kept.hits)


def test_per_document_keeps_each_documents_best_chunk(knowledge: KnowledgeSearch) -> None:
    filters = SearchFilters(tenant_id="acme", document_ids=("payment",))

    chunks = knowledge.search("payment", filters=filters, per_document=False)
    documents = knowledge.search("payment", filters=filters, per_document=True)

    assert len(chunks.hits) == 4
    assert len(documents.hits) == 1
    assert documents.hits[0].chunk_id == chunks.hits[0].chunk_id


@pytest.mark.parametrize("fusion", [RrfFusion(), RrfFusion(weights=(3.0, 1.0)), DbsfFusion()])
def test_engine_fusions_rank_the_obvious_answer_first(knowledge: KnowledgeSearch, fusion) -> None:
    results = knowledge.search("SKF 6205 bearing", filters=SearchFilters(tenant_id="acme"), fusion=fusion)

    assert ids(results)[0] == "bearing-6205"


def test_a_query_of_stop_words_returns_no_keyword_hits(knowledge: KnowledgeSearch) -> None:
    filters = SearchFilters(tenant_id="acme")

    assert knowledge.search("the and of", filters=filters, mode=SearchMode.KEYWORD).hits == []
    assert knowledge.search("the and of", filters=filters, mode=SearchMode.HYBRID).hits


def test_upserting_a_vector_of_the_wrong_size_is_refused(store: VectorStore, embedder: Embedder) -> None:
    from parley.knowledge import Chunker, EmbeddedChunk

    chunk = Chunker().chunk(sample_documents("acme")[0])[0]

    with pytest.raises(ValueError, match="384"):
        store.upsert([EmbeddedChunk(chunk, np.zeros(12, dtype=np.float32))])


def test_an_interrupted_write_marks_the_document_as_changed(store: VectorStore, embedder: Embedder) -> None:
    from parley.knowledge import Chunker, EmbeddedChunk

    article = by_id(sample_documents("acme"), "payment")
    chunks = Chunker().chunk(article)
    store.upsert([EmbeddedChunk(chunk, embedder.embed([chunk.index_text])[0]) for chunk in chunks[:2]])

    hashes = store.get_hashes("acme", ["payment"])["payment"]

    assert hashes.document_hash is None
    assert set(hashes.chunk_hashes) == {"payment#0", "payment#1"}


@pytest.mark.parametrize("backend", ["edge", "qdrant_local"])
def test_an_index_survives_closing_and_reopening_its_folder(
    index_folder: Path, embedder: Embedder, backend: str
) -> None:
    store = open_store(backend, index_folder)
    Indexer(store, embedder).index(sample_documents("acme"))
    store.close()

    reopened = open_store(backend, index_folder)
    try:
        results = KnowledgeSearch(reopened, embedder).search(
            "6205 bearing", filters=SearchFilters(tenant_id="acme")
        )
        assert ids(results)[0] == "bearing-6205"
        assert reopened.count("acme") == store_count_of_samples()
    finally:
        reopened.close()


def store_count_of_samples() -> int:
    from parley.knowledge import Chunker

    return sum(len(Chunker().chunk(doc)) for doc in sample_documents("acme"))
