"""HITL routes, after the Cerniq HITL API: approval requests listed, read, decided, escalated, commented.

Approving or rejecting resumes the conversation that waited for the decision (once, from whichever process
decides); an approval that expires is resumed when the scheduler's ``approval.decided`` event arrives.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query

from parley.api.deps import AgentDep, RuntimeDep, SessionDep, require
from parley.api.envelope import ok
from parley.api.listing import list_params
from parley.core.actor import Actor
from parley.core.errors import ParleyError, ValidationFailed
from parley.core.events import DomainEvent, event_bus
from parley.core.listing import ListParams
from parley.hitl import decisions, service
from parley.hitl.schemas import (
    ApprovalFilters,
    ApproveIn,
    BulkIn,
    BulkResult,
    CommentIn,
    EscalateIn,
    ReassignIn,
    RejectIn,
)
from parley.runtime import Runtime


@asynccontextmanager
async def _resume_expired(app: FastAPI) -> AsyncIterator[None]:
    """While the app runs, an approval the scheduler expired resumes its conversation with that outcome."""
    agent = app.state.agent

    async def on_decided(event: DomainEvent) -> None:
        if event.payload.get("outcome") == "expired" and event.entity_id:
            await agent.resume_approval(event.tenant_id, uuid.UUID(event.entity_id))

    event_bus.subscribe("approval.decided", on_decided)
    try:
        yield
    finally:
        event_bus.unsubscribe("approval.decided", on_decided)


router = APIRouter(prefix="/api/v1/hitl/approvals", tags=["hitl"], lifespan=_resume_expired)

Reader = Annotated[Actor, Depends(require("hitl:read"))]
Approver = Annotated[Actor, Depends(require("hitl:approve"))]
Rejecter = Annotated[Actor, Depends(require("hitl:reject"))]
Escalator = Annotated[Actor, Depends(require("hitl:escalate"))]


async def _view(runtime: Runtime, actor: Actor, approval_id: uuid.UUID) -> dict[str, Any]:
    async with runtime.db.session(actor.tenant_id) as session:
        detail = await service.get_detail(session, actor, approval_id, now=runtime.clock())
    return detail.model_dump(mode="json")


@router.get("", summary="List approval requests")
async def list_approvals(
    actor: Reader,
    session: SessionDep,
    runtime: RuntimeDep,
    params: Annotated[ListParams, Depends(list_params)],
    filters: Annotated[ApprovalFilters, Query()],
) -> dict[str, Any]:
    """Filter by status, type, priority, assignee and SLA status; most urgent first by default."""
    rows, info = await service.list_approvals(
        session, actor, filters=filters, params=params, now=runtime.clock()
    )
    return ok([row.model_dump(mode="json") for row in rows], pagination=info)


@router.get("/stats", summary="Approval statistics")
async def approval_stats(actor: Reader, session: SessionDep, runtime: RuntimeDep) -> dict[str, Any]:
    """Counts by status, type and priority, pending by SLA status, average resolution time, SLA compliance."""
    return ok((await service.stats(session, actor, now=runtime.clock())).model_dump(mode="json"))


async def _bulk(
    actor: Actor, runtime: Runtime, agent: Any, body: BulkIn, outcome: str
) -> list[dict[str, Any]]:
    results = []
    for approval_id in body.ids:
        try:
            await decisions.settle(
                runtime.db,
                actor,
                approval_id,
                resume=agent.resume_approval,
                outcome=outcome,
                now=runtime.clock(),
                note=body.note,
                reason=body.reason or "",
            )
            results.append(BulkResult(id=approval_id, ok=True, status=outcome))
        except ParleyError as error:
            results.append(
                BulkResult(id=approval_id, ok=False, error={"code": error.code, "message": error.message})
            )
    return [result.model_dump(mode="json") for result in results]


@router.post("/bulk/approve", summary="Approve many requests")
async def bulk_approve(body: BulkIn, actor: Approver, runtime: RuntimeDep, agent: AgentDep) -> dict[str, Any]:
    """Each request is decided on its own; the answer says which succeeded and why others did not."""
    return ok(await _bulk(actor, runtime, agent, body, "approved"))


@router.post("/bulk/reject", summary="Reject many requests")
async def bulk_reject(body: BulkIn, actor: Rejecter, runtime: RuntimeDep, agent: AgentDep) -> dict[str, Any]:
    """Each request is decided on its own with the same reason; the answer lists each outcome."""
    if not body.reason:
        raise ValidationFailed("a rejection needs a reason", field="reason")
    return ok(await _bulk(actor, runtime, agent, body, "rejected"))


@router.get("/{approval_id}", summary="Get an approval request with its context")
async def read_approval(approval_id: uuid.UUID, actor: Reader, runtime: RuntimeDep) -> dict[str, Any]:
    """The conversation excerpt, proposed action and effect, guardrail results, customer, history, comments."""
    return ok(await _view(runtime, actor, approval_id))


@router.post("/{approval_id}/approve", summary="Approve a request")
async def approve(
    approval_id: uuid.UUID, body: ApproveIn, actor: Approver, runtime: RuntimeDep, agent: AgentDep
) -> dict[str, Any]:
    """Optionally with modifications (a smaller discount); the waiting conversation is resumed once."""
    await decisions.settle(
        runtime.db,
        actor,
        approval_id,
        resume=agent.resume_approval,
        outcome="approved",
        now=runtime.clock(),
        note=body.note,
        modifications=body.modifications,
    )
    return ok(await _view(runtime, actor, approval_id))


@router.post("/{approval_id}/reject", summary="Reject a request")
async def reject(
    approval_id: uuid.UUID, body: RejectIn, actor: Rejecter, runtime: RuntimeDep, agent: AgentDep
) -> dict[str, Any]:
    """With a reason and, optionally, the message the customer receives instead of the default."""
    await decisions.settle(
        runtime.db,
        actor,
        approval_id,
        resume=agent.resume_approval,
        outcome="rejected",
        now=runtime.clock(),
        reason=body.reason,
        customer_message=body.customer_message,
    )
    return ok(await _view(runtime, actor, approval_id))


@router.post("/{approval_id}/escalate", summary="Escalate a request")
async def escalate(
    approval_id: uuid.UUID, body: EscalateIn, actor: Escalator, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """One level up, urgent priority, optionally to a named staff member."""
    approval = await service.escalate(
        session, actor, approval_id, reason=body.reason, assignee_id=body.assignee_id, now=runtime.clock()
    )
    return ok(service.view(approval, runtime.clock()).model_dump(mode="json"))


@router.post("/{approval_id}/reassign", summary="Reassign a request")
async def reassign(
    approval_id: uuid.UUID, body: ReassignIn, actor: Escalator, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """Give the request to another staff member of the business."""
    approval = await service.reassign(
        session, actor, approval_id, assignee_id=body.assignee_id, now=runtime.clock()
    )
    return ok(service.view(approval, runtime.clock()).model_dump(mode="json"))


@router.get("/{approval_id}/comments", summary="List a request's comments")
async def list_comments(approval_id: uuid.UUID, actor: Reader, runtime: RuntimeDep) -> dict[str, Any]:
    """Oldest first."""
    return ok((await _view(runtime, actor, approval_id))["comments"])


@router.post("/{approval_id}/comments", status_code=201, summary="Comment on a request")
async def comment(
    approval_id: uuid.UUID, body: CommentIn, actor: Reader, session: SessionDep, runtime: RuntimeDep
) -> dict[str, Any]:
    """A note for colleagues; it also appears in the request's history."""
    added = await service.add_comment(session, actor, approval_id, text=body.text, now=runtime.clock())
    return ok(added.model_dump(mode="json"))
