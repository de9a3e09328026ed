from __future__ import annotations

import httpx

from parley.identity.roles import Role
from tests.conftest import Clock
from tests.support.tenants import SeededTenants, login


async def _login_body(client: httpx.AsyncClient, email: str, password: str = "parley-demo") -> dict:
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def test_a_demo_user_logs_in_and_sees_who_they_are(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    headers = await login(client, tenants.emails[Role.SALES_REP])
    response = await client.get("/api/v1/auth/me", headers=headers)
    assert response.status_code == 200
    body = response.json()
    assert body["success"] is True
    assert body["data"]["email"] == "rep@demo.parley.dev"
    assert body["data"]["role"] == "sales_rep"
    assert "customers:write" in body["data"]["scopes"]
    assert "admin:users" not in body["data"]["scopes"]
    assert body["meta"]["request_id"]


async def test_a_wrong_password_is_refused_with_the_auth_envelope(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    response = await client.post(
        "/api/v1/auth/login", json={"email": "admin@demo.parley.dev", "password": "nope"}
    )
    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "AUTH_INVALID_CREDENTIALS"
    assert response.json()["success"] is False
    unknown = await client.post(
        "/api/v1/auth/login", json={"email": "ghost@demo.parley.dev", "password": "x"}
    )
    assert unknown.status_code == 401
    assert unknown.json()["error"]["code"] == "AUTH_INVALID_CREDENTIALS"


async def test_a_request_without_credentials_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/auth/me")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_REQUIRED"
    forged = await client.get("/api/v1/auth/me", headers={"Authorization": "Bearer not-a-token"})
    assert forged.status_code == 401
    assert forged.json()["error"]["code"] == "AUTH_TOKEN_INVALID"


async def test_an_access_token_expires_after_fifteen_minutes(
    client: httpx.AsyncClient, tenants: SeededTenants, clock: Clock
) -> None:
    data = await _login_body(client, tenants.emails[Role.VIEWER])
    assert data["expires_in"] == 900
    headers = {"Authorization": f"Bearer {data['access_token']}"}
    clock.advance(minutes=14)
    assert (await client.get("/api/v1/auth/me", headers=headers)).status_code == 200
    clock.advance(minutes=2)
    expired = await client.get("/api/v1/auth/me", headers=headers)
    assert expired.status_code == 401
    assert expired.json()["error"]["code"] == "AUTH_TOKEN_EXPIRED"


async def test_a_refresh_token_rotates_and_the_old_one_cannot_be_spent_again(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    first = await _login_body(client, tenants.emails[Role.SALES_MANAGER])
    second = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    rotated = second.json()["data"]
    assert rotated["refresh_token"] != first["refresh_token"]
    me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {rotated['access_token']}"})
    assert me.status_code == 200

    replay = await client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401
    assert replay.json()["error"]["code"] == "AUTH_TOKEN_REUSED"
    # the reuse revoked the whole family: the legitimate newest token is dead too
    newest = await client.post("/api/v1/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert newest.status_code == 401


async def test_reuse_revokes_only_the_family_of_that_login(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    laptop = await _login_body(client, tenants.emails[Role.SALES_REP])
    phone = await _login_body(client, tenants.emails[Role.SALES_REP])
    await client.post("/api/v1/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    await client.post("/api/v1/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    still = await client.post("/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert still.status_code == 200


async def test_a_refresh_token_expires(
    client: httpx.AsyncClient, tenants: SeededTenants, clock: Clock
) -> None:
    data = await _login_body(client, tenants.emails[Role.VIEWER])
    clock.advance(days=31)
    response = await client.post("/api/v1/auth/refresh", json={"refresh_token": data["refresh_token"]})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_TOKEN_EXPIRED"


async def test_logout_of_one_device_keeps_the_other_device_logged_in(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    laptop = await _login_body(client, tenants.emails[Role.SALES_REP])
    phone = await _login_body(client, tenants.emails[Role.SALES_REP])
    headers = {"Authorization": f"Bearer {laptop['access_token']}"}
    response = await client.post(
        "/api/v1/auth/logout", json={"refresh_token": laptop["refresh_token"]}, headers=headers
    )
    assert response.status_code == 200
    gone = await client.post("/api/v1/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    assert gone.status_code == 401
    assert gone.json()["error"]["code"] == "AUTH_TOKEN_REVOKED"
    kept = await client.post("/api/v1/auth/refresh", json={"refresh_token": phone["refresh_token"]})
    assert kept.status_code == 200


async def test_logout_everywhere_ends_access_tokens_already_issued(
    client: httpx.AsyncClient, tenants: SeededTenants
) -> None:
    laptop = await _login_body(client, tenants.emails[Role.SALES_REP])
    phone = await _login_body(client, tenants.emails[Role.SALES_REP])
    phone_headers = {"Authorization": f"Bearer {phone['access_token']}"}
    response = await client.post("/api/v1/auth/logout", json={"all_devices": True}, headers=phone_headers)
    assert response.status_code == 200
    for access in (laptop["access_token"], phone["access_token"]):
        me = await client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {access}"})
        assert me.status_code == 401
        assert me.json()["error"]["code"] == "AUTH_TOKEN_REVOKED"
    refresh = await client.post("/api/v1/auth/refresh", json={"refresh_token": laptop["refresh_token"]})
    assert refresh.status_code == 401


async def test_a_disabled_user_cannot_log_in(client: httpx.AsyncClient, tenants: SeededTenants) -> None:
    admin = await login(client, tenants.emails[Role.ADMIN])
    users = (await client.get("/api/v1/admin/users", params={"search": "viewer"}, headers=admin)).json()[
        "data"
    ]
    viewer_id = users[0]["id"]
    patched = await client.patch(f"/api/v1/admin/users/{viewer_id}", json={"is_active": False}, headers=admin)
    assert patched.status_code == 200
    response = await client.post(
        "/api/v1/auth/login", json={"email": tenants.emails[Role.VIEWER], "password": tenants.password}
    )
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_ACCOUNT_DISABLED"
