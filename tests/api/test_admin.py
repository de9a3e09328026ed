"""Staff administration, API keys, the audit log and health, as an admin would use them."""

from __future__ import annotations

import httpx
import pytest

from parley.identity.roles import Role
from tests.conftest import Clock
from tests.support.tenants import SeededTenants, login


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


async def test_an_admin_creates_changes_and_deletes_a_user_and_each_write_is_audited(
    client: httpx.AsyncClient, admin: dict[str, str], clock: Clock
) -> None:
    created = await client.post(
        "/api/v1/admin/users",
        json={"email": "New.Rep@Demo.Parley.dev", "password": "a-long-password", "role": "sales_rep"},
        headers=admin | {"X-Request-ID": "create-rep"},
    )
    assert created.status_code == 201
    user = created.json()["data"]
    assert user["email"] == "new.rep@demo.parley.dev"
    assert "password_hash" not in user
    new_login = await login(client, "new.rep@demo.parley.dev", "a-long-password")
    assert (await client.get("/api/v1/auth/me", headers=new_login)).status_code == 200

    clock.advance(seconds=1)
    promoted = await client.patch(
        f"/api/v1/admin/users/{user['id']}", json={"role": "sales_manager"}, headers=admin
    )
    assert promoted.json()["data"]["role"] == "sales_manager"
    clock.advance(seconds=1)
    deleted = await client.delete(f"/api/v1/admin/users/{user['id']}", headers=admin)
    assert deleted.status_code == 200
    assert (await client.get(f"/api/v1/admin/users/{user['id']}", headers=admin)).status_code == 404

    audit = (await client.get("/api/v1/admin/audit", params={"entity_id": user["id"]}, headers=admin)).json()
    entries = [entry for entry in audit["data"] if entry["action"].startswith("user.")]
    assert [entry["action"] for entry in entries] == ["user.delete", "user.update", "user.create"]
    assert "auth.login" in {entry["action"] for entry in audit["data"]}
    update = entries[1]
    assert update["before"]["role"] == "sales_rep"
    assert update["after"]["role"] == "sales_manager"
    assert update["actor"]["label"] == "admin@demo.parley.dev"
    create = entries[2]
    assert create["request_id"] == "create-rep"
    assert "password" not in str(create["after"]).lower().replace("password_", "")


async def test_the_audit_log_pages_by_cursor_without_gaps_or_repeats(
    client: httpx.AsyncClient, admin: dict[str, str], clock: Clock
) -> None:
    for index in range(7):
        clock.advance(seconds=1)
        await client.post(
            "/api/v1/admin/users",
            json={"email": f"user{index}@demo.parley.dev", "password": "a-long-password", "role": "viewer"},
            headers=admin,
        )
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 3, "action": "user.create"} | ({"cursor": cursor} if cursor else {})
        page = (await client.get("/api/v1/admin/audit", params=params, headers=admin)).json()
        seen += [entry["id"] for entry in page["data"]]
        cursor = page["meta"]["pagination"]["next_cursor"]
        if not page["meta"]["pagination"]["has_more"]:
            break
    assert len(seen) == len(set(seen)) == 7
    bad = await client.get("/api/v1/admin/audit", params={"cursor": "%%%"}, headers=admin)
    assert bad.status_code == 422
    assert bad.json()["error"]["field"] == "cursor"


async def test_an_api_key_is_shown_once_works_with_its_scopes_and_stops_when_revoked(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await client.post(
        "/api/v1/admin/api-keys", json={"name": "erp-sync", "scopes": ["admin:audit"]}, headers=admin
    )
    assert created.status_code == 201
    key = created.json()["data"]
    assert key["key"].startswith("sk_live_")
    listed = (await client.get("/api/v1/admin/api-keys", headers=admin)).json()["data"]
    assert "key" not in listed[0]
    assert listed[0]["prefix"] == key["key"][:12]

    as_key = {"X-API-Key": key["key"]}
    assert (await client.get("/api/v1/admin/audit", headers=as_key)).status_code == 200
    assert (await client.get("/api/v1/admin/users", headers=as_key)).status_code == 403
    me = (await client.get("/api/v1/auth/me", headers=as_key)).json()["data"]
    assert me["kind"] == "api_key"
    used = (await client.get("/api/v1/admin/api-keys", headers=admin)).json()["data"][0]
    assert used["last_used_at"] is not None

    await client.delete(f"/api/v1/admin/api-keys/{key['id']}", headers=admin)
    revoked = await client.get("/api/v1/admin/audit", headers=as_key)
    assert revoked.status_code == 401
    assert revoked.json()["error"]["code"] == "AUTH_API_KEY_INVALID"


async def test_an_api_key_expires(client: httpx.AsyncClient, admin: dict[str, str], clock: Clock) -> None:
    expires = clock.now.replace(microsecond=0).isoformat()
    refused = await client.post(
        "/api/v1/admin/api-keys",
        json={"name": "old", "scopes": ["admin:audit"], "expires_at": expires},
        headers=admin,
    )
    assert refused.status_code == 422
    clock.advance(days=1)
    in_an_hour = (clock.now.replace(microsecond=0)).isoformat()
    clock.advance(days=-1)
    created = await client.post(
        "/api/v1/admin/api-keys",
        json={"name": "temp", "scopes": ["admin:audit"], "environment": "test", "expires_at": in_an_hour},
        headers=admin,
    )
    assert created.status_code == 201, created.text
    key = created.json()["data"]["key"]
    assert key.startswith("sk_test_")
    assert (await client.get("/api/v1/admin/audit", headers={"X-API-Key": key})).status_code == 200
    clock.advance(days=2)
    expired = await client.get("/api/v1/admin/audit", headers={"X-API-Key": key})
    assert expired.json()["error"]["code"] == "AUTH_API_KEY_EXPIRED"


async def test_a_key_cannot_hold_unknown_scopes(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/admin/api-keys", json={"name": "x", "scopes": ["root:everything"]}, headers=admin
    )
    assert response.status_code == 422
    assert "root:everything" in response.json()["error"]["message"]


async def test_an_admin_cannot_lock_themselves_out(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    me = (await client.get("/api/v1/auth/me", headers=admin)).json()["data"]
    response = await client.patch(f"/api/v1/admin/users/{me['id']}", json={"is_active": False}, headers=admin)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "is_active"


async def test_health_reports_each_component(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    assert (await client.get("/health")).json()["status"] == "ok"
    report = (await client.get("/api/v1/admin/health", headers=admin)).json()["data"]
    components = {component["name"]: component for component in report["components"]}
    assert set(components) == {"database", "redis", "qdrant", "queue"}
    assert components["database"]["status"] == "ok"
    assert report["status"] == "ok"


async def test_docs_and_openapi_are_served(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 200
    spec = (await client.get("/openapi.json")).json()
    assert "/api/v1/auth/login" in spec["paths"]
