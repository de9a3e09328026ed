"""A user of one business gets 404 for another business's ids on every route that takes an id."""

from __future__ import annotations

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


ID_FACTORIES: dict[str, IdFactory] = {
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
}


def _id_routes() -> list[tuple[str, str, str]]:
    found = []
    for route in api_routes():
        for param in route.dependant.path_params:
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
        response = await client.request(
            method,
            path.replace("{" + name + "}", record_id),
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
