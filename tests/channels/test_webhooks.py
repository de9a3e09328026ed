"""Webhooks to the outbox, end to end: the real twilio and python-telegram-bot clients against fake servers."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select, update
from twilio.request_validator import RequestValidator

from parley.agent.conversations.models import Conversation, Message
from parley.api.app import create_app
from parley.channels.commands import COMMAND_REPLIES
from parley.channels.models import InboundReceipt, OutboxMessage
from parley.channels.worker import ChannelWorker
from parley.core.settings import Settings
from parley.devtools.fake_telegram import FakeTelegram
from parley.devtools.fake_twilio import FakeTwilio
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.support.tenants import SeededTenants, login

pytestmark = pytest.mark.backend("sqlite")

OUR_NUMBER = "whatsapp:+14155238886"
CUSTOMER = "whatsapp:+15005550006"
ACCOUNT_SID = "AC" + "0" * 32
WHATSAPP_URL = "http://127.0.0.1:8000/api/v1/webhooks/whatsapp"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"channel_burst_window_s": 0.2, "channel_poll_s": 0, "outbox_backoff_s": 0.01}
    )


@pytest.fixture
async def app(runtime: Runtime) -> FastAPI:
    return create_app(runtime=runtime)


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client:
        yield client
    await app.state.channels.aclose()


@pytest.fixture
def twilio() -> Iterator[FakeTwilio]:
    with FakeTwilio() as server:
        yield server


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram() as server:
        yield server


async def _connect(http: httpx.AsyncClient, tenants: SeededTenants, body: dict[str, Any]) -> dict[str, Any]:
    headers = await login(http, tenants.emails[Role.ADMIN])
    response = await http.post("/api/v1/channels", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def _whatsapp(http: httpx.AsyncClient, tenants: SeededTenants, twilio: FakeTwilio) -> dict[str, Any]:
    return await _connect(
        http,
        tenants,
        {
            "channel": "whatsapp",
            "name": "Shop WhatsApp",
            "address": OUR_NUMBER,
            "config": {"account_sid": ACCOUNT_SID, "api_base_url": twilio.base_url},
            "secrets": {"auth_token": "12345"},
        },
    )


def _signed(params: dict[str, str], url: str = WHATSAPP_URL) -> dict[str, str]:
    return {"X-Twilio-Signature": RequestValidator("12345").compute_signature(url, params)}


def _inbound(sid: str, text: str) -> dict[str, str]:
    return {
        "MessageSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": ACCOUNT_SID,
        "From": CUSTOMER,
        "To": OUR_NUMBER,
        "Body": text,
        "NumMedia": "0",
        "WaId": "15005550006",
        "ProfileName": "Ada",
    }


async def _outbox_row(runtime: Runtime, tenants: SeededTenants) -> OutboxMessage | None:
    """The demo business's one outbox row."""
    async with runtime.db.session(tenants.demo_id) as session:
        return await session.scalar(select(OutboxMessage))


async def _settle(app: FastAPI) -> ChannelWorker:
    worker: ChannelWorker = app.state.channels
    await worker.drain()
    await worker.flush()
    return worker


async def test_a_whatsapp_message_delivered_three_times_is_answered_once_and_tracked_to_read(
    app: FastAPI, http: httpx.AsyncClient, tenants: SeededTenants, twilio: FakeTwilio, runtime: Runtime
) -> None:
    await _whatsapp(http, tenants, twilio)
    form = _inbound("SM" + "a" * 32, "What are your opening hours?")
    answers = await asyncio.gather(
        *(http.post("/api/v1/webhooks/whatsapp", data=form, headers=_signed(form)) for _ in range(3))
    )
    assert [answer.status_code for answer in answers] == [200, 200, 200]
    assert "<Response>" in answers[0].text
    await _settle(app)

    assert len(twilio.sent) == 1
    sent = twilio.sent[0]
    assert (sent["To"], sent["From"]) == (CUSTOMER, OUR_NUMBER)
    assert sent["StatusCallback"].endswith("/api/v1/webhooks/whatsapp/status")
    row = await _outbox_row(runtime, tenants)
    assert row is not None and row.status == "queued"

    for status in ("sent", "read", "delivered"):  # a late 'delivered' must not undo 'read'
        callback = {"MessageSid": row.provider_message_id, "MessageStatus": status, "From": OUR_NUMBER}
        url = WHATSAPP_URL + "/status"
        response = await http.post(url, data=callback, headers=_signed(callback, url))
        assert response.status_code == 204
    row = await _outbox_row(runtime, tenants)
    assert row is not None and row.status == "read"
    assert [entry["status"] for entry in row.history][-3:] == ["sent", "read", "delivered"]


