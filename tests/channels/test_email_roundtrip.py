"""E-mail end to end through real servers: dovecot's INBOX, Parley's IMAP poll, the agent, SMTP out."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import select

from parley.agent.conversations.models import Message
from parley.api.app import create_app
from parley.channels.models import InboundReceipt
from parley.channels.worker import ChannelWorker
from parley.core.settings import Settings
from parley.devtools.mail_servers import DOVECOT, Dovecot, SmtpSink, free_port
from parley.identity.roles import Role
from parley.runtime import Runtime
from tests.support.tenants import SeededTenants, login

from .payloads import email_manifest, read_bytes

pytestmark = [
    pytest.mark.backend("sqlite"),
    pytest.mark.skipif(
        not DOVECOT.exists(), reason="dovecot is not installed: run scripts/dovecot.sh (make test does)"
    ),
]

SUPPORT = "support@shop.example"
SAMPLE = "talon_replies/gmail.eml"
EARLIER = "<order-1001-confirmation@shop.example>"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "channel_burst_window_s": 0.05,
            "channel_poll_s": 0,
            "outbox_backoff_s": 0.01,
            "imap_idle_s": 120,
        }
    )


@pytest.fixture
def dovecot(tmp_path: Path) -> Iterator[Dovecot]:
    with Dovecot(tmp_path) as server:
        yield server


@pytest.fixture
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as server:
        yield server


@pytest.fixture
async def app(runtime: Runtime) -> AsyncIterator[FastAPI]:
    app = create_app(runtime=runtime)
    yield app
    await app.state.channels.aclose()


async def _connect(
    app: FastAPI, tenants: SeededTenants, address: str, config: dict[str, Any], *, password: str = ""
) -> None:
    """Connect a mailbox of the demo business through the channels API, as an admin would."""
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as http:
        headers = await login(http, tenants.emails[Role.ADMIN])
        body = {
            "channel": "email",
            "name": address,
            "address": address,
            "config": {"imap_host": "127.0.0.1", "imap_ssl": False, "smtp_host": "127.0.0.1", **config},
            "secrets": {"imap_password": password} if password else {},
        }
        response = await http.post("/api/v1/channels", json=body, headers=headers)
    assert response.status_code == 201, response.text


@pytest.fixture
async def mailbox(app: FastAPI, tenants: SeededTenants, dovecot: Dovecot, smtp: SmtpSink) -> ChannelWorker:
    """The demo business's support mailbox on dovecot, answering through the SMTP sink; its worker."""
    config = {
        "imap_port": dovecot.port,
        "imap_user": dovecot.user,
        "smtp_port": smtp.port,
        "from_name": "Demo Shop",
    }
    await _connect(app, tenants, SUPPORT, config, password=dovecot.password)
    return app.state.channels


def _customer_mail(message_id: str) -> bytes:
    """The Gmail sample (new text over quoted history), answering an earlier mail of the shop."""
    message = message_from_bytes(read_bytes(f"email/{SAMPLE}"), policy=policy.default)
    assert isinstance(message, EmailMessage)
    message.replace_header("To", f"Demo Shop <{SUPPORT}>")
    message.replace_header("Message-Id", message_id)
    message["In-Reply-To"] = EARLIER
    message["References"] = EARLIER
    return message.as_bytes()


async def _poll(worker: ChannelWorker) -> int:
    stored = await worker.poll_mailboxes()
    await worker.drain()
    await worker.flush()
    return stored


async def test_a_mail_in_the_inbox_is_answered_once_over_smtp_in_the_same_thread(
    mailbox: ChannelWorker, dovecot: Dovecot, smtp: SmtpSink, runtime: Runtime, tenants: SeededTenants
) -> None:
    message_id = make_msgid(domain="mail.gmail.com")
    dovecot.deliver(_customer_mail(message_id))

    assert await _poll(mailbox) == 1
    assert dovecot.unseen() == []
    assert len(smtp.received) == 1
    recipients, reply = smtp.received[0]
    assert recipients == ["xxx@gmail.com"]
    assert reply["From"].addresses[0].addr_spec == SUPPORT
    assert reply["Subject"] == "Re: Test"
    assert reply["In-Reply-To"] == message_id
    assert reply["References"].split() == [EARLIER, message_id]
    assert reply["Auto-Submitted"] == "auto-replied"
    assert reply["Message-ID"].endswith("@shop.example>")  # from the outbox row: a retry reuses it

    expected = next(entry for entry in email_manifest() if entry["file"] == SAMPLE)
    async with runtime.db.session(tenants.demo_id) as session:
        texts = {
            role: text for role, text in (await session.execute(select(Message.role, Message.text))).all()
        }
    assert texts["customer"] == expected["expected_reply_text_talon"]  # the quoted "> Hi" is gone
    assert reply.get_content().strip() == texts["agent"].strip()

    assert await _poll(mailbox) == 0  # nothing unseen is left
    dovecot.deliver(_customer_mail(message_id))  # the same mail again (a client's retry, a second copy)
    assert await _poll(mailbox) == 0
    assert dovecot.unseen() == []
    assert len(smtp.received) == 1


async def test_with_idle_each_new_mail_is_read_when_it_arrives_without_polling(
    mailbox: ChannelWorker, dovecot: Dovecot, smtp: SmtpSink
) -> None:
    assert await mailbox.watch() == 1
    for number in (1, 2):
        dovecot.deliver(_customer_mail(make_msgid(domain="mail.gmail.com")))
        # No poll runs (channel_poll_s=0) and an IDLE lasts 120 s: only the server's EXISTS wakes the reader.
        for _ in range(300):
            if len(smtp.received) == number:
                break
            await asyncio.sleep(0.1)
        assert len(smtp.received) == number
    assert dovecot.unseen() == []


async def test_a_mail_from_our_own_address_is_stored_as_a_loop_and_never_answered(
    mailbox: ChannelWorker, dovecot: Dovecot, smtp: SmtpSink, runtime: Runtime, tenants: SeededTenants
) -> None:
    own = EmailMessage()
    own["From"] = f"Demo Shop <{SUPPORT}>"
    own["To"] = "xxx@gmail.com"
    own["Subject"] = "Re: Test"
    own["Message-ID"] = make_msgid(domain="shop.example")
    own.set_content("Thanks for your message, we are on it.")
    dovecot.deliver(own.as_bytes())

    await _poll(mailbox)

    assert smtp.received == []
    assert dovecot.unseen() == []
    async with runtime.db.session(tenants.demo_id) as session:
        receipt = await session.scalar(select(InboundReceipt))
    assert receipt is not None
    assert (receipt.status, receipt.ignored_reason) == ("ignored", "own_message")


async def test_a_mailbox_that_cannot_be_reached_does_not_hold_up_the_others(
    mailbox: ChannelWorker, app: FastAPI, tenants: SeededTenants, dovecot: Dovecot, smtp: SmtpSink
) -> None:
    await _connect(app, tenants, "sales@shop.example", {"imap_port": free_port(), "imap_user": "sales"})
    dovecot.deliver(_customer_mail(make_msgid(domain="mail.gmail.com")))

    assert await _poll(mailbox) == 1
    assert len(smtp.received) == 1
