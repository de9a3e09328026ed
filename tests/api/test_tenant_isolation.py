"""A user of one business gets 404 for another business's ids on every route that takes an id."""

from __future__ import annotations

import re
import uuid
from collections.abc import Awaitable, Callable

import httpx

from parley.api.app import api_routes
from parley.identity.roles import Role
from tests.support.tenants import SeededTenants, login

IdFactory = Callable[[httpx.AsyncClient, dict[str, str]], Awaitable[str]]


async def _a_user(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {
        "email": f"{uuid.uuid4().hex[:8]}@demo.parley.dev",
        "password": "long-enough-pw",
        "role": "viewer",
    }
    return (await client.post("/api/v1/admin/users", json=body, headers=headers)).json()["data"]["id"]


async def _an_api_key(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {"name": "erp", "scopes": ["products:read"]}
    return (await client.post("/api/v1/admin/api-keys", json=body, headers=headers)).json()["data"]["id"]


async def _a_product(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {"sku": f"SKU-{uuid.uuid4().hex[:8]}", "name": "Isolated bolt", "price": "1.50"}
    return (await client.post("/api/v1/products", json=body, headers=headers)).json()["data"]["id"]


async def _a_customer(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {"name": "Isolated customer"}
    return (await client.post("/api/v1/customers", json=body, headers=headers)).json()["data"]["id"]


async def _a_reservation(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    product_id = await _a_product(client, headers)
    adjust = {"mode": "set", "quantity": 5, "reason": "count"}
    await client.post(f"/api/v1/stock/{product_id}/adjust", json=adjust, headers=headers)
    reserve = await client.post(
        f"/api/v1/stock/{product_id}/reservations", json={"quantity": 1}, headers=headers
    )
    return reserve.json()["data"]["id"]


# Each id-taking path parameter names how to make a record of the demo tenant; a new route adds its own here.
async def _an_article(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {"title": "Returns", "content": "Within 30 days."}
    return (await client.post("/api/v1/knowledge-base/articles", json=body, headers=headers)).json()["data"][
        "id"
    ]


async def _an_faq(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {"question": "Do you ship abroad?", "answer": "Yes, EU wide."}
    return (await client.post("/api/v1/knowledge-base/faqs", json=body, headers=headers)).json()["data"]["id"]


async def _an_ingest_job(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    files = [("files", ("note.txt", b"Open Monday to Friday.", "text/plain"))]
    response = await client.post("/api/v1/knowledge-base/upload", files=files, headers=headers)
    return response.json()["data"]["job_id"]


async def _a_conversation(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    response = await client.post("/api/v1/conversations", json={"channel": "web"}, headers=headers)
    return response.json()["data"]["id"]


async def _an_agent_message(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    conversation_id = await _a_conversation(client, headers)
    path = f"/api/v1/conversations/{conversation_id}/messages"
    return (await client.post(path, json={"text": "hello"}, headers=headers)).json()["data"]["message_id"]


async def _a_reply_template(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    listed = await client.get("/api/v1/assistant/templates?overrides_only=true", headers=headers)
    for row in listed.json()["data"]:
        await client.delete(f"/api/v1/assistant/templates/{row['id']}", headers=headers)
    body = {"key": "greeting", "language": "en", "text": "Welcome!"}
    return (await client.post("/api/v1/assistant/templates", json=body, headers=headers)).json()["data"]["id"]


async def _a_pricing_rule(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {"name": "Tools", "kind": "category", "percent": "3", "category": "tools"}
    return (await client.post("/api/v1/pricing/rules", json=body, headers=headers)).json()["data"]["id"]


async def _priced_lines(client: httpx.AsyncClient, headers: dict[str, str]) -> dict[str, object]:
    product_id = await _a_product(client, headers)
    return {
        "customer_id": await _a_customer(client, headers),
        "lines": [{"product_id": product_id, "quantity": 1}],
    }


async def _a_quotation(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = await _priced_lines(client, headers)
    return (await client.post("/api/v1/quotations", json=body, headers=headers)).json()["data"]["id"]


async def _an_order(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = await _priced_lines(client, headers)
    return (await client.post("/api/v1/orders", json=body, headers=headers)).json()["data"]["id"]


async def _an_invoice(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    order_id = await _an_order(client, headers)
    order = (await client.get(f"/api/v1/orders/{order_id}", headers=headers)).json()["data"]
    adjust = {"mode": "set", "quantity": 5, "reason": "count"}
    await client.post(f"/api/v1/stock/{order['lines'][0]['product_id']}/adjust", json=adjust, headers=headers)
    await client.post(f"/api/v1/orders/{order_id}/confirm", json={}, headers=headers)
    body = {"order_id": order_id}
    return (await client.post("/api/v1/invoices", json=body, headers=headers)).json()["data"]["id"]


async def _an_approval(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    quotation_id = await _a_quotation(client, headers)
    await client.put("/api/v1/pricing/thresholds", json={"roles": {"admin": "0"}}, headers=headers)
    response = await client.post(
        f"/api/v1/quotations/{quotation_id}/discount", json={"percent": "1"}, headers=headers
    )
    await client.put("/api/v1/pricing/thresholds", json={"roles": {"admin": "100"}}, headers=headers)
    listed = await client.get("/api/v1/approvals", headers=headers)
    assert response.status_code == 202, response.text
    return listed.json()["data"][0]["id"]


async def _a_channel(client: httpx.AsyncClient, headers: dict[str, str]) -> str:
    body = {
        "channel": "telegram",
        "name": "Bot",
        "address": f"bot_{uuid.uuid4().hex[:8]}",
        "secrets": {"bot_token": "123:abc", "webhook_secret": "hook-secret"},
    }
    return (await client.post("/api/v1/channels", json=body, headers=headers)).json()["data"]["id"]


ID_FACTORIES: dict[str, IdFactory] = {
    "channel_id": _a_channel,
    "invoice_id": _an_invoice,
    "approval_id": _an_approval,
    "rule_id": _a_pricing_rule,
    "quotation_id": _a_quotation,
    "order_id": _an_order,
    "conversation_id": _a_conversation,
    "message_id": _an_agent_message,
    "template_id": _a_reply_template,
    "article_id": _an_article,
    "faq_id": _an_faq,
    "job_id": _an_ingest_job,
    "user_id": _a_user,
    "key_id": _an_api_key,
    "product_id": _a_product,
    "customer_id": _a_customer,
    "reservation_id": _a_reservation,
}

# Routes whose body has required fields get a valid one, so the answer is about the id, not the body.
VALID_BODIES: dict[tuple[str, str], dict[str, object]] = {
    ("POST", "/api/v1/stock/{product_id}/adjust"): {"mode": "add", "quantity": 1, "reason": "count"},
    ("POST", "/api/v1/stock/{product_id}/reservations"): {"quantity": 1},
    ("POST", "/api/v1/orders/{order_id}/cancel"): {"reason": "no longer needed"},
    ("POST", "/api/v1/orders/{order_id}/discount"): {"percent": "5"},
    ("POST", "/api/v1/quotations/{quotation_id}/discount"): {"percent": "5"},
    ("POST", "/api/v1/invoices/{invoice_id}/cancel"): {"reason": "wrong address"},
    ("POST", "/api/v1/invoices/{invoice_id}/payments"): {"amount": "1.00"},
    ("POST", "/api/v1/orders/{order_id}/items"): {"lines": [{"sku": "ANY", "quantity": 1}]},
    ("POST", "/api/v1/orders/{order_id}/address"): {
        "shipping_address": {"address1": "1 Main St", "city": "Austin", "zip": "78701", "country": "USA"}
    },
    ("POST", "/api/v1/orders/{order_id}/payment-method"): {"payment_method": "card"},
    ("POST", "/api/v1/orders/{order_id}/returns"): {
        "items": [{"product_id": "00000000-0000-0000-0000-000000000001", "quantity": 1}]
    },
    ("POST", "/api/v1/orders/{order_id}/exchanges"): {
        "items": [
            {
                "product_id": "00000000-0000-0000-0000-000000000001",
                "quantity": 1,
                "new_product_id": "00000000-0000-0000-0000-000000000002",
            }
        ]
    },
    ("POST", "/api/v1/conversations/{conversation_id}/messages"): {"text": "hello"},
    ("POST", "/api/v1/conversations/{conversation_id}/messages/{message_id}/feedback"): {"rating": 4},
    ("PATCH", "/api/v1/assistant/templates/{template_id}"): {"text": "Hi!"},
    ("POST", "/api/v1/conversations/{conversation_id}/staff-messages"): {"text": "hello"},
    ("POST", "/api/v1/hitl/approvals/{approval_id}/reject"): {"reason": "too generous"},
    ("POST", "/api/v1/hitl/approvals/{approval_id}/escalate"): {"reason": "big customer"},
    ("POST", "/api/v1/hitl/approvals/{approval_id}/reassign"): {
        "assignee_id": "00000000-0000-0000-0000-000000000001"
    },
    ("POST", "/api/v1/hitl/approvals/{approval_id}/comments"): {"text": "checking"},
}


#: Path parameters that name something every business has, not a record of one business: each business
#: reads and edits its own copy (tested where the route is).
SHARED_NAMES = {"intent": "tests/agent/test_intents_api.py"}


def _id_routes() -> list[tuple[str, str, str]]:
    found = []
    for route in api_routes():
        for param in route.dependant.path_params:
            if param.name in SHARED_NAMES:
                continue
            for method in sorted(route.methods):
                found.append((method, route.path, param.name))
    return found


def test_every_id_route_has_a_record_factory() -> None:
    missing = {name for _method, _path, name in _id_routes()} - set(ID_FACTORIES)
    assert not missing, f"add factories for {missing} to ID_FACTORIES"


async def test_another_business_gets_404_for_our_ids_on_every_route(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    demo_admin = await login(client, tenants.emails[Role.ADMIN])
    other_admin = await login(client, tenants.other_admin_email)
    routes = _id_routes()
    assert routes
    for method, path, name in routes:
        record_id = await ID_FACTORIES[name](client, demo_admin)
        url = path.replace("{" + name + "}", record_id)
        for other in re.findall(r"{(\w+)}", url):  # a second id in the path: a record of ours too
            url = url.replace("{" + other + "}", await ID_FACTORIES[other](client, demo_admin))
        response = await client.request(
            method,
            url,
            headers=other_admin,
            json=VALID_BODIES.get((method, path), {}),
        )
        assert response.status_code == 404, f"{method} {path}: {response.status_code} {response.text}"
        assert response.json()["error"]["code"] == "RES_NOT_FOUND"
        still_there = await client.get(path.replace("{" + name + "}", record_id), headers=demo_admin)
        assert still_there.status_code in (200, 405), f"{path} changed for its owner"


async def test_a_session_of_one_tenant_never_reads_another_tenants_users(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    other_admin = await login(client, tenants.other_admin_email)
    listed = (await client.get("/api/v1/admin/users", headers=other_admin)).json()
    assert [user["email"] for user in listed["data"]] == [tenants.other_admin_email]
    assert listed["meta"]["pagination"]["total"] == 1
