"""Catalog operations, declared once for REST, the agent and MCP."""

from __future__ import annotations

from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.listing import Page
from parley.tools.operation import Operation
from parley.tools.products import service, transfer
from parley.tools.products.schemas import (
    CategoryList,
    CategoryQuery,
    ProductCreate,
    ProductExport,
    ProductExportOut,
    ProductFilter,
    ProductId,
    ProductImport,
    ProductImportOut,
    ProductOut,
    ProductUpdate,
)
from parley.tools.products.search import ProductSearch, ProductSearchOut, search_catalog

__all__ = ["OPERATIONS"]

_BASE = "/api/v1/products"
_TAGS = ("products",)


class Deleted(BaseModel):
    """Confirmation of a deletion."""

    model_config = ConfigDict(extra="forbid")

    id: str
    deleted: bool = True


def _out(product: Any) -> ProductOut:
    return ProductOut.model_validate(product, from_attributes=True)


async def _create(session: AsyncSession, actor: Actor, data: ProductCreate) -> ProductOut:
    return _out(await service.create_product(session, actor, data=data))


async def _list(session: AsyncSession, actor: Actor, data: ProductFilter) -> Page[ProductOut]:
    return await service.list_products(session, actor, filters=data)


async def _categories(session: AsyncSession, actor: Actor, data: CategoryQuery) -> CategoryList:
    return await service.list_categories(session, actor)


async def _get(session: AsyncSession, actor: Actor, data: ProductId) -> ProductOut:
    actor.require("products:read")
    return _out(await service.get_product(session, data.product_id))


async def _update(session: AsyncSession, actor: Actor, data: ProductUpdate) -> ProductOut:
    return _out(await service.update_product(session, actor, data.product_id, data=data))


async def _delete(session: AsyncSession, actor: Actor, data: ProductId) -> Deleted:
    await service.delete_product(session, actor, data.product_id)
    return Deleted(id=str(data.product_id))


async def _import(session: AsyncSession, actor: Actor, data: ProductImport) -> ProductImportOut:
    return await transfer.import_products(session, actor, data=data)


async def _export(session: AsyncSession, actor: Actor, data: ProductExport) -> ProductExportOut:
    return await transfer.export_products(session, actor, fmt=data.format)


def _export_response(result: ProductExportOut) -> Response:
    media = "text/csv" if result.format == "csv" else "application/json"
    return Response(
        result.content,
        media_type=media,
        headers={"Content-Disposition": f'attachment; filename="products.{result.format}"'},
    )


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="search_products",
        description="Search the catalog by words, category, status, price range or stock. Returns one page.",
        input=ProductFilter,
        output=Page[ProductOut],
        scope="products:read",
        method="GET",
        path=_BASE,
        handler=_list,
        tags=_TAGS,
    ),
    Operation(
        name="find_products",
        description=(
            "Find products by what the customer says (meaning and words), e.g. 'M8 stainless bolts', "
            "optionally by category, price range or stock. Best first."
        ),
        input=ProductSearch,
        output=ProductSearchOut,
        scope="products:read",
        method="POST",
        path=f"{_BASE}/search",
        handler=search_catalog,
        tags=_TAGS,
    ),
    Operation(
        name="list_categories",
        description="The catalog's categories with their number of active products: what the shop sells.",
        input=CategoryQuery,
        output=CategoryList,
        scope="products:read",
        method="GET",
        path=f"{_BASE}/categories",
        handler=_categories,
        tags=_TAGS,
    ),
    Operation(
        name="create_product",
        description="Add a product to the catalog. The SKU must be new.",
        input=ProductCreate,
        output=ProductOut,
        scope="products:write",
        method="POST",
        path=_BASE,
        handler=_create,
        events=("product.created",),
        status_code=201,
        tags=_TAGS,
    ),
    Operation(
        name="import_products",
        description="Import products from CSV or XLSX; bad rows are reported by row number, good rows imported.",
        input=ProductImport,
        output=ProductImportOut,
        scope="products:write",
        method="POST",
        path=f"{_BASE}/import",
        handler=_import,
        events=("product.created", "product.updated"),
        tags=_TAGS,
    ),
    Operation(
        name="export_products",
        description="Export the catalog as CSV or JSON.",
        input=ProductExport,
        output=ProductExportOut,
        scope="products:read",
        method="GET",
        path=f"{_BASE}/export",
        handler=_export,
        tags=_TAGS,
        rest_response=_export_response,
    ),
    Operation(
        name="get_product",
        description="Get one product by id: price, VAT, unit, status and attributes.",
        input=ProductId,
        output=ProductOut,
        scope="products:read",
        method="GET",
        path=f"{_BASE}/{{product_id}}",
        handler=_get,
        tags=_TAGS,
    ),
    Operation(
        name="update_product",
        description="Change fields of a product; omitted fields stay as they are.",
        input=ProductUpdate,
        output=ProductOut,
        scope="products:write",
        method="PATCH",
        path=f"{_BASE}/{{product_id}}",
        handler=_update,
        events=("product.updated",),
        tags=_TAGS,
    ),
    Operation(
        name="delete_product",
        description="Remove a product from the catalog (kept for history, never listed again).",
        input=ProductId,
        output=Deleted,
        scope="products:write",
        method="DELETE",
        path=f"{_BASE}/{{product_id}}",
        handler=_delete,
        events=("product.deleted",),
        tags=_TAGS,
    ),
)
