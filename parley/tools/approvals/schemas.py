"""Typed inputs and outputs of the approval operations."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.hitl.policy import ApprovalType

__all__ = ["ApprovalFilter", "ApprovalId", "ApprovalOut"]

_FORBID = ConfigDict(extra="forbid")


class ApprovalId(BaseModel):
    """One approval request."""

    model_config = _FORBID

    approval_id: uuid.UUID = Field(description="The approval request's id.")


class ApprovalFilter(BaseModel):
    """Filters and page of the approval list (newest first)."""

    model_config = _FORBID

    status: Literal["pending", "approved", "rejected", "expired"] | None = None
    type: ApprovalType | None = None
    page: int = Field(1, ge=1, le=1_000_000)
    limit: int = Field(20, ge=1, le=100)


class ApprovalOut(BaseModel):
    """A request for a person's decision."""

    id: uuid.UUID
    type: str
    status: str
    priority: str
    requested_by_kind: str
    requested_by_id: uuid.UUID | None
    requested_by_label: str
    payload: dict[str, Any]
    conversation_id: uuid.UUID | None
    created_at: datetime
    sla_deadline: datetime | None
    decided_at: datetime | None
