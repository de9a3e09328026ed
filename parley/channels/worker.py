"""The channel worker of the API process: answers closed bursts, polls mailboxes and Telegram, drains the outbox.

Webhooks only store; this loop (every ``channel_poll_s``) makes sure nothing stored is forgotten after a
restart, and `kick` runs a delivery pass at once when a turn has just stored a reply. With
``channel_answer_in_api`` off, the API's worker only stores and `parley channels work` runs this loop in its
own process: an agent turn holds the event loop for hundreds of milliseconds of CPU, which would otherwise
delay every webhook's acknowledgement behind it.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections.abc import Awaitable
from contextlib import suppress
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from parley.channels.email import parse_email
from parley.channels.email_out import SmtpSender
from parley.channels.imap import fetch_unseen, mark_seen
from parley.channels.inbound import InboundKind
from parley.channels.models import ChannelAccount
from parley.channels.outbox import Outbox
from parley.channels.pipeline import ChannelPipeline, Received
from parley.channels.telegram import parse_telegram_update
from parley.channels.telegram_out import TelegramSender
from parley.channels.telegram_polling import TelegramPoller, polls
from parley.channels.webchat_out import WebChatSender
from parley.channels.whatsapp_out import TwilioWhatsAppSender

if TYPE_CHECKING:
    from parley.agent.service import AgentService

__all__ = ["ChannelWorker"]

_log = logging.getLogger(__name__)


class ChannelWorker:
    """Owns the pipeline and the outbox of one process."""

    def __init__(self, agent: AgentService, *, answering: bool | None = None) -> None:
        self.runtime = agent.runtime
        self.answering = agent.runtime.settings.channel_answer_in_api if answering is None else answering
        self.pipeline = ChannelPipeline(agent, on_answered=self.kick, schedule_turns=self.answering)
        self.telegram = TelegramSender()
        self.outbox = Outbox(
            agent.runtime,
            {
                "whatsapp": TwilioWhatsAppSender(),
                "telegram": self.telegram,
                "email": SmtpSender(),
                "web": WebChatSender(agent.events),
            },
        )
        self._loop: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()
        self._kicks: set[asyncio.Task[None]] = set()
        self.poller = TelegramPoller(
            self.telegram, self.receive_telegram, timeout_s=self.runtime.settings.telegram_poll_timeout_s
        )
        self._polls: dict[uuid.UUID, asyncio.Task[None]] = {}

    async def flush(self) -> int:
        """Enqueue stored replies and attempt every due delivery once; returns deliveries attempted."""
        async with self._lock:
            await self.outbox.enqueue_stored()
            return await self.outbox.deliver_due()

    def kick(self) -> None:
        """Deliver now instead of at the next poll (called after each answered burst)."""
        task = asyncio.get_running_loop().create_task(self.flush())
        self._kicks.add(task)
        task.add_done_callback(self._kicks.discard)

    async def receive_telegram(self, account: ChannelAccount, update: dict[str, Any]) -> Received:
        """One Telegram update, from the webhook or from long polling, into the pipeline."""
        inbound = parse_telegram_update(
            update,
            bot_username=account.address,
            tenant_id=account.tenant_id,
            received_at=self.runtime.clock(),
        )
        received = await self.pipeline.receive(account, inbound)
        if inbound.kind == InboundKind.BUTTON_REPLY and not received.duplicate:
            self.acknowledge_button(account, inbound.external_message_id)
        return received

    async def poll_telegram(self) -> int:
        """Keep one long-polling loop per polling Telegram account running; returns how many run."""
        async with self.runtime.db.system_session() as session:
            accounts = (
                await session.scalars(select(ChannelAccount).where(ChannelAccount.channel == "telegram"))
            ).all()
        wanted = {account.id: account for account in accounts if polls(account)}
        for account_id in [key for key in self._polls if key not in wanted or self._polls[key].done()]:
            self._polls.pop(account_id).cancel()
        for account_id, account in wanted.items():
            if account_id not in self._polls:
                token = self.outbox.vault.open(account).get("bot_token", "")
                self._polls[account_id] = asyncio.get_running_loop().create_task(
                    self.poller.run(account, token)
                )
        return len(self._polls)

    def acknowledge_button(self, account: ChannelAccount, query_id: str) -> None:
        """Answer a Telegram callback query in the background, so the webhook still returns at once."""
        secrets = self.outbox.vault.open(account)
        call = self.telegram.answer_callback(
            secrets.get("bot_token", ""), account.config.get("api_base_url"), query_id
        )
        task = asyncio.get_running_loop().create_task(_logged(call, f"answerCallbackQuery {query_id}"))
        self._kicks.add(task)
        task.add_done_callback(self._kicks.discard)

    async def poll_mailboxes(self) -> int:
        """Read unseen mail of every enabled e-mail account into the pipeline; returns messages stored.

        A mailbox that cannot be read is logged and skipped, so it holds up neither the other mailboxes
        nor the deliveries of this pass.
        """
        async with self.runtime.db.system_session() as session:
            accounts = (
                await session.scalars(
                    select(ChannelAccount).where(ChannelAccount.channel == "email", ChannelAccount.enabled)
                )
            ).all()
        stored = 0
        for account in accounts:
            try:
                stored += await self._poll_mailbox(account)
            except Exception:
                _log.exception("reading the mailbox of %s failed", account.address)
        return stored

    async def _poll_mailbox(self, account: ChannelAccount) -> int:
        """Store each unseen mail once, then mark it seen; a crash in between re-reads it, deduped by Message-ID."""
        password = self.outbox.vault.open(account).get("imap_password", "")
        raw = await asyncio.to_thread(fetch_unseen, account.config, password)
        handled: list[int] = []
        stored = 0
        try:
            for uid, data in raw:
                inbound = parse_email(data, own_addresses=[account.address], tenant_id=account.tenant_id)
                received = await self.pipeline.receive(account, inbound)
                stored += 0 if received.duplicate else 1
                handled.append(uid)
        finally:
            await asyncio.to_thread(mark_seen, account.config, password, handled)
        return stored

    async def tick(self) -> None:
        """One pass of everything the loop does."""
        await self.pipeline.answer_due()
        await self.poll_telegram()
        await self.poll_mailboxes()
        await self.flush()

    async def _run(self, interval: float) -> None:
        while True:
            try:
                await self.tick()
            except Exception:  # a down mailbox or database must not end the loop
                _log.exception("channel worker pass failed")
            await asyncio.sleep(interval)

    def start(self) -> None:
        """Run the loop in the background when ``channel_poll_s`` is set and this process answers."""
        interval = self.runtime.settings.channel_poll_s
        if interval and self.answering and self._loop is None:
            self._loop = asyncio.get_running_loop().create_task(self._run(interval))

    async def drain(self) -> None:
        """Wait until scheduled turns have run and their replies had one delivery attempt (tests)."""
        await self.pipeline.drain()
        while self._kicks:
            await asyncio.gather(*list(self._kicks), return_exceptions=True)

    async def aclose(self) -> None:
        """Stop the loop and close provider connections."""
        for task in [self._loop, *self._polls.values()]:
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
        self._polls.clear()
        await self.pipeline.aclose()
        await self.drain()
        await self.outbox.aclose()


async def _logged(call: Awaitable[None], what: str) -> None:
    """Run a best-effort provider call; a failure is logged, never raised into the loop."""
    try:
        await call
    except Exception:
        _log.exception("%s failed", what)
