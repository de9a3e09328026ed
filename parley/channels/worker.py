"""The channel worker of the API process: answers closed bursts, polls mailboxes and Telegram, drains the outbox.

Webhooks only store; this loop (every ``channel_poll_s``) makes sure nothing stored is forgotten after a
restart, and `kick` runs a delivery pass at once when a turn has just stored a reply. With
``channel_answer_in_api`` off, the API's worker only stores and `parley channels work` runs this loop in its
own process: an agent turn holds the event loop for hundreds of milliseconds of CPU, which would otherwise
delay every webhook's acknowledgement behind it.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
import uuid
from collections.abc import Awaitable, Callable
from contextlib import suppress
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from parley.channels.accounts import AccountDirectory
from parley.channels.email import parse_email
from parley.channels.email_out import SmtpSender
from parley.channels.imap import fetch_unseen, mark_seen, wait_for_mail
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
_MAX_BACKOFF_S = 60.0


class ChannelWorker:
    """Owns the pipeline and the outbox of one process."""

    def __init__(self, agent: AgentService, *, answering: bool | None = None) -> None:
        self.runtime = agent.runtime
        self.answering = agent.runtime.settings.channel_answer_in_api if answering is None else answering
        self.pipeline = ChannelPipeline(agent, on_answered=self.kick, schedule_turns=self.answering)
        self.accounts = AccountDirectory(agent.runtime.db)
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
        self._watchers: dict[uuid.UUID, tuple[asyncio.Task[None], datetime]] = {}
        self._without_idle: set[uuid.UUID] = set()

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

    async def watch(self) -> int:
        """Keep one loop per account that is told of new messages instead of asking: returns how many run.

        Those are Telegram long polling and IMAP IDLE; a changed account's loop restarts, a disabled one's stops.
        """
        async with self.runtime.db.system_session() as session:
            accounts = (
                await session.scalars(
                    select(ChannelAccount).where(ChannelAccount.channel.in_(("telegram", "email")))
                )
            ).all()
        wanted = {account.id: account for account in accounts if polls(account) or self._idles(account)}
        for account_id, (task, version) in list(self._watchers.items()):
            account = wanted.get(account_id)
            if account is None or task.done() or account.updated_at != version:
                task.cancel()
                del self._watchers[account_id]
        for account_id, account in wanted.items():
            if account_id not in self._watchers:
                task = asyncio.get_running_loop().create_task(self._watch(account))
                self._watchers[account_id] = (task, account.updated_at)
        return len(self._watchers)

    def _idles(self, account: ChannelAccount) -> bool:
        return (
            account.channel == "email"
            and account.enabled
            and account.config.get("imap_idle", True)
            and account.id not in self._without_idle
        )

    async def _watch(self, account: ChannelAccount) -> None:
        secrets = self.outbox.vault.open(account)
        if account.channel == "telegram":
            await self.poller.run(account, secrets.get("bot_token", ""))
            return
        password, idle_s = secrets.get("imap_password", ""), self.runtime.settings.imap_idle_s
        backoff = 1.0
        while True:
            try:
                await self._poll_mailbox(account)
                if await _in_daemon_thread(wait_for_mail, account.config, password, idle_s) is None:
                    self._without_idle.add(account.id)  # the server has no IDLE: the worker's poll reads it
                    return
                backoff = 1.0
            except Exception:  # a mailbox that is down must not end the loop
                _log.exception("waiting for mail on %s failed; retrying in %.0fs", account.address, backoff)
                await asyncio.sleep(backoff)
                backoff = min(backoff * 2, _MAX_BACKOFF_S)

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
            if account.id in self._watchers:  # told of new mail by IDLE
                continue
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
        await self.watch()
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
        for task in [self._loop, *(task for task, _version in self._watchers.values())]:
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task
        self._watchers.clear()
        await self.pipeline.aclose()
        await self.drain()
        await self.outbox.aclose()


async def _logged(call: Awaitable[None], what: str) -> None:
    """Run a best-effort provider call; a failure is logged, never raised into the loop."""
    try:
        await call
    except Exception:
        _log.exception("%s failed", what)


def _in_daemon_thread(function: Callable[..., Any], *args: Any) -> asyncio.Future[Any]:
    """Run a blocking call (an IMAP IDLE of minutes) in a daemon thread, so shutting down never waits for it."""
    loop = asyncio.get_running_loop()
    future: asyncio.Future[Any] = loop.create_future()

    def settle(outcome: Callable[[], None]) -> None:
        if not future.done():
            outcome()

    def run() -> None:
        try:
            result = function(*args)
        except BaseException as error:
            report = functools.partial(settle, functools.partial(future.set_exception, error))
        else:
            report = functools.partial(settle, functools.partial(future.set_result, result))
        with suppress(RuntimeError):  # the loop closed while the call ran: nobody waits for it
            loop.call_soon_threadsafe(report)

    threading.Thread(target=run, name="parley-imap-idle", daemon=True).start()
    return future
