"""Chunking follows Markdown headings, fits the model, and hashes what it will embed."""

from __future__ import annotations

from parley.knowledge import Chunker, DocumentKind, DocumentMetadata, KnowledgeDocument
from tests.knowledge.samples import PAYMENT_ARTICLE, by_id, sample_documents


def article(text: str, **metadata: object) -> KnowledgeDocument:
    return KnowledgeDocument(
        id="a1",
        tenant_id="acme",
        kind=DocumentKind.ARTICLE,
        title="Help",
        text=text,
        metadata=DocumentMetadata(**metadata),  # type: ignore[arg-type]
    )


def test_each_section_becomes_a_chunk_under_its_heading_path() -> None:
    chunks = Chunker().chunk(article(PAYMENT_ARTICLE))

    assert [c.heading_path for c in chunks] == [
        ("Payment methods",),
        ("Payment methods", "Bank transfer"),
        ("Payment methods", "Credit limits"),
        ("Invoices",),
    ]
    assert chunks[1].text.startswith("Business customers can pay by bank transfer.")
    assert "#" not in chunks[1].text
    assert chunks[1].index_text.startswith("Help\nPayment methods > Bank transfer\n\n")


def test_a_hash_inside_a_code_block_is_not_a_heading() -> None:
    chunks = Chunker().chunk(article("# Setup\nRun this:\n```\n# not a heading\nmake\n```\n"))

    assert len(chunks) == 1
    assert chunks[0].heading_path == ("Setup",)
    assert "# not a heading" in chunks[0].text


def test_a_long_section_is_split_by_sentence_and_keeps_its_headings() -> None:
    sentence = "The torque for an M8 A2-70 bolt depends on lubrication and on the washer used. "
    chunks = Chunker(chunk_size=64, chunk_overlap=8).chunk(article("# Torque\n## Tables\n" + sentence * 30))

    assert len(chunks) > 3
    assert all(c.heading_path == ("Torque", "Tables") for c in chunks)
    assert all(c.text.endswith(".") for c in chunks)
    assert [c.chunk_id for c in chunks] == [f"a1#{i}" for i in range(len(chunks))]


def test_text_before_the_first_heading_is_kept_without_a_path() -> None:
    chunks = Chunker().chunk(article("Read this first.\n\n# Details\nMore."))

    assert [(c.heading_path, c.text) for c in chunks] == [((), "Read this first."), (("Details",), "More.")]


def test_an_faq_indexes_its_question_and_every_variant_as_well_as_the_answer() -> None:
    faq = by_id(sample_documents("acme"), "faq-account")

    chunks = Chunker().chunk(faq)

    assert [c.chunk_id for c in chunks] == [
        "faq-account#q0",
        "faq-account#q1",
        "faq-account#q2",
        "faq-account#0",
    ]
    assert [c.text for c in chunks[:3]] == [
        "Can I order without an account?",
        "Do I need to register to buy?",
        "Is guest checkout possible?",
    ]
    assert chunks[3].index_text.startswith("Can I order without an account?\n\n")


def test_a_product_is_found_by_sku_and_category_as_well_as_title() -> None:
    bolt = by_id(sample_documents("acme"), "bolt-m8-a2")

    (chunk,) = Chunker().chunk(bolt)

    assert chunk.index_text.splitlines()[:2] == [
        "M8 x 40 stainless A2 hex bolt DIN 933, 50 pcs",
        "SKU HB-M8-40-A2-50 · bolts",
    ]
    assert chunk.metadata.price == 14.90
    assert (chunk.tenant_id, chunk.document_id, chunk.chunk_count) == ("acme", "bolt-m8-a2", 1)


def test_every_chunk_carries_the_documents_metadata_and_hash() -> None:
    chunks = Chunker().chunk(article(PAYMENT_ARTICLE, category="help", tags=("billing",)))

    assert {c.metadata.category for c in chunks} == {"help"}
    assert {c.metadata.tags for c in chunks} == {("billing",)}
    assert len({c.document_hash for c in chunks}) == 1
    assert {c.chunk_count for c in chunks} == {4}


def test_a_metadata_change_changes_the_document_hash_but_not_the_chunk_hashes() -> None:
    before = Chunker().chunk(article(PAYMENT_ARTICLE, category="help"))
    after = Chunker().chunk(article(PAYMENT_ARTICLE, category="billing"))

    assert before[0].document_hash != after[0].document_hash
    assert [c.chunk_hash for c in before] == [c.chunk_hash for c in after]


def test_an_edited_section_changes_only_its_own_chunk_hash() -> None:
    before = Chunker().chunk(article(PAYMENT_ARTICLE))
    after = Chunker().chunk(article(PAYMENT_ARTICLE.replace("30 days'", "60 days'")))

    changed = [b.chunk_id for b, a in zip(before, after, strict=True) if b.chunk_hash != a.chunk_hash]
    assert changed == ["a1#2"]


def test_hashes_depend_on_the_salt_so_a_new_model_reindexes() -> None:
    document = article(PAYMENT_ARTICLE)

    assert (
        Chunker().chunk(document, salt="model=a")[0].chunk_hash
        != Chunker().chunk(document, salt="model=b")[0].chunk_hash
    )
    assert Chunker().document_hash(document, salt="x") == Chunker().chunk(document, salt="x")[0].document_hash
