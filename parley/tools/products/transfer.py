"""Catalog import (CSV, XLSX) and export (CSV, JSON).

An import checks every row on its own: bad rows are reported by their row number in the file (the header is
row 1) and good rows are imported; a dry run checks everything and writes nothing.
"""

from __future__ import annotations

import base64
import csv
import io
import json
import zipfile
from typing import Any
from xml.etree.ElementTree import ParseError

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.errors import ParleyError, ValidationFailed
from parley.core.jsonsafe import to_jsonable
from parley.tools.products import service
from parley.tools.products.models import Product
from parley.tools.products.schemas import (
    ProductCreate,
    ProductExportOut,
    ProductImport,
    ProductImportOut,
    ProductOut,
    ProductUpdate,
    RowError,
)

__all__ = ["EXPORT_COLUMNS", "export_products", "import_products"]

EXPORT_COLUMNS = ("sku", "name", "description", "category", "unit", "price", "currency", "vat_rate", "status")
_FIELDS = set(ProductCreate.model_fields)


def _rows(data: ProductImport) -> list[tuple[int, dict[str, Any]]]:
    """Every row of the file, numbered as a spreadsheet shows it.

    Read whole before anything is written, so a file damaged halfway imports nothing, not its first half.
    """
    return _csv_rows(data.content) if data.format == "csv" else _xlsx_rows(data.content)


def _csv_rows(content: str) -> list[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(content))
    try:
        return [(number, dict(row)) for number, row in enumerate(reader, start=2)]
    except csv.Error as exc:
        raise ValidationFailed(
            f"content is not readable CSV (line {reader.line_num}: {exc})", field="content"
        ) from exc


def _xlsx_rows(content: str) -> list[tuple[int, dict[str, Any]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        raw = base64.b64decode(content, validate=True)
        sheet = load_workbook(io.BytesIO(raw), read_only=True, data_only=True).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
    except (
        ValueError,
        zipfile.BadZipFile,
        InvalidFileException,
        ParseError,
        OSError,
        KeyError,
        IndexError,
    ) as exc:
        raise ValidationFailed("content is not a base64-encoded XLSX file", field="content") from exc
    header = [str(cell).strip() if cell is not None else "" for cell in (rows[0] if rows else ())]
    return [
        (number, {header[i]: value for i, value in enumerate(values) if i < len(header) and header[i]})
        for number, values in enumerate(rows[1:], start=2)
        if any(value is not None for value in values)
    ]


def _fields(row: dict[str, Any], mapping: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for column, value in row.items():
        name = mapping.get(column, column)
        if name not in _FIELDS or value is None or (isinstance(value, str) and not value.strip()):
            continue
        if name == "attributes" and isinstance(value, str):
            value = json.loads(value)
        fields[name] = value.strip() if isinstance(value, str) else value
    if isinstance(fields.get("sku"), int | float):
        fields["sku"] = str(fields["sku"])
    return fields


def _problems(exc: ValidationError) -> list[str]:
    return [f"{'.'.join(str(part) for part in error['loc'])}: {error['msg']}" for error in exc.errors()]


async def import_products(session: AsyncSession, actor: Actor, *, data: ProductImport) -> ProductImportOut:
    """Create (or, with ``update_existing``, update by SKU) one product per good row."""
    actor.require("products:write")
    unknown = sorted(set(data.mapping.values()) - _FIELDS)
    if unknown:
        raise ValidationFailed(f"mapping targets unknown fields: {', '.join(unknown)}", field="mapping")
    existing = {row.sku: row.id for row in await session.execute(select(Product.sku, Product.id))}
    seen: set[str] = set()
    created = updated = 0
    errors: list[RowError] = []
    for number, row in _rows(data):
        try:
            fields = _fields(row, data.mapping)
        except json.JSONDecodeError:
            errors.append(RowError(row=number, sku=None, errors=["attributes: not valid JSON"]))
            continue
        sku = fields.get("sku")
        if sku in seen:
            errors.append(RowError(row=number, sku=sku, errors=["sku: appears twice in the file"]))
            continue
        product_id = existing.get(sku) if isinstance(sku, str) else None
        try:
            if product_id is None:
                create = ProductCreate.model_validate(fields)
            else:
                if not data.update_existing:
                    errors.append(RowError(row=number, sku=sku, errors=["sku: exists already"]))
                    continue
                update = ProductUpdate.model_validate({**fields, "product_id": product_id})
        except ValidationError as exc:
            errors.append(
                RowError(row=number, sku=sku if isinstance(sku, str) else None, errors=_problems(exc))
            )
            continue
        seen.add(sku)  # type: ignore[arg-type]
        if data.dry_run:
            created, updated = (created + 1, updated) if product_id is None else (created, updated + 1)
            continue
        try:
            async with session.begin_nested():
                if product_id is None:
                    await service.create_product(session, actor, data=create)
                    created += 1
                else:
                    await service.update_product(session, actor, product_id, data=update)
                    updated += 1
        except ParleyError as exc:
            errors.append(RowError(row=number, sku=sku, errors=[exc.message]))
    return ProductImportOut(
        dry_run=data.dry_run, created=created, updated=updated, failed=len(errors), errors=errors
    )


async def export_products(session: AsyncSession, actor: Actor, *, fmt: str) -> ProductExportOut:
    """Every live product as CSV (one row each) or JSON (a list)."""
    actor.require("products:read")
    rows = list(
        await session.scalars(select(Product).where(Product.deleted_at.is_(None)).order_by(Product.sku))
    )
    items = [to_jsonable(ProductOut.model_validate(row, from_attributes=True).model_dump()) for row in rows]
    if fmt == "json":
        return ProductExportOut(
            format="json", count=len(items), content=json.dumps(items, ensure_ascii=False)
        )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*EXPORT_COLUMNS, "attributes"], extrasaction="ignore")
    writer.writeheader()
    for item in items:
        writer.writerow({**item, "attributes": json.dumps(item["attributes"], ensure_ascii=False)})
    return ProductExportOut(format="csv", count=len(items), content=buffer.getvalue())
