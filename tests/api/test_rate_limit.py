"""Rate limits answer 429 with Retry-After, in-process and on Redis (shared by every API process)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest

from parley.api.app import create_app
from parley.core.settings import Settings
from parley.runtime import Runtime
from tests.conftest import REDIS_URL
from tests.support.tenants import SeededTenants


@pytest.fixture(params=["memory", "redis"])
async def limited(
    request: pytest.FixtureRequest, settings: Settings, runtime: Runtime, tenants: SeededTenants
) -> AsyncIterator[tuple[list[httpx.AsyncClient], Runtime]]:
    redis_url = REDIS_URL if request.param == "redis" else None
    strict = settings.model_copy(
        update={"rate_limit_login": "3/minute", "rate_limit_default": "5/minute", "redis_url": redis_url}
    )
    limited_runtime = Runtime.build(strict, clock=runtime.clock)
    await limited_runtime.limiter.reset()
    clients = []
    for _ in range(2):  # two API processes sharing one limiter backend
        transport = httpx.ASGITransport(app=create_app(runtime=limited_runtime), client=("10.1.2.3", 5000))
        clients.append(httpx.AsyncClient(transport=transport, base_url="http://testserver"))
    yield clients, limited_runtime
    for http in clients:
        await http.aclose()
    await limited_runtime.limiter.reset()
    await limited_runtime.close()


async def test_login_is_limited_more_strictly_and_says_when_to_retry(
    limited: tuple[list[httpx.AsyncClient], Runtime],
) -> None:
    (first, second), _runtime = limited
    body = {"email": f"{uuid.uuid4().hex}@demo.parley.dev", "password": "wrong"}
    statuses = []
    for attempt in range(4):
        http = first if attempt % 2 == 0 else second
        response = await http.post("/api/v1/auth/login", json=body)
        statuses.append(response.status_code)
    assert statuses == [401, 401, 401, 429]
    assert response.json()["error"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert int(response.headers["retry-after"]) >= 1
    assert response.headers["x-ratelimit-limit"] == "3"
    assert response.headers["x-ratelimit-remaining"] == "0"


async def test_every_api_response_carries_the_rate_limit_headers(
    limited: tuple[list[httpx.AsyncClient], Runtime],
) -> None:
    (http, _second), _runtime = limited
    response = await http.get("/api/v1/auth/me")
    assert response.headers["x-ratelimit-limit"] == "5"
    assert response.headers["x-ratelimit-remaining"] == "4"
    assert int(response.headers["x-ratelimit-reset"]) > 0
    for _ in range(4):
        await http.get("/api/v1/auth/me")
    refused = await http.get("/api/v1/auth/me")
    assert refused.status_code == 429
    assert (await http.get("/health")).status_code == 200
