"""Listing conventions shared by services and routes: pages, cursors, sorting and sparse fields.

Services return :class:`Page` values; the API wraps them in the envelope. Nothing here knows about HTTP.
"""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from parley.core.errors import ValidationFailed

__all__ = [
    "MAX_LIMIT",
    "CursorInfo",
    "CursorParams",
    "ListParams",
    "Page",
    "PageInfo",
    "apply_sort",
    "paginate",
    "paginate_cursor",
    "sparse",
]

MAX_LIMIT = 100
T = TypeVar("T")


class PageInfo(BaseModel):
    """Page pagination, as the API conventions name it."""

    page: int
    limit: int
    total: int
    totalPages: int
    hasNext: bool
    hasPrevious: bool


class CursorInfo(BaseModel):
    """Cursor pagination for long lists: pass ``next_cursor`` back as ``cursor``."""

    limit: int
    next_cursor: str | None
    has_more: bool


class Page(BaseModel, Generic[T]):
    """One page of a list, before it is wrapped."""

    items: list[T]
    pagination: PageInfo | CursorInfo


@dataclass(frozen=True, slots=True)
class ListParams:
    """``?page=1&limit=20&sort=-created_at,name&search=bolt&fields=id,name``."""

    page: int = 1
    limit: int = 20
    sort: str | None = None
    search: str | None = None
    fields: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class CursorParams:
    """``?cursor=…&limit=50`` for lists too long to count."""

    cursor: str | None
    limit: int


def apply_sort(
    statement: Select[Any], sort: str | None, allowed: dict[str, InstrumentedAttribute[Any]], default: str
) -> Select[Any]:
    """Order by the requested fields, refusing any field not in ``allowed`` with a 422 that lists them."""
    clauses = []
    for raw in (sort or default).split(","):
        name = raw.strip()
        if not name:
            continue
        column = allowed.get(name.lstrip("-"))
        if column is None:
            raise ValidationFailed(
                f"cannot sort by {name.lstrip('-')!r}", field="sort", details={"allowed": sorted(allowed)}
            )
        clauses.append(column.desc() if name.startswith("-") else column.asc())
    return statement.order_by(*clauses)


async def paginate(
    session: AsyncSession, statement: Select[Any], params: ListParams
) -> tuple[list[Any], PageInfo]:
    """Run one page of a statement and count the whole."""
    total = int(
        await session.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
    )
    rows = list(await session.scalars(statement.offset((params.page - 1) * params.limit).limit(params.limit)))
    pages = math.ceil(total / params.limit) if total else 0
    info = PageInfo(
        page=params.page,
        limit=params.limit,
        total=total,
        totalPages=pages,
        hasNext=params.page < pages,
        hasPrevious=params.page > 1,
    )
    return rows, info


def _encode_cursor(created_at: datetime, row_id: Any) -> str:
    raw = json.dumps([created_at.isoformat(), str(row_id)]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        created_at, row_id = json.loads(raw)
        return datetime.fromisoformat(created_at), str(row_id)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed("the cursor is not valid", field="cursor") from exc


async def paginate_cursor(
    session: AsyncSession,
    statement: Select[Any],
    params: CursorParams,
    *,
    created_at: InstrumentedAttribute[Any],
    row_id: InstrumentedAttribute[Any],
) -> tuple[list[Any], CursorInfo]:
    """Newest first, keyset-paginated on (created_at, id) so pages stay stable while rows are added."""
    if params.cursor:
        after_time, after_id = _decode_cursor(params.cursor)
        column_type = row_id.type.python_type
        statement = statement.where(tuple_(created_at, row_id) < tuple_(after_time, column_type(after_id)))
    statement = statement.order_by(created_at.desc(), row_id.desc()).limit(params.limit + 1)
    rows = list(await session.scalars(statement))
    has_more = len(rows) > params.limit
    rows = rows[: params.limit]
    next_cursor = (
        _encode_cursor(getattr(rows[-1], created_at.key), getattr(rows[-1], row_id.key)) if has_more else None
    )
    return rows, CursorInfo(limit=params.limit, next_cursor=next_cursor, has_more=has_more)


def sparse(item: dict[str, Any], fields: frozenset[str] | None) -> dict[str, Any]:
    """Keep only the requested fields (``id`` always stays, so the client can still address the record)."""
    if not fields:
        return item
    return {key: value for key, value in item.items() if key in fields or key == "id"}
