"""What the knowledge base holds: products, help articles and FAQs, one model for all three.

The article and FAQ CRUD endpoints and the catalogue sync build :class:`KnowledgeDocument` values and hand
them to the indexer; nothing below this module needs to know where a document came from.
"""

from __future__ import annotations

import hashlib
import uuid
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

__all__ = [
    "DocumentKind",
    "DocumentMetadata",
    "DocumentStatus",
    "KnowledgeDocument",
    "StockStatus",
]


def _to_str(value: Any) -> Any:
    return str(value) if isinstance(value, uuid.UUID) else value


#: Tenant and document ids are strings in the index; UUIDs from the database are accepted as they are.
Identifier = Annotated[str, BeforeValidator(_to_str), Field(min_length=1, max_length=200)]


class DocumentKind(StrEnum):
    """What a document is; search can be narrowed to one or more kinds."""

    PRODUCT = "product"
    ARTICLE = "article"
    FAQ = "faq"


class DocumentStatus(StrEnum):
    """Only published documents are shown to customers unless a search asks for others."""

    PUBLISHED = "published"
    DRAFT = "draft"
    ARCHIVED = "archived"


class StockStatus(StrEnum):
    """Stock as the catalogue reports it; the "in stock" filter keeps ``in_stock`` only."""

    IN_STOCK = "in_stock"
    OUT_OF_STOCK = "out_of_stock"
    BACKORDER = "backorder"


class DocumentMetadata(BaseModel):
    """Facts about a document that filters, ranking and answers use, stored with every chunk."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    source: str | None = None
    category: str | None = None
    product_id: str | None = None
    sku: str | None = None
    price: float | None = Field(default=None, ge=0)
    stock_status: StockStatus | None = None
    status: DocumentStatus = DocumentStatus.PUBLISHED
    language: str = "en"
    tags: tuple[str, ...] = ()
    question_variants: tuple[str, ...] = Field(
        default=(),
        description="Other ways customers ask an FAQ's question; each is indexed as its own chunk.",
    )


class KnowledgeDocument(BaseModel):
    """One product, article or FAQ of one tenant.

    For an FAQ the title is the question and the text is the answer. Article and answer text may be
    Markdown: chunks follow its headings.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: Identifier
    tenant_id: Identifier
    kind: DocumentKind
    title: str
    text: str = ""
    metadata: DocumentMetadata = DocumentMetadata()

    def content_hash(self, *, salt: str = "") -> str:
        """Digest everything that ends up in the index, so an unchanged document costs nothing.

        Args:
            salt: Mixed into the digest; the indexer passes its chunker and model versions so that
                changing either re-indexes everything once.

        """
        # Field order is fixed by the model, so pydantic's JSON is canonical (and fast, in Rust).
        return hashlib.sha256(salt.encode() + b"\x1f" + self.model_dump_json().encode()).hexdigest()[:32]
