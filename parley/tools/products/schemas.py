"""Typed inputs and outputs of the catalog operations."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "CategoryCount",
    "CategoryList",
    "CategoryQuery",
    "ProductCreate",
    "ProductExport",
    "ProductExportOut",
    "ProductFilter",
    "ProductId",
    "ProductImport",
    "ProductImportOut",
    "ProductOut",
    "ProductUpdate",
    "RowError",
]

Status = Literal["active", "draft", "archived"]
_FORBID = ConfigDict(extra="forbid")


class ProductCreate(BaseModel):
    """A new product; the currency is the business's own."""

    model_config = _FORBID

    sku: str = Field(min_length=1, max_length=64, description="Stock keeping unit, unique in the business.")
    name: str = Field(min_length=1, max_length=255)
    description: str = Field("", max_length=10_000)
    category: str = Field("", max_length=128)
    unit: str = Field("pcs", max_length=32)
    price: Decimal = Field(ge=0, max_digits=14, decimal_places=4, description="Unit price before VAT.")
    vat_rate: Decimal = Field(
        Decimal(0), ge=0, le=100, max_digits=7, decimal_places=4, description="Percent."
    )
    status: Status = "active"
    attributes: dict[str, Any] = Field(default_factory=dict)


class ProductUpdate(BaseModel):
    """Changes to a product; omitted fields stay as they are."""

    model_config = _FORBID

    product_id: uuid.UUID
    sku: str | None = Field(None, min_length=1, max_length=64)
    name: str | None = Field(None, min_length=1, max_length=255)
    description: str | None = Field(None, max_length=10_000)
    category: str | None = Field(None, max_length=128)
    unit: str | None = Field(None, max_length=32)
    price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=4)
    vat_rate: Decimal | None = Field(None, ge=0, le=100, max_digits=7, decimal_places=4)
    status: Status | None = None
    attributes: dict[str, Any] | None = None


class ProductId(BaseModel):
    """One product."""

    model_config = _FORBID

    product_id: uuid.UUID = Field(description="The product's id.")


class ProductFilter(BaseModel):
    """Filters, search, sort and page of the catalog list."""

    model_config = _FORBID

    search: str | None = Field(None, max_length=200, description="Words in the name, SKU or description.")
    category: str | None = Field(None, max_length=128)
    status: Status | None = None
    min_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=4)
    max_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=4)
    in_stock: bool | None = Field(None, description="Only products with available stock (or only without).")
    sort: str | None = Field(None, max_length=200, description="e.g. `price` or `-created_at`.")
    page: int = Field(1, ge=1, le=1_000_000)
    limit: int = Field(20, ge=1, le=100)


class CategoryQuery(BaseModel):
    """The catalog's categories: no arguments, the active products of the business."""

    model_config = _FORBID


class CategoryCount(BaseModel):
    """A category and how many active products it holds."""

    name: str
    products: int


class CategoryList(BaseModel):
    """What the shop sells, by category, the largest first."""

    items: list[CategoryCount]


class ProductOut(BaseModel):
    """A product as callers see it."""

    id: uuid.UUID
    sku: str
    name: str
    description: str
    category: str
    unit: str
    price: Decimal
    currency: str
    vat_rate: Decimal
    status: Status
    attributes: dict[str, Any]
    created_at: datetime
    updated_at: datetime


class ProductImport(BaseModel):
    """A CSV or XLSX file of products; ``mapping`` renames file columns to product fields."""

    model_config = _FORBID

    format: Literal["csv", "xlsx"] = "csv"
    content: str = Field(max_length=5_000_000, description="CSV text, or base64 of an XLSX file.")
    mapping: dict[str, str] = Field(default_factory=dict, description="file column -> product field")
    dry_run: bool = False
    update_existing: bool = Field(False, description="Update products whose SKU exists instead of refusing.")


class RowError(BaseModel):
    """Why one row of an import was refused."""

    row: int
    sku: str | None
    errors: list[str]


class ProductImportOut(BaseModel):
    """What an import did (or, in a dry run, would do)."""

    dry_run: bool
    created: int
    updated: int
    failed: int
    errors: list[RowError]


class ProductExport(BaseModel):
    """Export the (non-deleted) catalog."""

    model_config = _FORBID

    format: Literal["csv", "json"] = "csv"


class ProductExportOut(BaseModel):
    """The exported catalog as text."""

    format: Literal["csv", "json"]
    count: int
    content: str
