"""Every route that needs a scope answers 403 to every role that lacks it, and runs for the roles that hold it."""

from __future__ import annotations

import re
import uuid

import httpx
import pytest

from parley.api.app import api_routes
from parley.api.deps import required_scopes
from parley.core.actor import scope_allows
from parley.identity.roles import Role, scopes_for
from tests.support.tenants import SeededTenants, login


def _scoped_routes() -> list[tuple[str, str, tuple[str, ...]]]:
    found = []
    for route in api_routes():
        scopes = required_scopes(route.dependant)
        if scopes:
            for method in sorted(route.methods):
                found.append((method, route.path, scopes))
    return found


SCOPED = _scoped_routes()


def test_admin_routes_declare_their_scopes() -> None:
    paths = {path for _method, path, _scopes in SCOPED}
    assert "/api/v1/admin/users" in paths
    assert "/api/v1/admin/audit" in paths


@pytest.mark.parametrize("role", [Role.VIEWER, Role.SALES_REP, Role.SALES_MANAGER])
async def test_a_role_is_refused_every_route_its_scopes_forbid(
    client: httpx.AsyncClient, tenants: SeededTenants, role: Role
) -> None:
    headers = await login(client, tenants.emails[role])
    granted = scopes_for(role)
    checked = 0
    for method, path, scopes in SCOPED:
        if all(scope_allows(granted, scope) for scope in scopes):
            continue
        url = re.sub(r"{\w+}", str(uuid.uuid4()), path)
        response = await client.request(method, url, headers=headers, json={})
        assert response.status_code == 403, f"{role} {method} {path}: {response.status_code}"
        assert response.json()["error"]["code"].startswith("AUTHZ_")
        checked += 1
    assert checked > 0


async def test_a_viewer_cannot_create_a_user(client: httpx.AsyncClient, tenants: SeededTenants) -> None:
    headers = await login(client, tenants.emails[Role.VIEWER])
    response = await client.post(
        "/api/v1/admin/users",
        json={"email": "new@demo.parley.dev", "password": "long-enough-pw", "role": "viewer"},
        headers=headers,
    )
    assert response.status_code == 403
    assert response.json()["error"]["details"]["missing"] == ["admin:users"]


async def test_an_admin_may_use_every_admin_route(client: httpx.AsyncClient, tenants: SeededTenants) -> None:
    headers = await login(client, tenants.emails[Role.ADMIN])
    for path in (
        "/api/v1/admin/users",
        "/api/v1/admin/audit",
        "/api/v1/admin/api-keys",
        "/api/v1/admin/health",
    ):
        response = await client.get(path, headers=headers)
        assert response.status_code == 200, path
