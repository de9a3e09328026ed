"""The query parameters of list routes, parsed into the core listing types."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from parley.core.listing import MAX_LIMIT, CursorParams, ListParams

__all__ = ["cursor_params", "list_params"]


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


def cursor_params(
    cursor: Annotated[
        str | None, Query(max_length=200, description="`next_cursor` of the previous page.")
    ] = None,
    limit: Annotated[int, Query(ge=1, description="Items per page; capped at 100.")] = 50,
) -> CursorParams:
    """Parse cursor pagination parameters."""
    return CursorParams(cursor=cursor, limit=min(limit, MAX_LIMIT))
