"""Long polling for a Telegram bot that cannot receive webhooks (no public URL): ``getUpdates`` in a loop.

Telegram keeps an update until a later ``getUpdates`` confirms it with a higher offset, so the offset lives
only in memory: after a restart the unconfirmed updates come again, and the pipeline's dedupe on the update's
message id drops the ones already stored. An update is confirmed only after it was stored, so a database
outage delays messages and never loses one. Polling deletes the bot's webhook first, because Telegram
refuses ``getUpdates`` while a webhook is set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from parley.channels.models import ChannelAccount
from parley.channels.telegram_out import TelegramSender

__all__ = ["POLLING", "TelegramPoller", "polls"]

_log = logging.getLogger(__name__)

POLLING = "polling"
"""``config["updates"]`` of a Telegram account that long-polls instead of receiving the webhook."""
_MAX_BACKOFF_S = 60.0

Handle = Callable[[ChannelAccount, dict[str, Any]], Awaitable[object]]


def polls(account: ChannelAccount) -> bool:
    """Whether this account receives its updates by long polling."""
    return account.channel == "telegram" and account.enabled and account.config.get("updates") == POLLING


class TelegramPoller:
    """One account's ``getUpdates`` loop, feeding each update to ``handle`` (the webhook's own path)."""

    def __init__(self, sender: TelegramSender, handle: Handle, *, timeout_s: int) -> None:
        self.sender = sender
        self.handle = handle
        self.timeout_s = timeout_s

    async def run(self, account: ChannelAccount, token: str) -> None:
        """Poll until cancelled; provider and database errors back off and retry from the same offset."""
        offset: int | None = None
        backoff = 1.0
        webhook_deleted = False
        while True:
            try:
                bot = await self.sender.bot(token, account.config.get("api_base_url"))
                if not webhook_deleted:
                    webhook_deleted = await bot.delete_webhook()
                updates = await bot.get_updates(offset=offset, timeout=self.timeout_s)
                for update in updates:
                    await self.handle(account, update.to_dict())
                    offset = update.update_id + 1
                backoff = 1.0
            except asyncio.CancelledError:
                raise
            except Exception as error:  # a provider or database failure must not end the loop
                _log.warning(
                    "polling Telegram for %s failed (%s); retrying in %.0fs", account.address, error, backoff
                )
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF_S)
