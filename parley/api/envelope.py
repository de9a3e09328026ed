"""The response envelope every route returns, and the models that describe it in OpenAPI."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from parley.core import context
from parley.core.clock import utcnow
from parley.core.listing import CursorInfo, PageInfo

__all__ = ["Envelope", "ErrorBody", "ErrorEnvelope", "Meta", "ok"]

T = TypeVar("T")


class Meta(BaseModel):
    """Facts about the response rather than its data."""

    model_config = ConfigDict(extra="allow")

    request_id: str | None
    timestamp: datetime
    pagination: PageInfo | CursorInfo | None = None


class Envelope(BaseModel, Generic[T]):
    """A successful response."""

    success: bool = True
    data: T
    meta: Meta


class ErrorBody(BaseModel):
    """What went wrong, with a stable code a client can branch on."""

    code: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)
    field: str | None = None
    request_id: str | None = None


class ErrorEnvelope(BaseModel):
    """A failed response."""

    success: bool = False
    error: ErrorBody


def ok(data: Any, *, pagination: PageInfo | CursorInfo | None = None, **meta: Any) -> dict[str, Any]:
    """Wrap data in the success envelope, stamping the request id and time."""
    dumped = Meta(
        request_id=context.request_id.get(), timestamp=utcnow(), pagination=pagination, **meta
    ).model_dump(mode="json")
    if pagination is None:
        dumped.pop("pagination")
    return {"success": True, "data": data, "meta": dumped}
