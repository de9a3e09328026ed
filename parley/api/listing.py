"""List conventions: page and cursor pagination, sorting, search and sparse ``fields``, applied in one place."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from parley.api.envelope import CursorInfo, PageInfo
from parley.core.errors import ValidationFailed

__all__ = [
    "MAX_LIMIT",
    "CursorParams",
    "ListParams",
    "apply_sort",
    "paginate",
    "paginate_cursor",
    "sparse",
]

MAX_LIMIT = 100


@dataclass(frozen=True, slots=True)
class ListParams:
    """``?page=1&limit=20&sort=-created_at,name&search=bolt&fields=id,name``."""

    page: int
    limit: int
    sort: str | None
    search: str | None
    fields: frozenset[str] | None


def list_params(
    page: Annotated[int, Query(ge=1, le=1_000_000, description="Page number, from 1.")] = 1,
    limit: Annotated[
        int, Query(ge=1, description="Items per page; values above 100 are capped at 100.")
    ] = 20,
    sort: Annotated[
        str | None, Query(max_length=200, description="Comma-separated fields, `-` for descending.")
    ] = None,
    search: Annotated[str | None, Query(max_length=200, description="Free-text search.")] = None,
    fields: Annotated[
        str | None, Query(max_length=500, description="Comma-separated fields to return (sparse fieldset).")
    ] = None,
) -> ListParams:
    """Parse the list query parameters shared by every list route."""
    wanted = frozenset(part.strip() for part in fields.split(",") if part.strip()) if fields else None
    return ListParams(page=page, limit=min(limit, MAX_LIMIT), sort=sort, search=search, fields=wanted)


@dataclass(frozen=True, slots=True)
class CursorParams:
    """``?cursor=…&limit=50`` for lists too long to count."""

    cursor: str | None
    limit: int


def cursor_params(
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
    limit: Annotated[int, Query(ge=1, description="Items per page; capped at 100.")] = 50,
) -> CursorParams:
    """Parse cursor pagination parameters."""
    return CursorParams(cursor=cursor, limit=min(limit, MAX_LIMIT))


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