async def test_a_tampered_twilio_webhook_is_refused(
    http: httpx.AsyncClient, tenants: SeededTenants, twilio: FakeTwilio
) -> None:
    await _whatsapp(http, tenants, twilio)
    form = _inbound("SM" + "b" * 32, "hello")
    headers = _signed(form)
    form["Body"] = "hello, send me everything"
    response = await http.post("/api/v1/webhooks/whatsapp", data=form, headers=headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "AUTH_BAD_SIGNATURE"


async def test_the_outbox_retries_after_a_provider_500_and_dead_letters_after_the_last_try(
    app: FastAPI,
    http: httpx.AsyncClient,
    tenants: SeededTenants,
    twilio: FakeTwilio,
    runtime: Runtime,
    clock: Any,
) -> None:
    await _whatsapp(http, tenants, twilio)
    twilio.fail_next(500)
    form = _inbound("SM" + "c" * 32, "Do you ship to Canada?")
    await http.post("/api/v1/webhooks/whatsapp", data=form, headers=_signed(form))
    worker = await _settle(app)
    row = await _outbox_row(runtime, tenants)
    assert row is not None and (row.status, row.attempts) == ("retry", 1)
    clock.advance(seconds=1)
    await worker.flush()
    row = await _outbox_row(runtime, tenants)
    assert row is not None and (row.status, row.attempts) == ("queued", 2)
    assert len(twilio.sent) == 1

    twilio.fail_next(503, times=20)
    form = _inbound("SM" + "d" * 32, "Do you ship to Mexico?") | {
        "From": "whatsapp:+15005550007",
        "WaId": "15005550007",
    }
    await http.post("/api/v1/webhooks/whatsapp", data=form, headers=_signed(form))
    await worker.drain()
    for _ in range(runtime.settings.outbox_max_attempts + 1):
        clock.advance(seconds=60)
        await worker.flush()
    async with runtime.db.session(tenants.demo_id) as session:
        statuses = sorted((await session.scalars(select(OutboxMessage.status))).all())
    assert statuses == ["dead", "queued"]


async def test_a_reply_twilio_created_but_whose_answer_was_lost_is_not_sent_twice(
    app: FastAPI,
    http: httpx.AsyncClient,
    tenants: SeededTenants,
    twilio: FakeTwilio,
    runtime: Runtime,
    clock: Any,
) -> None:
    await _whatsapp(http, tenants, twilio)
    twilio.lose_next_answer()
    form = _inbound("SM" + "e" * 32, "Do you ship to Chile?")
    await http.post("/api/v1/webhooks/whatsapp", data=form, headers=_signed(form))
    worker = await _settle(app)
    row = await _outbox_row(runtime, tenants)
    assert row is not None and (row.status, row.attempts) == ("retry", 1)
    assert len(twilio.created) == 1

    clock.advance(seconds=1)
    await worker.flush()
    row = await _outbox_row(runtime, tenants)
    assert row is not None and (row.status, row.attempts) == ("queued", 2)
    assert row.provider_message_id == twilio.created[0]["sid"]
    assert len(twilio.created) == 1


def _update(update_id: int, message_id: int, text: str) -> dict[str, Any]:
    user = {"id": 777, "is_bot": False, "first_name": "Grace", "username": "grace"}
    return {
        "update_id": update_id,
        "message": {
            "message_id": message_id,
            "date": 1767225600,
            "chat": {"id": 777, "type": "private", "first_name": "Grace"},
            "from": user,
            "text": text,
        },
    }


async def _telegram(http: httpx.AsyncClient, tenants: SeededTenants, fake: FakeTelegram) -> str:
    account = await _connect(
        http,
        tenants,
        {
            "channel": "telegram",
            "name": "Shop bot",
            "address": "parley_test_bot",
            "config": {"api_base_url": fake.base_url},
            "secrets": {"bot_token": "123456:ABCDEF-secret-token", "webhook_secret": "s3cret-hook"},
        },
    )
    assert account["secrets"] == {"bot_token": "••••oken", "webhook_secret": "••••hook"}
    return account["id"]


async def test_a_burst_of_three_telegram_messages_gets_one_answer_with_all_three_in_context(
    app: FastAPI, http: httpx.AsyncClient, tenants: SeededTenants, telegram: FakeTelegram, runtime: Runtime
) -> None:
    account_id = await _telegram(http, tenants, telegram)
    url = f"/api/v1/webhooks/telegram?account={account_id}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-hook"}
    for number, text in enumerate(["hi", "I ordered a drill", "where is it?"], start=1):
        response = await http.post(url, json=_update(5000 + number, number, text), headers=headers)
        assert response.status_code == 200, response.text
    await _settle(app)

    assert len(telegram.sent) == 1
    assert telegram.sent[0]["chat_id"] in ("777", 777)
    async with runtime.db.session(tenants.demo_id) as session:
        customer_texts = (await session.scalars(select(Message.text).where(Message.role == "customer"))).all()
    assert customer_texts == ["hi\nI ordered a drill\nwhere is it?"]


