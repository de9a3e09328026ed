"""A small labelled knowledge base: fasteners and tools, help articles and FAQs."""

from __future__ import annotations

from parley.knowledge import DocumentKind, DocumentMetadata, KnowledgeDocument

PAYMENT_ARTICLE = """\
# Payment methods
We accept Visa, Mastercard and PayPal at checkout.

## Bank transfer
Business customers can pay by bank transfer. Choose "Invoice" at checkout; the order ships once the
money arrives, usually within two working days.

## Credit limits
Approved accounts get 30 days' credit up to their limit.

# Invoices
Invoices are emailed as PDF when the order ships.
"""

SHIPPING_ARTICLE = """\
# Delivery
Orders placed before 3 pm ship the same day.

## Costs
Shipping is free above 150 EUR; below that a flat 7.90 EUR applies.

## Countries
We deliver to the EU, Switzerland, Norway and the United Kingdom.
"""

_PRODUCTS = [
    # id, title, text, category, sku, price, stock
    (
        "bolt-m8-a2",
        "M8 x 40 stainless A2 hex bolt DIN 933, 50 pcs",
        "Hex head bolt to DIN 933, fully threaded, stainless steel A2-70. Pack of 50 pieces.",
        "bolts",
        "HB-M8-40-A2-50",
        14.90,
        "in_stock",
    ),
    (
        "bolt-m8-zn",
        "M8 x 40 zinc plated hex bolt DIN 933, 50 pcs",
        "Hex head bolt to DIN 933, fully threaded, steel 8.8 zinc plated. Pack of 50 pieces.",
        "bolts",
        "HB-M8-40-ZN-50",
        6.40,
        "in_stock",
    ),
    (
        "bolt-m10-a2",
        "M10 x 40 stainless A2 hex bolt DIN 933, 50 pcs",
        "Hex head bolt to DIN 933, fully threaded, stainless steel A2-70. Pack of 50 pieces.",
        "bolts",
        "HB-M10-40-A2-50",
        21.50,
        "out_of_stock",
    ),
    (
        "nut-m8-a2",
        "M8 stainless A2 hex nut DIN 934, 100 pcs",
        "Hex nut to DIN 934 for M8 threads, stainless steel A2. Pack of 100.",
        "nuts",
        "HN-M8-A2-100",
        7.80,
        "in_stock",
    ),
    (
        "plate-6061",
        "6061-T6 aluminium plate 10 mm 500x500",
        "Aluminium plate, alloy 6061-T6, 10 mm thick, cut to 500 x 500 mm.",
        "plates",
        "PL-6061-10-500",
        96.00,
        "in_stock",
    ),
    (
        "endmill-10",
        "10 mm 4 flute solid carbide end mill, TiAlN",
        "Square end mill, 10 mm, 4 flutes, solid carbide with TiAlN coating, for steel and stainless.",
        "end mills",
        "EM-CAR-10-4F",
        48.00,
        "backorder",
    ),
    (
        "bearing-6205",
        "SKF 6205-2RS deep groove ball bearing",
        "Deep groove ball bearing 6205, bore 25 mm, sealed both sides (2RS).",
        "bearings",
        "BRG-6205-2RS-SKF",
        11.20,
        "in_stock",
    ),
]

_FAQS = [
    (
        "faq-account",
        "Can I order without an account?",
        "Yes. Guest checkout needs only an email address and a delivery address.",
        ("Do I need to register to buy?", "Is guest checkout possible?"),
    ),
    (
        "faq-discount",
        "Do you offer volume discounts?",
        "Orders above 1,000 EUR get 5% off; contact sales for project pricing.",
        ("Is there a discount for large orders?",),
    ),
]


def sample_documents(tenant_id: str) -> list[KnowledgeDocument]:
    """The same catalogue for any tenant; only ``tenant_id`` differs."""
    documents = [
        KnowledgeDocument(
            id=doc_id,
            tenant_id=tenant_id,
            kind=DocumentKind.PRODUCT,
            title=title,
            text=text,
            metadata=DocumentMetadata(
                category=category,
                sku=sku,
                product_id=doc_id,
                price=price,
                stock_status=stock,
                tags=("catalogue",),
            ),
        )
        for doc_id, title, text, category, sku, price, stock in _PRODUCTS
    ]
    documents += [
        KnowledgeDocument(
            id="payment",
            tenant_id=tenant_id,
            kind=DocumentKind.ARTICLE,
            title="Payment",
            text=PAYMENT_ARTICLE,
            metadata=DocumentMetadata(category="help", source="help-centre"),
        ),
        KnowledgeDocument(
            id="shipping",
            tenant_id=tenant_id,
            kind=DocumentKind.ARTICLE,
            title="Shipping and delivery",
            text=SHIPPING_ARTICLE,
            metadata=DocumentMetadata(category="help", source="help-centre"),
        ),
    ]
    documents += [
        KnowledgeDocument(
            id=doc_id,
            tenant_id=tenant_id,
            kind=DocumentKind.FAQ,
            title=question,
            text=answer,
            metadata=DocumentMetadata(category="help", question_variants=variants),
        )
        for doc_id, question, answer, variants in _FAQS
    ]
    return documents


def by_id(documents: list[KnowledgeDocument], doc_id: str) -> KnowledgeDocument:
    return next(document for document in documents if document.id == doc_id)
