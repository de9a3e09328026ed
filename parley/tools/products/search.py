"""Product search by meaning and words: the knowledge index ranks, the catalog supplies the facts.

Ranking comes from the index (dense, keyword or hybrid); every returned product is then read from the
catalog, so a price or name in a result is the catalog's own, never a copy the index kept.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.knowledge.documents import DocumentKind, DocumentStatus
from parley.knowledge.filters import SearchFilters
from parley.knowledge.fusion import CATALOG_KEYWORD_WEIGHT, ConvexFusion
from parley.knowledge.query import SearchMode
from parley.knowledge.service import knowledge_of
from parley.tools.products.models import Product
from parley.tools.products.schemas import ProductOut

__all__ = ["ProductSearch", "ProductSearchHit", "ProductSearchOut", "search_catalog"]

_STATUSES = {
    "active": DocumentStatus.PUBLISHED,
    "draft": DocumentStatus.DRAFT,
    "inactive": DocumentStatus.ARCHIVED,
}


class ProductSearch(BaseModel):
    """What to look for in the catalog, and how to narrow it."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(
        min_length=1, max_length=500, description="The customer's words, e.g. 'M8 stainless bolts'."
    )
    mode: SearchMode = Field(
        SearchMode.HYBRID, description="dense (meaning), keyword (BM25) or hybrid (both)."
    )
    category: str | None = Field(None, max_length=128)
    min_price: Decimal | None = Field(None, ge=0)
    max_price: Decimal | None = Field(None, ge=0)
    in_stock: bool = Field(False, description="Only products with available stock.")
    status: Literal["active", "draft", "inactive"] = "active"
    threshold: float | None = Field(None, description="Drop results scoring below (the mode's scale).")
    limit: int = Field(10, ge=1, le=50)

    @model_validator(mode="after")
    def _price_range(self) -> ProductSearch:
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError("min_price must not be above max_price")
        return self


class ProductSearchHit(BaseModel):
    """A found product with why it matched."""

    product: ProductOut
    score: float
    scores: dict[str, float]
    matched_text: str
    highlights: list[str]
    matched_terms: list[str]


class ProductSearchOut(BaseModel):
    """Results best first, and how long the search took."""

    query: str
    mode: SearchMode
    total: int
    results: list[ProductSearchHit]
    search_time_ms: float
    embed_time_ms: float


def _filters(actor: Actor, data: ProductSearch) -> SearchFilters:
    return SearchFilters(
        tenant_id=str(actor.tenant_id),
        kinds=(DocumentKind.PRODUCT,),
        categories=(data.category,) if data.category else (),
        min_price=None if data.min_price is None else float(data.min_price),
        max_price=None if data.max_price is None else float(data.max_price),
        in_stock_only=data.in_stock,
        statuses=(_STATUSES[data.status],),
    )


async def search_catalog(session: AsyncSession, actor: Actor, data: ProductSearch) -> ProductSearchOut:
    """Rank the tenant's products for a query and return them as the catalog has them now."""
    actor.require("products:read")
    results = await knowledge_of(session).search(
        data.query,
        filters=_filters(actor, data),
        mode=data.mode,
        limit=data.limit,
        score_threshold=data.threshold,
        fusion=ConvexFusion(CATALOG_KEYWORD_WEIGHT),
    )
    ids = [uuid.UUID(hit.document_id) for hit in results.hits]
    products = {
        product.id: product
        for product in await session.scalars(
            select(Product).where(Product.id.in_(ids), Product.deleted_at.is_(None))
        )
    }
    hits = [
        ProductSearchHit(
            product=ProductOut.model_validate(products[uuid.UUID(hit.document_id)], from_attributes=True),
            score=round(hit.score, 6),
            scores={name: round(value, 6) for name, value in hit.scores.items()},
            matched_text=hit.text,
            highlights=list(hit.highlights),
            matched_terms=list(hit.matched_terms),
        )
        for hit in results.hits
        if uuid.UUID(hit.document_id) in products
    ]
    return ProductSearchOut(
        query=data.query,
        mode=results.mode,
        total=len(hits),
        results=hits,
        search_time_ms=round(results.took_ms, 2),
        embed_time_ms=round(results.embed_ms, 2),
    )
