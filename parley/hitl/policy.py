"""Priority, SLA and expiry per approval type, and the SLA status derived from them.

An approval's SLA deadline is when a person should have decided; past three quarters of it the status is
``warning``, past the deadline ``breached`` (and the scheduler escalates it). ``expires_at`` is when the
request lapses altogether and the paused conversation resumes with the expiry outcome.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

__all__ = [
    "APPROVAL_TYPES",
    "POLICIES",
    "PRIORITIES",
    "ApprovalType",
    "Policy",
    "SlaStatus",
    "policy_for",
    "sla_status",
]

ApprovalType = Literal[
    "discount_approval",
    "ai_response_review",
    "document_approval",
    "pricing_override",
    "stock_exception",
    "handover_escalation",
    "guardrail_violation",
]
APPROVAL_TYPES: tuple[str, ...] = ApprovalType.__args__  # type: ignore[attr-defined]
PRIORITIES: tuple[str, ...] = ("low", "medium", "high", "urgent")
SlaStatus = Literal["on_track", "warning", "breached", "met"]
_WARNING_SHARE = 0.75


@dataclass(frozen=True, slots=True)
class Policy:
    """How urgent a type is: its priority, the time to decide, and when the request lapses."""

    priority: str
    sla: timedelta
    expires_after: timedelta

    def deadlines(self, created_at: datetime) -> tuple[datetime, datetime, datetime]:
        """The warning moment, the SLA deadline and the expiry for a request made at ``created_at``."""
        return (
            created_at + self.sla * _WARNING_SHARE,
            created_at + self.sla,
            created_at + self.expires_after,
        )


POLICIES: dict[str, Policy] = {
    "handover_escalation": Policy("urgent", timedelta(minutes=15), timedelta(hours=8)),
    "guardrail_violation": Policy("high", timedelta(minutes=30), timedelta(hours=24)),
    "ai_response_review": Policy("high", timedelta(minutes=30), timedelta(hours=24)),
    "discount_approval": Policy("high", timedelta(hours=2), timedelta(hours=24)),
    "pricing_override": Policy("medium", timedelta(hours=4), timedelta(hours=48)),
    "stock_exception": Policy("medium", timedelta(hours=4), timedelta(hours=48)),
    "document_approval": Policy("low", timedelta(hours=24), timedelta(hours=72)),
}


def policy_for(approval_type: str) -> Policy:
    """The type's policy (an unknown type is treated as medium, four hours)."""
    return POLICIES.get(approval_type) or Policy("medium", timedelta(hours=4), timedelta(hours=48))


def sla_status(
    *,
    status: str,
    warning_at: datetime | None,
    deadline: datetime | None,
    decided_at: datetime | None,
    now: datetime,
) -> SlaStatus:
    """Where a request stands against its SLA: decided ones ``met`` or ``breached``, pending ones by time."""
    if deadline is None:
        return "on_track" if status == "pending" else "met"
    if status != "pending":
        return "met" if decided_at is not None and decided_at <= deadline else "breached"
    if now >= deadline:
        return "breached"
    if warning_at is not None and now >= warning_at:
        return "warning"
    return "on_track"
