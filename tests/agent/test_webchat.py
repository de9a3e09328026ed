"""The web chat page, its widget, and the visitor's endpoints: in by POST through the channel pipeline, out by
the outbox (the server-sent events stream is driven in tests/channels/test_webchat_stream.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from parley.agent.service import AgentService
from parley.api.app import create_app
from parley.channels.models import ChannelAccount, OutboxMessage
from parley.core.settings import Settings
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.agent.conftest import Shop
from tests.support.tenants import SeededTenants, login


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"channel_burst_window_s": 0.05, "channel_poll_s": 0})


@pytest.fixture
async def app(runtime: Runtime, agent: AgentService) -> AsyncIterator[FastAPI]:
    app = create_app(runtime=runtime, agent=agent)
    yield app
    await app.state.channels.aclose()


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def _session(client: httpx.AsyncClient) -> str:
    started = await client.post("/api/v1/webchat/sessions", json={"business": "demo"})
    assert started.status_code == 201, started.text
    return started.json()["data"]["token"]


async def _say(
    client: httpx.AsyncClient, token: str, text: str, message_id: str | None = None
) -> dict[str, Any]:
    body = {"token": token, "text": text, **({"client_message_id": message_id} if message_id else {})}
    response = await client.post("/api/v1/webchat/messages", json=body)
    assert response.status_code == 202, response.text
    return response.json()["data"]


async def _history(client: httpx.AsyncClient, token: str) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/webchat/messages", params={"token": token})
    return response.json()["data"]["messages"]


async def test_the_chat_page_and_its_scripts_load(client: httpx.AsyncClient) -> None:
    page = await client.get("/chat")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script src="/chat/chat.js"></script>' in page.text
    script = await client.get("/chat/chat.js")
    assert script.status_code == 200 and "/events?token=" in script.text and "localStorage" in script.text
    widget = await client.get("/chat/widget.js")
    assert widget.status_code == 200 and "iframe" in widget.text


async def test_a_visitor_message_is_stored_answered_once_and_the_reply_goes_through_the_outbox(
    app: FastAPI, client: httpx.AsyncClient, runtime: Runtime, shop: Shop
) -> None:
    token = await _session(client)
    first = await _say(client, token, "is BOLT-M8-40 in stock?", "page-0001")
    again = await _say(client, token, "is BOLT-M8-40 in stock?", "page-0001")  # the page retried the POST
    assert (first["duplicate"], again["duplicate"]) == (False, True)
    await app.state.channels.drain()

    history = await _history(client, token)
    assert [m["role"] for m in history] == ["customer", "agent"]
    assert "5000" in history[1]["text"]
    assert set(history[1]) == {"id", "role", "text", "status", "created_at"}
    async with runtime.db.system_session() as session:
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert [(row.channel, row.status, str(row.message_id)) for row in rows] == [
        ("web", "sent", history[1]["id"])
    ]


async def test_three_quick_messages_get_one_answer_with_all_of_them_in_context(
    app: FastAPI, client: httpx.AsyncClient, runtime: Runtime, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime.settings, "channel_burst_window_s", 2.0)  # "quick" even on a loaded machine
    token = await _session(client)
    for text in ("hi", "do you have BOLT-M8-40", "in stock?"):
        await _say(client, token, text)
    await app.state.channels.drain()

    history = await _history(client, token)
    assert [m["role"] for m in history] == ["customer", "agent"]
    assert history[0]["text"].splitlines() == ["hi", "do you have BOLT-M8-40", "in stock?"]
    assert "5000" in history[1]["text"]


async def test_after_a_takeover_the_bot_is_silent_and_the_staff_message_reaches_the_page(
    app: FastAPI, client: httpx.AsyncClient, tenants: SeededTenants, shop: Shop
) -> None:
    token = await _session(client)
    conversation_id = token.split(".")[1]
    staff = await login(client, tenants.emails[Role.SALES_MANAGER])
    taken = await client.post(f"/api/v1/conversations/{conversation_id}/takeover", headers=staff)
    assert taken.status_code == 200, taken.text

    await _say(client, token, "can I talk to someone about a refund?")
    await app.state.channels.drain()
    assert [m["role"] for m in await _history(client, token)] == ["customer"]

    sent = await client.post(
        f"/api/v1/conversations/{conversation_id}/staff-messages",
        json={"text": "Hello, this is Dana. Which order is it?"},
        headers=staff,
    )
    assert sent.status_code == 201, sent.text
    assert await app.state.channels.flush() == 1
    history = await _history(client, token)
    assert [(m["role"], m["text"]) for m in history][-1] == (
        "staff",
        "Hello, this is Dana. Which order is it?",
    )


async def test_a_switched_off_web_chat_refuses_visitors_clearly(
    client: httpx.AsyncClient, runtime: Runtime, tenants: SeededTenants, shop: Shop
) -> None:
    token = await _session(client)
    admin = await login(client, tenants.emails[Role.ADMIN])
    async with runtime.db.session(tenants.demo_id) as session:
        account_id = await session.scalar(select(ChannelAccount.id).where(ChannelAccount.channel == "web"))
    switched = await client.patch(f"/api/v1/channels/{account_id}", json={"enabled": False}, headers=admin)
    assert switched.status_code == 200, switched.text

    refused = await client.post("/api/v1/webchat/messages", json={"token": token, "text": "hello?"})
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "CHANNEL_DISABLED"
    assert (await client.post("/api/v1/webchat/sessions", json={})).status_code == 409


async def test_a_bad_client_message_id_is_refused_and_nothing_is_stored(
    client: httpx.AsyncClient, shop: Shop
) -> None:
    token = await _session(client)
    body = {"token": token, "text": "hello", "client_message_id": "not a valid id!"}
    response = await client.post("/api/v1/webchat/messages", json=body)
    assert response.status_code == 422
    assert response.json()["error"]["code"].startswith("VAL_")
    assert await _history(client, token) == []


async def test_a_forged_chat_token_is_refused(client: httpx.AsyncClient, shop: Shop) -> None:
    token = await _session(client)
    tenant, conversation, _mac = token.split(".")
    forged = f"{tenant}.{conversation}.{'A' * 43}"
    response = await client.get("/api/v1/webchat/messages", params={"token": forged})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_INVALID_CHAT_TOKEN"
    posted = await client.post("/api/v1/webchat/messages", json={"token": forged, "text": "hi"})
    assert posted.status_code == 401


async def test_the_web_chat_endpoints_are_rate_limited(client: httpx.AsyncClient, shop: Shop) -> None:
    response = await client.post("/api/v1/webchat/sessions", json={})
    assert "X-RateLimit-Limit" in response.headers
