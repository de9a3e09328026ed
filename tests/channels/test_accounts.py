"""Channel accounts: test-connection against each provider's stand-in, and what disabling an account stops."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from parley.devtools.fake_telegram import FakeTelegram
from parley.devtools.fake_twilio import FakeTwilio
from parley.devtools.mail_servers import DOVECOT, Dovecot, SmtpSink
from parley.identity.roles import Role
from tests.support.tenants import SeededTenants, login

from .test_webhooks import (
    _connect,
    _inbound,
    _settle,
    _signed,
    _telegram,
    _update,
    _whatsapp,
    app,
    http,
    settings,
    telegram,
    twilio,
)

pytestmark = pytest.mark.backend("sqlite")

__all__ = ["app", "http", "settings", "telegram", "twilio"]  # fixtures shared with the webhook tests


async def _test(http: httpx.AsyncClient, tenants: SeededTenants, account_id: str) -> dict[str, Any]:
    headers = await login(http, tenants.emails[Role.ADMIN])
    response = await http.post(f"/api/v1/channels/{account_id}/test", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


async def _disable(http: httpx.AsyncClient, tenants: SeededTenants, account_id: str) -> None:
    headers = await login(http, tenants.emails[Role.ADMIN])
    response = await http.patch(f"/api/v1/channels/{account_id}", json={"enabled": False}, headers=headers)
    assert response.status_code == 200 and response.json()["data"]["enabled"] is False


async def test_testing_a_twilio_account_fetches_the_account_with_its_credentials(
    http: httpx.AsyncClient, tenants: SeededTenants, twilio: FakeTwilio
) -> None:
    account = await _whatsapp(http, tenants, twilio)

    result = await _test(http, tenants, account["id"])

    assert result["ok"] is True and "active" in result["detail"]
    fetched = [r for r in twilio.requests if r["method"] == "GET"]
    assert [r["path"] for r in fetched] == [f"/2010-04-01/Accounts/{account['config']['account_sid']}.json"]


async def test_testing_a_telegram_bot_calls_get_me_and_a_refused_token_is_reported_not_raised(
    http: httpx.AsyncClient, tenants: SeededTenants, telegram: FakeTelegram
) -> None:
    account_id = await _telegram(http, tenants, telegram)

    assert await _test(http, tenants, account_id) == {
        "id": account_id,
        "ok": True,
        "detail": "bot @parley_test_bot",
    }
    telegram.fail_next(401)
    refused = await _test(http, tenants, account_id)
    assert refused["ok"] is False and refused["detail"]


@pytest.mark.skipif(not DOVECOT.exists(), reason="dovecot is not installed: run scripts/dovecot.sh")
async def test_testing_a_mailbox_logs_in_over_imap_and_greets_smtp_and_names_a_wrong_password(
    http: httpx.AsyncClient, tenants: SeededTenants, tmp_path: Path
) -> None:
    with Dovecot(tmp_path) as dovecot, SmtpSink() as smtp:
        config = {
            "imap_host": "127.0.0.1",
            "imap_port": dovecot.port,
            "imap_ssl": False,
            "imap_user": dovecot.user,
            "smtp_host": "127.0.0.1",
            "smtp_port": smtp.port,
        }
        body = {"channel": "email", "name": "Support", "address": "support@shop.example", "config": config}
        good = await _connect(http, tenants, {**body, "secrets": {"imap_password": dovecot.password}})
        bad = await _connect(
            http, tenants, {**body, "address": "sales@shop.example", "secrets": {"imap_password": "wrong"}}
        )

        passed = await _test(http, tenants, good["id"])
        failed = await _test(http, tenants, bad["id"])

    assert passed["ok"] is True and "SMTP answers" in passed["detail"]
    assert failed["ok"] is False and "LoginError" in failed["detail"]


async def test_a_disabled_account_answers_its_webhooks_404_and_sends_nothing(
    app: FastAPI, http: httpx.AsyncClient, tenants: SeededTenants, twilio: FakeTwilio, telegram: FakeTelegram
) -> None:
    whatsapp_id = (await _whatsapp(http, tenants, twilio))["id"]
    telegram_id = await _telegram(http, tenants, telegram)
    await _disable(http, tenants, whatsapp_id)
    await _disable(http, tenants, telegram_id)

    form = _inbound("SM" + "d" * 32, "Hello?")
    refused = await http.post("/api/v1/webhooks/whatsapp", data=form, headers=_signed(form))
    ignored = await http.post(
        f"/api/v1/webhooks/telegram?account={telegram_id}",
        json=_update(1, 1, "Hello?"),
        headers={"X-Telegram-Bot-Api-Secret-Token": "s3cret-hook"},
    )
    await _settle(app)

    assert (refused.status_code, ignored.status_code) == (404, 404)
    assert twilio.sent == [] and telegram.sent == []
