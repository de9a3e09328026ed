"""A Telegram bot without a public URL: long polling through python-telegram-bot against the fake Bot API."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from parley.agent.conversations.models import Message
from parley.api.app import create_app
from parley.channels.worker import ChannelWorker
from parley.core.settings import Settings
from parley.devtools.fake_telegram import FakeTelegram
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")


@pytest.fixture
def settings(settings: Settings) -> Settings:
    update = {"channel_burst_window_s": 0.05, "channel_poll_s": 0, "telegram_poll_timeout_s": 1}
    return settings.model_copy(update=update)


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


@pytest.fixture
async def app(runtime: Runtime) -> AsyncIterator[FastAPI]:
    app = create_app(runtime=runtime)
    yield app
    await app.state.channels.aclose()


def _update(update_id: int, text: str) -> dict[str, Any]:
    user = {"id": 777, "is_bot": False, "first_name": "Grace", "username": "grace"}
    chat = {"id": 777, "type": "private", "first_name": "Grace"}
    message = {"message_id": update_id - 9000, "date": 1767225600, "chat": chat, "from": user, "text": text}
    return {"update_id": update_id, "message": message}


async def _until(condition: Any, what: str) -> None:
    for _ in range(600):  # up to 30 s: the suite shares two cores
        if condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


async def _connect(app: FastAPI, tenants: SeededTenants, fake: FakeTelegram, updates: str) -> str:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        headers = await login(http, tenants.emails[Role.ADMIN])
        body = {
            "channel": "telegram",
            "name": "Shop bot",
            "address": "parley_test_bot",
            "config": {"api_base_url": fake.base_url, "updates": updates},
            "secrets": {"bot_token": "123456:ABCDEF-secret-token"},
        }
        response = await http.post("/api/v1/channels", json=body, headers=headers)
        assert response.status_code == 201, response.text
        return response.json()["data"]["id"]


async def test_a_polled_message_is_answered_once_even_when_telegram_sends_it_again(
    app: FastAPI, tenants: SeededTenants, telegram: FakeTelegram, runtime: Runtime
) -> None:
    await _connect(app, tenants, telegram, "polling")
    worker: ChannelWorker = app.state.channels
    telegram.push_update(_update(9001, "is BOLT-M8-40 in stock?"))
    assert await worker.watch() == 1

    await _until(lambda: any(int(p.get("offset") or 0) == 9002 for p in telegram.polls()), "the confirmation")
    await worker.drain()
    assert len(telegram.sent) == 1 and telegram.sent[0]["chat_id"] in ("777", 777)
    assert any(r["path"].endswith("/deleteWebhook") for r in telegram.requests)

    # After a crash Telegram hands out what was not confirmed: stored already, so not answered again.
    telegram.push_update(_update(9002, "is BOLT-M8-40 in stock?") | {"update_id": 9002})
    telegram.push_update(_update(9001, "is BOLT-M8-40 in stock?") | {"update_id": 9003})
    await _until(lambda: any(int(p.get("offset") or 0) == 9004 for p in telegram.polls()), "both updates")
    await worker.drain()
    async with runtime.db.session(tenants.demo_id) as session:
        rows = (await session.execute(select(Message.role, Message.text).order_by(Message.seq))).all()
    assert [role for role, _text in rows] == ["customer", "agent", "customer", "agent"]
    assert [m["text"] for m in telegram.sent] == [rows[1].text, rows[3].text]


async def test_a_webhook_account_is_not_polled_and_a_disabled_one_stops(
    app: FastAPI, tenants: SeededTenants, telegram: FakeTelegram
) -> None:
    account_id = await _connect(app, tenants, telegram, "webhook")
    worker: ChannelWorker = app.state.channels
    assert await worker.watch() == 0
    assert telegram.polls() == []

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        headers = await login(http, tenants.emails[Role.ADMIN])
        patch = {"config": {"updates": "polling"}}
        assert (
            await http.patch(f"/api/v1/channels/{account_id}", json=patch, headers=headers)
        ).status_code == 200
        assert await worker.watch() == 1
        await _until(lambda: telegram.polls(), "the first poll")
        off = {"enabled": False}
        assert (
            await http.patch(f"/api/v1/channels/{account_id}", json=off, headers=headers)
        ).status_code == 200
    assert await worker.watch() == 0
