"""The indexer pays only for what changed: no embedding, no write for unchanged documents."""

from __future__ import annotations

from parley.knowledge import Indexer, KnowledgeSearch, SearchFilters, SearchMode, VectorStore
from tests.knowledge.conftest import CountingEmbedder
from tests.knowledge.samples import PAYMENT_ARTICLE, by_id, sample_documents


def test_unchanged_documents_are_not_embedded_again(
    store: VectorStore, counting_embedder: CountingEmbedder
) -> None:
    indexer = Indexer(store, counting_embedder)
    documents = sample_documents("acme")

    first = indexer.index(documents)
    calls, texts = counting_embedder.calls, len(counting_embedder.texts)
    second = indexer.index(documents)

    assert first.indexed == len(documents) and first.chunks_embedded == texts == 21
    assert (second.unchanged, second.indexed, second.chunks_embedded) == (len(documents), 0, 0)
    assert (counting_embedder.calls, len(counting_embedder.texts)) == (calls, texts)


def test_a_price_change_rewrites_metadata_without_embedding(
    store: VectorStore, counting_embedder: CountingEmbedder
) -> None:
    indexer = Indexer(store, counting_embedder)
    documents = sample_documents("acme")
    indexer.index(documents)
    bolt = by_id(documents, "bolt-m8-a2")
    cheaper = bolt.model_copy(update={"metadata": bolt.metadata.model_copy(update={"price": 4.0})})
    texts_before = len(counting_embedder.texts)

    report = indexer.index([cheaper])

    assert (report.indexed, report.chunks_embedded, report.chunks_relabelled) == (1, 0, 1)
    assert len(counting_embedder.texts) == texts_before
    search = KnowledgeSearch(store, counting_embedder)
    cheap = search.search(
        "M8 bolt", filters=SearchFilters(tenant_id="acme", max_price=5), mode=SearchMode.KEYWORD
    )
    assert [hit.document_id for hit in cheap.hits] == ["bolt-m8-a2"]
    assert cheap.hits[0].metadata["price"] == 4.0
    assert indexer.index([cheaper]).unchanged == 1


def test_editing_one_section_embeds_only_that_section(
    store: VectorStore, counting_embedder: CountingEmbedder
) -> None:
    indexer = Indexer(store, counting_embedder)
    payment = by_id(sample_documents("acme"), "payment")
    indexer.index([payment])
    edited = payment.model_copy(update={"text": PAYMENT_ARTICLE.replace("30 days'", "60 days'")})
    counting_embedder.texts.clear()

    report = indexer.index([edited])

    assert report.chunks_embedded == 1 and report.chunks_relabelled == 3
    assert "60 days'" in counting_embedder.texts[0]
    assert store.get_hashes("acme", ["payment"])["payment"].document_hash is not None


def test_a_removed_section_disappears_from_search(
    store: VectorStore, counting_embedder: CountingEmbedder
) -> None:
    indexer = Indexer(store, counting_embedder)
    payment = by_id(sample_documents("acme"), "payment")
    indexer.index([payment])
    shorter = payment.model_copy(update={"text": PAYMENT_ARTICLE.split("# Invoices")[0]})

    report = indexer.index([shorter])

    assert report.chunks_deleted == 1
    search = KnowledgeSearch(store, counting_embedder)
    hits = search.search(
        "invoices emailed as PDF", filters=SearchFilters(tenant_id="acme"), per_document=False
    ).hits
    assert "payment#3" not in [hit.chunk_id for hit in hits]
    assert store.count("acme") == 3


def test_a_deleted_document_is_never_returned(
    store: VectorStore, counting_embedder: CountingEmbedder
) -> None:
    indexer = Indexer(store, counting_embedder)
    indexer.index(sample_documents("acme"))

    indexer.delete("acme", ["bearing-6205"])

    search = KnowledgeSearch(store, counting_embedder)
    for mode in SearchMode:
        hits = search.search(
            "SKF 6205-2RS bearing", filters=SearchFilters(tenant_id="acme"), mode=mode, limit=50
        ).hits
        assert "bearing-6205" not in [hit.document_id for hit in hits]
    assert "bearing-6205" not in store.get_hashes("acme")


def test_a_document_given_twice_is_indexed_once_as_its_last_version(
    store: VectorStore, counting_embedder: CountingEmbedder
) -> None:
    bolt = by_id(sample_documents("acme"), "bolt-m8-a2")
    renamed = bolt.model_copy(update={"title": "M8 x 40 A2 hex bolt, 50 pcs"})

    report = Indexer(store, counting_embedder).index([bolt, renamed])

    assert report.documents == 1 and report.chunks_embedded == 1
    assert counting_embedder.texts[0].startswith("M8 x 40 A2 hex bolt, 50 pcs")
