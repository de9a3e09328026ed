"""Search filters, with the tenant built in: there is no way to describe a search across tenants.

:class:`SearchFilters` cannot be made without a tenant, every store method takes one, and
:func:`filter_conditions` (the only place engine filters come from) always puts it first.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from parley.knowledge.documents import DocumentKind, DocumentStatus, StockStatus

__all__ = [
    "FieldMatch",
    "FieldRange",
    "SearchFilters",
    "filter_conditions",
    "tenant_conditions",
    "tenant_key",
]


def tenant_key(tenant_id: str | uuid.UUID) -> str:
    """Normalise a tenant id for the index; refuse an empty one so a missing tenant never matches all."""
    key = str(tenant_id).strip()
    if not key:
        raise ValueError("a tenant id is required for every knowledge operation")
    return key


def _tuple(values: Iterable[str] | str | None) -> tuple[str, ...]:
    if values is None:
        return ()
    if isinstance(values, str):
        return (values,)
    return tuple(str(value) for value in values)


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """Which chunks a search may return. Empty tuples and ``None`` mean "any".

    Attributes:
        tenant_id: Always required; a search only ever sees this tenant's chunks.
        kinds: Document kinds to keep.
        categories: Categories to keep (exact match).
        min_price: Lowest price, inclusive; documents without a price are dropped.
        max_price: Highest price, inclusive; documents without a price are dropped.
        in_stock_only: Keep only products whose stock status is ``in_stock``.
        statuses: Document statuses to keep; published only by default, so drafts stay private.
        languages: Language codes to keep.
        tags: Keep documents carrying at least one of these tags.
        document_ids: Limit the search to these documents.

    """

    tenant_id: str
    kinds: tuple[DocumentKind, ...] = ()
    categories: tuple[str, ...] = ()
    min_price: float | None = None
    max_price: float | None = None
    in_stock_only: bool = False
    statuses: tuple[DocumentStatus, ...] | None = (DocumentStatus.PUBLISHED,)
    languages: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    document_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "tenant_id", tenant_key(self.tenant_id))
        object.__setattr__(self, "kinds", tuple(DocumentKind(kind) for kind in _tuple(self.kinds)))
        object.__setattr__(self, "categories", _tuple(self.categories))
        object.__setattr__(self, "languages", _tuple(self.languages))
        object.__setattr__(self, "tags", _tuple(self.tags))
        object.__setattr__(self, "document_ids", _tuple(self.document_ids))
        if self.statuses is not None:
            object.__setattr__(self, "statuses", tuple(DocumentStatus(s) for s in _tuple(self.statuses)))
        if self.min_price is not None and self.max_price is not None and self.min_price > self.max_price:
            raise ValueError(f"min_price {self.min_price} is above max_price {self.max_price}")


@dataclass(frozen=True, slots=True)
class FieldMatch:
    """The payload field equals one of the values."""

    key: str
    values: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class FieldRange:
    """The payload field lies within the bounds, inclusive."""

    key: str
    gte: float | None = None
    lte: float | None = None


def filter_conditions(filters: SearchFilters) -> list[FieldMatch | FieldRange]:
    """Engine-neutral conditions, all of which must hold; the tenant condition is always the first."""
    conditions: list[FieldMatch | FieldRange] = [FieldMatch("tenant_id", (filters.tenant_id,))]
    for key, values in (
        ("kind", tuple(str(kind) for kind in filters.kinds)),
        ("category", filters.categories),
        ("language", filters.languages),
        ("tags", filters.tags),
        ("document_id", filters.document_ids),
        ("status", tuple(str(status) for status in filters.statuses or ())),
    ):
        if values:
            conditions.append(FieldMatch(key, values))
    if filters.in_stock_only:
        conditions.append(FieldMatch("stock_status", (str(StockStatus.IN_STOCK),)))
    if filters.min_price is not None or filters.max_price is not None:
        conditions.append(FieldRange("price", gte=filters.min_price, lte=filters.max_price))
    return conditions


def tenant_conditions(
    tenant_id: str, document_ids: Iterable[str] | None = None
) -> list[FieldMatch | FieldRange]:
    """Conditions for maintenance operations (hashes, deletes): one tenant, optionally some documents."""
    conditions: list[FieldMatch | FieldRange] = [FieldMatch("tenant_id", (tenant_key(tenant_id),))]
    if document_ids is not None:
        conditions.append(FieldMatch("document_id", tuple(document_ids)))
    return conditions
