"""The approvals API: filters and sorting, comments, reassign, escalate, bulk decisions, stats, validation."""

from __future__ import annotations

import uuid

import httpx
import pytest

from parley.demo.seed import seed_actor
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.approvals.service import request_approval
from tests.support.tenants import SeededTenants, actor_of, login

pytestmark = pytest.mark.backend("sqlite")
_URL = "/api/v1/hitl/approvals"


async def _requests(runtime: Runtime, tenants: SeededTenants, *types: str) -> list[str]:
    async with runtime.db.transaction(tenants.demo_id) as session:
        made = [
            await request_approval(session, seed_actor(tenants.demo_id), type_=type_, payload={"note": type_})
            for type_ in types
        ]
    return [str(approval.id) for approval in made]


async def test_the_list_filters_and_sorts_and_refuses_an_unknown_sort(
    runtime: Runtime, client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    await _requests(runtime, tenants, "document_approval", "handover_escalation", "stock_exception")
    headers = await login(client, tenants.emails[Role.VIEWER])
    urgent_first = (await client.get(_URL, headers=headers)).json()["data"]
    assert [row["priority"] for row in urgent_first] == ["urgent", "medium", "low"]
    by_type = await client.get(
        _URL, params={"type": "stock_exception", "sla_status": "on_track"}, headers=headers
    )
    assert [row["type"] for row in by_type.json()["data"]] == ["stock_exception"]
    assert (await client.get(_URL, params={"priority": "low"}, headers=headers)).json()["meta"]["pagination"][
        "total"
    ] == 1
    bad_sort = await client.get(_URL, params={"sort": "secret"}, headers=headers)
    assert bad_sort.status_code == 422
    assert bad_sort.json()["error"]["field"] == "sort"
    bad_type = await client.get(_URL, params={"type": "free_lunch"}, headers=headers)
    assert bad_type.status_code == 422 and bad_type.json()["success"] is False


async def test_a_request_is_commented_reassigned_and_escalated_with_its_story(
    runtime: Runtime, client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    [approval_id] = await _requests(runtime, tenants, "pricing_override")
    manager = await login(client, tenants.emails[Role.SALES_MANAGER])
    rep = await actor_of(runtime.db, tenants.demo_id, tenants.emails[Role.SALES_REP])
    base = f"{_URL}/{approval_id}"
    assert (
        await client.post(f"{base}/comments", json={"text": "checking margins"}, headers=manager)
    ).status_code == 201
    assert (
        await client.post(f"{base}/reassign", json={"assignee_id": str(rep.id)}, headers=manager)
    ).status_code == 200
    stranger = await client.post(f"{base}/reassign", json={"assignee_id": str(uuid.uuid4())}, headers=manager)
    assert stranger.status_code == 422 and stranger.json()["error"]["field"] == "assignee_id"
    escalated = await client.post(f"{base}/escalate", json={"reason": "big customer"}, headers=manager)
    assert escalated.json()["data"]["priority"] == "urgent"
    detail = (await client.get(base, headers=manager)).json()["data"]
    assert [entry["action"] for entry in detail["history"]] == [
        "requested",
        "commented",
        "reassigned",
        "escalated",
    ]
    assert detail["assignee_id"] == str(rep.id)
    assert [c["text"] for c in detail["comments"]] == ["checking margins"]
    mine = await client.get(_URL, params={"assignee_id": str(rep.id)}, headers=manager)
    assert [row["id"] for row in mine.json()["data"]] == [approval_id]


async def test_bulk_decisions_report_each_request_and_stats_count_them(
    runtime: Runtime, client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    first, second, third = await _requests(
        runtime, tenants, "ai_response_review", "guardrail_violation", "document_approval"
    )
    manager = await login(client, tenants.emails[Role.SALES_MANAGER])
    approved = await client.post(f"{_URL}/bulk/approve", json={"ids": [first, second]}, headers=manager)
    assert [row["ok"] for row in approved.json()["data"]] == [True, True]
    rejected = await client.post(
        f"{_URL}/bulk/reject", json={"ids": [second, third], "reason": "not needed"}, headers=manager
    )
    outcomes = rejected.json()["data"]
    assert [row["ok"] for row in outcomes] == [False, True]
    assert outcomes[0]["error"]["code"] == "BIZ_APPROVAL_ALREADY_DECIDED"
    stats = (await client.get(f"{_URL}/stats", headers=manager)).json()["data"]
    assert stats["by_status"] == {"approved": 2, "rejected": 1}
    assert stats["sla_compliance"] == 1.0
    assert stats["average_resolution_seconds"] is not None


async def test_decisions_are_validated_and_answered_in_the_error_envelope(
    runtime: Runtime, client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    [approval_id] = await _requests(runtime, tenants, "stock_exception")
    manager = await login(client, tenants.emails[Role.SALES_MANAGER])
    viewer = await login(client, tenants.emails[Role.VIEWER])
    no_reason = await client.post(f"{_URL}/{approval_id}/reject", json={}, headers=manager)
    assert no_reason.status_code == 422
    assert no_reason.json()["error"]["code"].startswith("VAL_")
    bulk_without_reason = await client.post(
        f"{_URL}/bulk/reject", json={"ids": [approval_id]}, headers=manager
    )
    assert bulk_without_reason.status_code == 422
    forbidden = await client.post(f"{_URL}/{approval_id}/approve", json={}, headers=viewer)
    assert forbidden.status_code == 403
    missing = await client.post(f"{_URL}/{uuid.uuid4()}/approve", json={}, headers=manager)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "RES_NOT_FOUND"
