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


# Each id-taking path parameter names how to make a record of the demo tenant; a new route adds its own here.
ID_FACTORIES: dict[str, IdFactory] = {"user_id": _a_user, "key_id": _an_api_key}


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
            method, path.replace("{" + name + "}", record_id), headers=other_admin, json={}
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
