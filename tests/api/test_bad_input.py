"""Bad input gets a clear 4xx envelope and never a 500."""

from __future__ import annotations

import httpx
import pytest

from parley.identity.roles import Role
from tests.support.tenants import SeededTenants, login


@pytest.fixture
async def admin(client: httpx.AsyncClient, tenants: SeededTenants) -> dict[str, str]:
    return await login(client, tenants.emails[Role.ADMIN])


async def test_malformed_json_is_a_400_with_its_own_code(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/admin/users",
        content=b'{"email": "a@b.c", ',
        headers=admin | {"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "VAL_MALFORMED_JSON"


async def test_a_wrong_type_names_the_field(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/admin/users",
        json={"email": "x@demo.parley.dev", "password": "long-enough-pw", "role": "emperor"},
        headers=admin,
    )
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "VAL_INVALID"
    assert error["field"] == "role"


async def test_an_unknown_field_is_refused(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.post(
        "/api/v1/admin/users",
        json={"email": "x@demo.parley.dev", "password": "long-enough-pw", "role": "viewer", "is_root": True},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "VAL_UNKNOWN_FIELD"
    assert response.json()["error"]["field"] == "is_root"


async def test_an_oversized_body_is_refused_before_it_is_read(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.post(
        "/api/v1/admin/users",
        content=b'{"email": "' + b"a" * 2_000_000 + b'"}',
        headers=admin | {"Content-Type": "application/json"},
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "VAL_PAYLOAD_TOO_LARGE"


async def test_an_oversized_chunked_body_is_refused_while_streaming(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    async def chunks():
        for _ in range(40):
            yield b"x" * 65_536

    response = await client.post(
        "/api/v1/admin/users", content=chunks(), headers=admin | {"Content-Type": "application/json"}
    )
    assert response.status_code == 413


async def test_a_duplicate_email_is_a_conflict_and_nothing_is_half_written(
    client: httpx.AsyncClient, admin: dict[str, str], tenants: SeededTenants
) -> None:
    body = {"email": tenants.emails[Role.VIEWER], "password": "long-enough-pw", "role": "viewer"}
    response = await client.post("/api/v1/admin/users", json=body, headers=admin)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "RES_ALREADY_EXISTS"
    audit = (await client.get("/api/v1/admin/audit", params={"action": "user.create"}, headers=admin)).json()
    assert audit["data"] == []


async def test_an_unknown_route_and_a_wrong_method_answer_in_the_envelope(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    missing = await client.get("/api/v1/nothing-here", headers=admin)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "RES_NOT_FOUND"
    wrong = await client.put("/api/v1/auth/me", headers=admin)
    assert wrong.status_code == 405
    assert wrong.json()["success"] is False


async def test_a_malformed_id_is_a_422_not_a_500(client: httpx.AsyncClient, admin: dict[str, str]) -> None:
    response = await client.get("/api/v1/admin/users/not-a-uuid", headers=admin)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "user_id"


@pytest.mark.parametrize(
    ("params", "status", "limit"),
    [
        ({"page": 0}, 422, None),
        ({"limit": 0}, 422, None),
        ({"limit": 1000}, 200, 100),
        ({"page": 99}, 200, 20),
    ],
)
async def test_pagination_bounds(
    client: httpx.AsyncClient, admin: dict[str, str], params: dict[str, int], status: int, limit: int | None
) -> None:
    response = await client.get("/api/v1/admin/users", params=params, headers=admin)
    assert response.status_code == status
    if status == 200:
        pagination = response.json()["meta"]["pagination"]
        assert pagination["limit"] == limit
        assert pagination["total"] == 4
        assert pagination["totalPages"] == 1
    else:
        assert response.json()["error"]["code"] == "VAL_INVALID"


async def test_sorting_by_an_unknown_field_lists_the_allowed_ones(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.get("/api/v1/admin/users", params={"sort": "password_hash"}, headers=admin)
    assert response.status_code == 422
    assert "email" in response.json()["error"]["details"]["allowed"]


async def test_sort_and_sparse_fields_shape_the_list(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    response = await client.get(
        "/api/v1/admin/users", params={"sort": "-email", "fields": "email"}, headers=admin
    )
    users = response.json()["data"]
    assert [user["email"] for user in users] == sorted((user["email"] for user in users), reverse=True)
    assert set(users[0]) == {"id", "email"}


async def test_the_request_id_is_taken_from_the_client_and_returned(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/v1/auth/me", headers={"X-Request-ID": "trace-123"})
    assert response.headers["x-request-id"] == "trace-123"
    assert response.json()["error"]["request_id"] == "trace-123"
    generated = await client.get("/health")
    assert len(generated.headers["x-request-id"]) == 32


async def test_an_unexpected_error_is_a_500_envelope_without_a_stack_trace(
    client: httpx.AsyncClient, admin: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from parley.api.routers import admin as admin_router

    async def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("database exploded: secret detail")

    monkeypatch.setattr(admin_router, "list_api_keys", broken)
    response = await client.get("/api/v1/admin/api-keys", headers=admin | {"X-Request-ID": "boom-1"})
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "SYS_INTERNAL_ERROR"
    assert "secret detail" not in response.text
    assert error["request_id"] == "boom-1"


@pytest.mark.parametrize(
    ("path", "body", "required", "changed_too"),
    [
        ("/api/v1/customers", {"name": "Acme Machining", "tier": "gold"}, "name", "notes"),
        (
            "/api/v1/pricing/rules",
            {"name": "Bulk", "kind": "quantity_break", "percent": 5, "min_quantity": 10},
            "stackable",
            "category",
        ),
        (
            "/api/v1/knowledge-base/articles",
            {"title": "Shipping", "content": "We ship in 2 days."},
            "status",
            "category",
        ),
        (
            "/api/v1/knowledge-base/faqs",
            {"question": "Do you ship?", "answer": "Yes, in 2 days."},
            "question",
            "category",
        ),
    ],
    ids=["customer", "pricing-rule", "article", "faq"],
)
async def test_a_patch_that_nulls_a_required_field_is_refused_and_changes_nothing(
    client: httpx.AsyncClient,
    admin: dict[str, str],
    path: str,
    body: dict[str, object],
    required: str,
    changed_too: str,
) -> None:
    created = await client.post(path, json=body, headers=admin)
    assert created.status_code == 201, created.text
    row = created.json()["data"]
    response = await client.patch(
        f"{path}/{row['id']}", json={required: None, changed_too: "new"}, headers=admin
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == required
    after = (await client.get(f"{path}/{row['id']}", headers=admin)).json()["data"]
    assert (after[required], after.get(changed_too)) == (row[required], row.get(changed_too))


async def test_a_patch_may_still_clear_an_optional_field(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    created = await client.post(
        "/api/v1/customers", json={"name": "Acme Machining", "email": "buyer@acme.example"}, headers=admin
    )
    customer_id = created.json()["data"]["id"]
    response = await client.patch(f"/api/v1/customers/{customer_id}", json={"email": None}, headers=admin)
    assert response.status_code == 200
    assert response.json()["data"]["email"] is None


@pytest.mark.parametrize(
    ("params", "field"),
    [({"max_price": "4.5e307"}, "max_price"), ({"min_price": "1.23456"}, "min_price")],
)
async def test_a_price_filter_beyond_what_a_price_can_be_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str], params: dict[str, str], field: str
) -> None:
    response = await client.get("/api/v1/products", params=params, headers=admin)
    assert response.status_code == 422
    assert response.json()["error"]["field"] == field


async def test_a_stock_level_beyond_any_store_is_refused(
    client: httpx.AsyncClient, admin: dict[str, str]
) -> None:
    product = (
        await client.post(
            "/api/v1/products", json={"sku": "B-1", "name": "Bolt", "price": "1"}, headers=admin
        )
    ).json()["data"]
    response = await client.post(
        f"/api/v1/stock/{product['id']}/adjust",
        json={"mode": "set", "quantity": 5, "reason": "count", "reorder_point": 10**31},
        headers=admin,
    )
    assert response.status_code == 422
    assert response.json()["error"]["field"] == "reorder_point"
