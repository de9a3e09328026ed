"""Quotations: gapless numbers, pricing, the state machine (legal and illegal moves), expiry, acceptance, PDF."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select

from parley.core.events import DomainEvent
from parley.identity.roles import Role
from parley.runtime import Runtime
from parley.tools.principal import agent_actor
from parley.tools.quotations.service import TRANSITIONS, expire_quotations
from tests.support.tenants import SeededTenants, login
from tests.tools.helpers import make_customer, make_product, make_quotation


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


@pytest.fixture
async def quote(client: httpx.AsyncClient, admin: dict[str, str]) -> dict[str, object]:
    product = await make_product(client, admin, price="12.50", vat_rate="21")
    customer = await make_customer(client, admin)
    return await make_quotation(client, admin, customer["id"], [{"product_id": product["id"], "quantity": 3}])


async def _post(
    client: httpx.AsyncClient, headers: dict[str, str], quotation_id: object, action: str
) -> httpx.Response:
    return await client.post(f"/api/v1/quotations/{quotation_id}/{action}", headers=headers, json={})


async def test_a_quotation_is_priced_numbered_and_valid_for_thirty_days(
    client: httpx.AsyncClient, admin: dict[str, str], quote: dict[str, object]
) -> None:
    assert str(quote["number"]).endswith("-00001") and str(quote["number"]).startswith("Q-")
    assert quote["status"] == "draft"
    assert (quote["total_net"], quote["total_vat"], quote["total_gross"]) == ("37.50", "7.88", "45.38")
    assert quote["vat_breakdown"] == [{"rate": "21.0000", "net": "37.50", "vat": "7.88"}]
    second = await make_quotation(
        client, admin, str(quote["customer_id"]), [{"sku": "BOLT-M8", "quantity": 1}]
    )
    assert str(second["number"]).endswith("-00002")


async def test_the_legal_path_draft_sent_accepted_creates_a_pending_order_at_the_quoted_prices(
    client: httpx.AsyncClient, admin: dict[str, str], quote: dict[str, object]
) -> None:
    sent = (await _post(client, admin, quote["id"], "send")).json()["data"]
    assert sent["status"] == "sent" and sent["sent_at"]
    accepted = (await _post(client, admin, quote["id"], "accept")).json()["data"]
    assert accepted["status"] == "accepted" and accepted["order_id"]
    order = (await client.get(f"/api/v1/orders/{accepted['order_id']}", headers=admin)).json()["data"]
    assert order["status"] == "pending" and order["quotation_id"] == quote["id"]
    assert order["total_gross"] == quote["total_gross"]
    assert order["number"].startswith("ORD-")


@pytest.mark.parametrize(
    ("path", "illegal"),
    [
        ([], "accept"),
        ([], "reject"),
        (["send"], "send"),
        (["send", "reject"], "accept"),
        (["send", "accept"], "reject"),
        (["send", "reject"], "send"),
    ],
)
async def test_an_illegal_transition_is_409_and_changes_nothing(
    client: httpx.AsyncClient, admin: dict[str, str], quote: dict[str, object], path: list[str], illegal: str
) -> None:
    for action in path:
        assert (await _post(client, admin, quote["id"], action)).status_code == 200
    before = (await client.get(f"/api/v1/quotations/{quote['id']}", headers=admin)).json()["data"]
    response = await _post(client, admin, quote["id"], illegal)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "BIZ_INVALID_TRANSITION"
    after = (await client.get(f"/api/v1/quotations/{quote['id']}", headers=admin)).json()["data"]
    assert after == before


def test_the_state_machine_has_only_the_documented_moves() -> None:
    legal = {(a, b) for a, targets in TRANSITIONS.items() for b in targets}
    assert legal == {("draft", "sent"), ("sent", "accepted"), ("sent", "rejected"), ("sent", "expired")}


async def test_expiry_moves_only_sent_quotations_past_their_validity(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    tenants: SeededTenants,
    quote: dict[str, object],
) -> None:
    draft = await make_quotation(
        client, admin, str(quote["customer_id"]), [{"sku": "BOLT-M8", "quantity": 1}]
    )
    await _post(client, admin, quote["id"], "send")
    actor = agent_actor(tenants.demo_id)
    from datetime import datetime

    valid_until = datetime.fromisoformat(str(quote["valid_until"]))
    async with runtime.db.transaction(tenants.demo_id) as session:
        assert await expire_quotations(session, actor, now=valid_until - timedelta(seconds=1)) == []
    async with runtime.db.transaction(tenants.demo_id) as session:
        assert await expire_quotations(session, actor, now=valid_until) == [quote["number"]]
        events = list(
            await session.scalars(select(DomainEvent.type).where(DomainEvent.type.like("quotation.%")))
        )
    assert "quotation.expired" in events and "quotation.sent" in events
    expired = (await client.get(f"/api/v1/quotations/{quote['id']}", headers=admin)).json()["data"]
    assert expired["status"] == "expired" and expired["expired_at"]
    untouched = (await client.get(f"/api/v1/quotations/{draft['id']}", headers=admin)).json()["data"]
    assert untouched["status"] == "draft"
    assert (await _post(client, admin, quote["id"], "accept")).status_code == 409


async def test_the_pdf_is_a_pdf(
    client: httpx.AsyncClient, admin: dict[str, str], quote: dict[str, object]
) -> None:
    response = await client.get(f"/api/v1/quotations/{quote['id']}/pdf", headers=admin)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


async def test_a_viewer_cannot_send_and_the_list_filters_by_status(
    client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants, quote: dict[str, object]
) -> None:
    viewer = await login(client, tenants.emails[Role.VIEWER])
    assert (await _post(client, viewer, quote["id"], "send")).status_code == 403
    listed = (await client.get("/api/v1/quotations?status=draft", headers=viewer)).json()
    assert [q["id"] for q in listed["data"]] == [quote["id"]]
    assert (await client.get("/api/v1/quotations?status=sent", headers=viewer)).json()["data"] == []


async def test_accepting_after_the_validity_but_before_the_expiry_job_is_refused(
    runtime: Runtime,
    client: httpx.AsyncClient,
    admin: dict[str, str],
    tenants: SeededTenants,
    quote: dict[str, object],
) -> None:
    import uuid
    from datetime import datetime

    from parley.core.errors import BusinessRuleViolated
    from parley.tools.quotations.service import accept_quotation

    await _post(client, admin, quote["id"], "send")
    late = datetime.fromisoformat(str(quote["valid_until"])) + timedelta(minutes=1)
    with pytest.raises(BusinessRuleViolated) as refused:
        async with runtime.db.transaction(tenants.demo_id) as session:
            await accept_quotation(
                session, agent_actor(tenants.demo_id), uuid.UUID(str(quote["id"])), now=late
            )
    assert refused.value.code == "BIZ_QUOTATION_EXPIRED"
    assert (await client.get(f"/api/v1/quotations/{quote['id']}", headers=admin)).json()["data"][
        "status"
    ] == "sent"