async def test_a_telegram_post_without_the_secret_token_is_refused(
    http: httpx.AsyncClient, tenants: SeededTenants, telegram: FakeTelegram
) -> None:
    account_id = await _telegram(http, tenants, telegram)
    url = f"/api/v1/webhooks/telegram?account={account_id}"
    response = await http.post(
        url, json=_update(1, 1, "hi"), headers={"X-Telegram-Bot-Api-Secret-Token": "no"}
    )
    assert response.status_code == 401


async def test_the_bot_stays_silent_in_a_conversation_staff_took_over(
    app: FastAPI, http: httpx.AsyncClient, tenants: SeededTenants, telegram: FakeTelegram, runtime: Runtime
) -> None:
    account_id = await _telegram(http, tenants, telegram)
    url = f"/api/v1/webhooks/telegram?account={account_id}"
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-hook"}
    await http.post(url, json=_update(6001, 1, "hello"), headers=headers)
    await _settle(app)
    assert len(telegram.sent) == 1
    async with runtime.db.transaction(tenants.demo_id) as session:
        await session.execute(update(Conversation).values(status="handed_over"))

    await http.post(url, json=_update(6002, 2, "are you a person?"), headers=headers)
    await _settle(app)
    assert len(telegram.sent) == 1
    async with runtime.db.session(tenants.demo_id) as session:
        receipts = (await session.scalars(select(InboundReceipt.status))).all()
        texts = (await session.scalars(select(Message.text).where(Message.role == "customer"))).all()
    assert sorted(receipts) == ["answered", "answered"]
    assert "are you a person?" in texts


async def test_start_and_help_are_answered_at_once_with_fixed_texts_and_no_agent_turn(
    app: FastAPI, http: httpx.AsyncClient, tenants: SeededTenants, telegram: FakeTelegram, runtime: Runtime
) -> None:
    account_id = await _telegram(http, tenants, telegram)
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-hook"}
    for number, command in enumerate(["/start", "/help"], start=1):
        update = _update(number, number, command)
        update["message"]["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        response = await http.post(
            f"/api/v1/webhooks/telegram?account={account_id}", json=update, headers=headers
        )
        assert response.status_code == 200
    await _settle(app)

    assert [sent["text"] for sent in telegram.sent] == [COMMAND_REPLIES["start"], COMMAND_REPLIES["help"]]
    async with runtime.db.session(tenants.demo_id) as session:
        receipts = (await session.scalars(select(InboundReceipt.status))).all()
        roles = (await session.scalars(select(Message.role).order_by(Message.seq))).all()
    assert receipts == ["answered", "answered"]
    assert roles == ["customer", "agent", "customer", "agent"]


async def test_a_tapped_inline_button_is_acknowledged_and_its_data_reaches_the_agent(
    app: FastAPI, http: httpx.AsyncClient, tenants: SeededTenants, telegram: FakeTelegram, runtime: Runtime
) -> None:
    account_id = await _telegram(http, tenants, telegram)
    keyboard = {
        "inline_keyboard": [[{"text": "Approve quote", "callback_data": "approve_quote:Q-2026-0001"}]]
    }
    origin = {**_update(1, 41, "Your quote is ready.")["message"], "reply_markup": keyboard}
    origin["from"] = {"id": 4242, "is_bot": True, "first_name": "Parley", "username": "parley_test_bot"}
    update = {
        "update_id": 2,
        "callback_query": {
            "id": "4382bfdwdsb323b2d9",
            "from": {"id": 777, "is_bot": False, "first_name": "Grace"},
            "chat_instance": "-4801",
            "message": origin,
            "data": "approve_quote:Q-2026-0001",
        },
    }
    headers = {"X-Telegram-Bot-Api-Secret-Token": "s3cret-hook"}
    response = await http.post(
        f"/api/v1/webhooks/telegram?account={account_id}", json=update, headers=headers
    )
    assert response.status_code == 200
    await _settle(app)

    answered = [r["fields"] for r in telegram.requests if r["path"].endswith("/answerCallbackQuery")]
    assert [fields["callback_query_id"] for fields in answered] == ["4382bfdwdsb323b2d9"]
    async with runtime.db.session(tenants.demo_id) as session:
        said = await session.scalar(select(Message.text).where(Message.role == "customer"))
    assert said == "Approve quote [button: approve_quote:Q-2026-0001]"
    assert len(telegram.sent) == 1
