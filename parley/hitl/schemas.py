"""What the HITL API takes and gives (snake_case, like the rest of the API)."""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.hitl.policy import ApprovalType, SlaStatus

__all__ = [
    "ApprovalDetail",
    "ApprovalFilters",
    "ApprovalView",
    "ApproveIn",
    "BulkIn",
    "BulkResult",
    "CommentIn",
    "CommentOut",
    "EscalateIn",
    "Modifications",
    "ReassignIn",
    "RejectIn",
    "StatsOut",
]

_FORBID = ConfigDict(extra="forbid")
Status = Literal["pending", "approved", "rejected", "expired"]
Priority = Literal["low", "medium", "high", "urgent"]


class ApprovalFilters(BaseModel):
    """Filters of the approval list; every one is optional."""

    status: Status | None = None
    type: ApprovalType | None = None
    priority: Priority | None = None
    assignee_id: uuid.UUID | None = None
    sla_status: SlaStatus | None = None
    conversation_id: uuid.UUID | None = None


class ApprovalView(BaseModel):
    """An approval request in a list: what, how urgent, where it stands against its SLA."""

    id: uuid.UUID
    type: str
    status: str
    priority: str
    sla_status: SlaStatus
    sla_deadline: datetime | None
    expires_at: datetime | None
    escalation_level: int
    escalated_at: datetime | None
    assignee_id: uuid.UUID | None
    conversation_id: uuid.UUID | None
    requested_by_kind: str
    requested_by_label: str
    payload: dict[str, Any]
    created_at: datetime
    decided_at: datetime | None
    decided_by_label: str
    decision: dict[str, Any]


class CommentOut(BaseModel):
    """A note on a request."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    author_id: uuid.UUID | None
    author_label: str
    text: str
    created_at: datetime


class ApprovalDetail(ApprovalView):
    """One request with everything a person needs to decide it."""

    context: dict[str, Any]
    history: list[dict[str, Any]]
    comments: list[CommentOut]


class Modifications(BaseModel):
    """What the approver changes before approving, such as a smaller discount."""

    model_config = _FORBID

    percent: Decimal | None = Field(None, gt=0, le=100, max_digits=7, decimal_places=4)


class ApproveIn(BaseModel):
    """Approve, optionally with changes and a note (the note stays internal)."""

    model_config = _FORBID

    note: str = Field("", max_length=2000)
    modifications: Modifications | None = None


class RejectIn(BaseModel):
    """Reject with a reason (internal) and, optionally, the words the customer receives."""

    model_config = _FORBID

    reason: str = Field(min_length=1, max_length=2000)
    customer_message: str | None = Field(None, min_length=1, max_length=2000)


class EscalateIn(BaseModel):
    """Raise a request to a more senior person."""

    model_config = _FORBID

    reason: str = Field(min_length=1, max_length=2000)
    assignee_id: uuid.UUID | None = None


class ReassignIn(BaseModel):
    """Give a request to another staff member of the business."""

    model_config = _FORBID

    assignee_id: uuid.UUID


class CommentIn(BaseModel):
    """A note on a request."""

    model_config = _FORBID

    text: str = Field(min_length=1, max_length=4000)


class BulkIn(BaseModel):
    """The same decision on many requests (a bulk reject needs a reason)."""

    model_config = _FORBID

    ids: list[uuid.UUID] = Field(min_length=1, max_length=100)
    reason: str | None = Field(None, min_length=1, max_length=2000)
    note: str = Field("", max_length=2000)


class BulkResult(BaseModel):
    """What happened to one request of a bulk decision."""

    id: uuid.UUID
    ok: bool
    status: str | None = None
    error: dict[str, Any] | None = None


class StatsOut(BaseModel):
    """Counts, speed and SLA compliance of the business's requests."""

    total: int
    by_status: dict[str, int]
    by_type: dict[str, int]
    by_priority: dict[str, int]
    pending_by_sla_status: dict[str, int]
    average_resolution_seconds: float | None
    sla_compliance: float | None
