"""Turning the business's records (products with their stock, articles, FAQs) into knowledge documents.

The index holds what a customer may be told: a deleted product, an inactive one or a draft article is
indexed with a status that the default search filter leaves out, or not at all.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.knowledge.documents import (
    DocumentKind,
    DocumentMetadata,
    DocumentStatus,
    KnowledgeDocument,
    StockStatus,
)
from parley.knowledge.kb.models import Article, Faq
from parley.tools.products.models import Product
from parley.tools.stock.models import StockLevel

__all__ = ["DocumentRef", "article_document", "faq_document", "load_document", "load_tenant_documents"]

_PRODUCT_STATUS = {"active": DocumentStatus.PUBLISHED, "draft": DocumentStatus.DRAFT}
_ARTICLE_STATUS = {"published": DocumentStatus.PUBLISHED, "draft": DocumentStatus.DRAFT}


@dataclass(frozen=True, slots=True)
class DocumentRef:
    """Which record a domain event is about: its kind and id (the document id in the index)."""

    kind: DocumentKind
    id: uuid.UUID


def _stock_status(level: StockLevel | None) -> StockStatus:
    available = 0 if level is None else level.on_hand - level.reserved
    return StockStatus.IN_STOCK if available > 0 else StockStatus.OUT_OF_STOCK


def product_document(product: Product, level: StockLevel | None) -> KnowledgeDocument:
    """A product as customers search for it: name, SKU, category and description, with price and stock."""
    attributes = "; ".join(f"{key}: {value}" for key, value in sorted((product.attributes or {}).items()))
    text = "\n\n".join(part for part in (product.description, attributes) if part)
    return KnowledgeDocument(
        id=product.id,
        tenant_id=product.tenant_id,
        kind=DocumentKind.PRODUCT,
        title=f"{product.name} ({product.sku})",
        text=text,
        metadata=DocumentMetadata(
            source="catalog",
            category=product.category or None,
            product_id=str(product.id),
            sku=product.sku,
            price=float(product.price),
            stock_status=_stock_status(level),
            status=_PRODUCT_STATUS.get(product.status, DocumentStatus.ARCHIVED),
        ),
    )


def article_document(article: Article) -> KnowledgeDocument:
    """A help article, chunked along its Markdown headings."""
    return KnowledgeDocument(
        id=article.id,
        tenant_id=article.tenant_id,
        kind=DocumentKind.ARTICLE,
        title=article.title,
        text=article.content,
        metadata=DocumentMetadata(
            source=article.source or "knowledge-base",
            category=article.category,
            status=_ARTICLE_STATUS.get(article.status, DocumentStatus.ARCHIVED),
            language=article.language,
            tags=tuple(article.tags or ()),
        ),
    )


def faq_document(faq: Faq) -> KnowledgeDocument:
    """An FAQ: its question and each variant are indexed, so any phrasing finds the answer."""
    return KnowledgeDocument(
        id=faq.id,
        tenant_id=faq.tenant_id,
        kind=DocumentKind.FAQ,
        title=faq.question,
        text=faq.answer,
        metadata=DocumentMetadata(
            source="faq",
            category=faq.category,
            status=_ARTICLE_STATUS.get(faq.status, DocumentStatus.ARCHIVED),
            language=faq.language,
            question_variants=tuple(faq.variants or ()),
        ),
    )


async def load_document(session: AsyncSession, ref: DocumentRef) -> KnowledgeDocument | None:
    """The record's document as it is now, or None when it is gone (deleted records leave the index)."""
    if ref.kind is DocumentKind.PRODUCT:
        product = await session.get(Product, ref.id)
        if product is None or product.deleted_at is not None:
            return None
        level = await session.scalar(select(StockLevel).where(StockLevel.product_id == ref.id))
        return product_document(product, level)
    if ref.kind is DocumentKind.ARTICLE:
        article = await session.get(Article, ref.id)
        return None if article is None else article_document(article)
    faq = await session.get(Faq, ref.id)
    return None if faq is None else faq_document(faq)


async def load_tenant_documents(session: AsyncSession) -> list[KnowledgeDocument]:
    """Every document of the session's tenant: the live catalog, articles and FAQs."""
    levels = {level.product_id: level for level in await session.scalars(select(StockLevel))}
    products = await session.scalars(select(Product).where(Product.deleted_at.is_(None)))
    documents = [product_document(product, levels.get(product.id)) for product in products]
    documents += [article_document(article) for article in await session.scalars(select(Article))]
    documents += [faq_document(faq) for faq in await session.scalars(select(Faq))]
    return documents
