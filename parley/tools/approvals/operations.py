"""Approval operations: list and read requests (deciding them is the HITL API, /api/v1/hitl/approvals)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.listing import Page
from parley.tools.approvals import service
from parley.tools.approvals.schemas import ApprovalFilter, ApprovalId, ApprovalOut
from parley.tools.operation import Operation

__all__ = ["OPERATIONS"]

_BASE = "/api/v1/approvals"
_TAGS = ("approvals",)


async def _list(session: AsyncSession, actor: Actor, data: ApprovalFilter) -> Page[ApprovalOut]:
    return await service.list_approvals(session, actor, filters=data)


async def _get(session: AsyncSession, actor: Actor, data: ApprovalId) -> ApprovalOut:
    return await service.get_approval(session, actor, data.approval_id)


OPERATIONS: tuple[Operation[Any, Any], ...] = (
    Operation(
        name="list_approvals",
        description="List approval requests (e.g. discounts above a threshold), newest first.",
        input=ApprovalFilter,
        output=Page[ApprovalOut],
        scope="hitl:read",
        method="GET",
        path=_BASE,
        handler=_list,
        tags=_TAGS,
    ),
    Operation(
        name="get_approval",
        description="Get one approval request with what was asked and by whom.",
        input=ApprovalId,
        output=ApprovalOut,
        scope="hitl:read",
        method="GET",
        path=f"{_BASE}/{{approval_id}}",
        handler=_get,
        tags=_TAGS,
    ),
)
