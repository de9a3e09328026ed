"""Test-connection: try an account's credentials against its provider before a customer depends on them.

A wrong Twilio token or bot token, or a mailbox password that changed, otherwise shows up only as replies
piling up in the dead letters. Each probe makes the cheapest authenticated call the provider has and says
what failed in words an admin can act on; it never raises for a provider's refusal.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

__all__ = ["ProbeResult", "probe_account"]


@dataclass(frozen=True)
class ProbeResult:
    """Whether the provider accepted the credentials, and what it said."""

    ok: bool
    detail: str


async def probe_account(channel: str, config: dict[str, Any], secrets: dict[str, str]) -> ProbeResult:
    """Twilio: fetch the account; Telegram: ``getMe``; e-mail: IMAP login and folder, then SMTP ``NOOP``."""
    probes = {"whatsapp": _twilio, "telegram": _telegram, "email": _email}
    try:
        return await probes[channel](config, secrets)
    except Exception as error:  # any refusal or network failure is the answer, not a server error
        return ProbeResult(False, f"{type(error).__name__}: {error}")


async def _twilio(config: dict[str, Any], secrets: dict[str, str]) -> ProbeResult:
    from parley.channels.whatsapp_out import twilio_client

    sid = str(config.get("account_sid", ""))
    client = twilio_client(sid, secrets.get("auth_token", ""), config.get("api_base_url") or None)
    try:
        account = await client.api.v2010.accounts(sid).fetch_async()
    finally:
        await client.http_client.close()
    return ProbeResult(
        account.status == "active", f"Twilio account {account.friendly_name!r} is {account.status}"
    )


async def _telegram(config: dict[str, Any], secrets: dict[str, str]) -> ProbeResult:
    from telegram import Bot

    base = str(config.get("api_base_url") or "https://api.telegram.org").rstrip("/")
    async with Bot(secrets.get("bot_token", ""), base_url=f"{base}/bot") as bot:
        me = await bot.get_me()
    return ProbeResult(True, f"bot @{me.username}")


async def _email(config: dict[str, Any], secrets: dict[str, str]) -> ProbeResult:
    import aiosmtplib

    from parley.channels.imap import check_login

    count = await asyncio.to_thread(check_login, config, secrets.get("imap_password", ""))
    smtp = aiosmtplib.SMTP(
        hostname=config.get("smtp_host", "127.0.0.1"),
        port=int(config.get("smtp_port", 25)),
        start_tls=bool(config.get("smtp_starttls", False)),
        use_tls=bool(config.get("smtp_tls", False)),
        timeout=15,
    )
    async with smtp:
        if config.get("smtp_user"):
            await smtp.login(config["smtp_user"], secrets.get("smtp_password", ""))
        await smtp.noop()
    return ProbeResult(True, f"IMAP folder {config.get('imap_folder', 'INBOX')} holds {count}; SMTP answers")
