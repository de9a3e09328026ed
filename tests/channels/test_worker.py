"""The channel worker as its own process: the API only stores, `parley channels work` answers."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from httpx import AsyncClient
from sqlalchemy import select

from parley.channels.models import InboundReceipt
from parley.channels.worker import ChannelWorker
from parley.core.settings import Settings
from parley.devtools.fake_twilio import FakeTwilio
from parley.runtime import Runtime
from tests.support.tenants import SeededTenants

from .test_webhooks import _inbound, _signed, _whatsapp, app, http, twilio

pytestmark = pytest.mark.backend("sqlite")

__all__ = ["app", "http", "twilio"]  # fixtures shared with the webhook tests


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "channel_burst_window_s": 0.0,
            "channel_poll_s": 0,
            "outbox_backoff_s": 0.01,
            "channel_answer_in_api": False,
        }
    )


async def test_an_api_that_does_not_answer_stores_the_message_and_the_worker_process_answers_it_once(
    app: FastAPI, http: AsyncClient, tenants: SeededTenants, twilio: FakeTwilio, runtime: Runtime
) -> None:
    await _whatsapp(http, tenants, twilio)
    form = _inbound("SM" + "c" * 32, "Do you ship to Austria?")
    for _ in range(2):
        response = await http.post("/api/v1/webhooks/whatsapp", data=form, headers=_signed(form))
        assert response.status_code == 200
    api_worker: ChannelWorker = app.state.channels
    await api_worker.drain()
    assert not api_worker.answering and twilio.sent == []

    worker = ChannelWorker(app.state.agent, answering=True)
    try:
        await worker.tick()
        await worker.drain()
        await worker.tick()  # a second pass finds nothing left to answer or send
    finally:
        await worker.aclose()

    assert len(twilio.sent) == 1
    async with runtime.db.session(tenants.demo_id) as session:
        statuses = (await session.scalars(select(InboundReceipt.status))).all()
    assert statuses == ["answered"]
