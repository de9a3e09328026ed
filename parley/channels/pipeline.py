"""The one inbound pipeline every adapter calls: deduplicate, store, then answer once per burst.

A webhook calls `ChannelPipeline.receive`, which returns as soon as the message is stored; the agent runs
later, in `answer_due`. The unique constraint on ``(account_id, external_message_id)`` makes a provider's
redelivery a no-op, and waiting ``channel_burst_window_s`` after a sender's last message lets three short
messages become one turn with all three in context. A conversation staff took over is left to
`AgentService.handle_message`, which stores the message and keeps the bot silent. ``/start`` and ``/help``
are answered with fixed texts (`parley.channels.commands`) while they are stored, without a turn.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from parley.agent.conversations.models import BOT_SILENT, Conversation
from parley.agent.conversations.service import add_message
from parley.channels.commands import command_reply
from parley.channels.inbound import InboundMessage
from parley.channels.models import ChannelAccount, InboundReceipt
from parley.tools.customers.models import Customer

if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from parley.agent.service import AgentService

__all__ = ["ChannelPipeline", "Received"]

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Received:
    """What the webhook learns: whether the message is new and where it went."""

    receipt_id: uuid.UUID | None
    conversation_id: uuid.UUID | None
    duplicate: bool
    ignored_reason: str | None = None
    answered: bool = False
    """Answered at once without the agent (``/start``, ``/help``)."""


class ChannelPipeline:
    """Stores inbound messages and runs one agent turn per conversation burst."""

    def __init__(
        self,
        agent: AgentService,
        *,
        on_answered: Callable[[], None] | None = None,
        schedule_turns: bool = True,
    ) -> None:
        self.agent = agent
        self.runtime = agent.runtime
        self.on_answered = on_answered
        self.schedule_turns = schedule_turns
        self._timers: dict[uuid.UUID, asyncio.Task[None]] = {}
        self._running: set[asyncio.Task[None]] = set()
        # SQLite has one writer, and a writer that finds it busy sleeps in growing steps (1, 2, 5, 10, 15 ms
        # ...) long after the lock is free: this process's webhooks queue here instead and go in turn.
        self._writer = asyncio.Lock() if self.runtime.db.is_sqlite else contextlib.nullcontext()

    @property
    def window(self) -> timedelta:
        """How long a burst stays open after a sender's latest message."""
        return timedelta(seconds=self.runtime.settings.channel_burst_window_s)

    async def receive(self, account: ChannelAccount, inbound: InboundMessage) -> Received:
        """Store one inbound message exactly once and schedule its answer; never runs the agent."""
        key = f"channel:{account.id}:{inbound.external_conversation_id}"
        async with self.agent.locks.hold(key):
            try:
                async with self._writer:
                    received = await self._store(account, inbound)
            except IntegrityError:  # a redelivery, if the first delivery's receipt holds the unique key
                seen = await self._receipt_id(account, inbound)
                if seen is None:
                    raise
                return Received(seen, None, duplicate=True)
        if not self.schedule_turns:  # another process answers and delivers
            return received
        if received.answered and self.on_answered is not None:
            self.on_answered()
        answerable = not received.duplicate and received.ignored_reason is None and received.conversation_id
        if answerable and not received.answered:
            self.schedule(account.tenant_id, received.conversation_id)
        return received

    async def _store(self, account: ChannelAccount, inbound: InboundMessage) -> Received:
        """One transaction and one flush; a redelivery fails the receipt's unique constraint and stores nothing."""
        async with self.runtime.db.transaction(account.tenant_id) as session:
            conversation_id, answered = None, False
            if inbound.should_answer:
                conversation = await self._conversation(session, account, inbound)
                conversation_id = conversation.id
                answered = await self._answer_command(session, conversation, inbound)
            receipt = InboundReceipt(
                account_id=account.id,
                channel=account.channel,
                external_message_id=inbound.external_message_id,
                conversation_id=conversation_id,
                status="answered" if answered else "pending" if inbound.should_answer else "ignored",
                text=_turn_text(inbound),
                payload=inbound.model_dump(mode="json"),
                ignored_reason=inbound.ignored_reason,
                received_at=self.runtime.clock(),
            )
            session.add(receipt)
            await session.flush()
            return Received(
                receipt.id,
                conversation_id,
                duplicate=False,
                ignored_reason=inbound.ignored_reason,
                answered=answered,
            )

    async def _receipt_id(self, account: ChannelAccount, inbound: InboundMessage) -> uuid.UUID | None:
        async with self.runtime.db.session(account.tenant_id) as session:
            return await session.scalar(
                select(InboundReceipt.id).where(
                    InboundReceipt.account_id == account.id,
                    InboundReceipt.external_message_id == inbound.external_message_id,
                )
            )

    async def _answer_command(
        self, session: AsyncSession, conversation: Conversation, inbound: InboundMessage
    ) -> bool:
        """Store ``/start`` or ``/help`` and its fixed answer (the outbox sends it); silent under takeover."""
        reply = command_reply(inbound)
        if reply is None or conversation.status in BOT_SILENT:
            return False
        now = self.runtime.clock()
        await add_message(
            session, conversation, role="customer", text=inbound.text, now=now, status="answered"
        )
        await add_message(session, conversation, role="agent", text=reply, now=now)
        return True

    async def _conversation(
        self, session: AsyncSession, account: ChannelAccount, inbound: InboundMessage
    ) -> Conversation:
        conversation = await session.scalar(
            select(Conversation)
            .where(
                Conversation.channel == account.channel,
                Conversation.external_id == inbound.external_conversation_id,
                Conversation.status != "closed",
            )
            .order_by(Conversation.created_at.desc())
            .limit(1)
        )
        if conversation is not None and conversation.external_ids.get("account_id") == str(account.id):
            return conversation
        conversation = Conversation(
            id=uuid.uuid4(),
            channel=account.channel,
            customer_id=(await _customer(session, inbound)).id,
            external_id=inbound.external_conversation_id,
            external_ids={
                "account_id": str(account.id),
                "recipient": _recipient(inbound),
            },
            status="open",
        )
        session.add(conversation)
        return conversation

    def schedule(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        """Answer this conversation once its burst window has been quiet (restarts the wait)."""
        timer = self._timers.get(conversation_id)
        if timer is not None and not timer.done():
            timer.cancel()
        self._timers[conversation_id] = asyncio.get_running_loop().create_task(
            self._after_window(tenant_id, conversation_id)
        )

    async def _after_window(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> None:
        await asyncio.sleep(self.window.total_seconds())
        # From here on a new message no longer restarts the wait: it waits for a turn of its own.
        self._timers.pop(conversation_id, None)
        task = asyncio.current_task()
        assert task is not None
        self._running.add(task)
        try:
            await self.answer(tenant_id, conversation_id)
        finally:
            self._running.discard(task)

    async def answer_due(self) -> int:
        """Answer every conversation whose burst closed without a timer (after a restart); returns turns run."""
        cutoff = self.runtime.clock() - self.window
        async with self.runtime.db.system_session() as session:
            rows = (
                await session.execute(
                    select(InboundReceipt.tenant_id, InboundReceipt.conversation_id)
                    .where(InboundReceipt.status == "pending")
                    .group_by(InboundReceipt.tenant_id, InboundReceipt.conversation_id)
                )
            ).all()
        turns = 0
        for tenant_id, conversation_id in rows:
            if conversation_id in self._timers:
                continue
            async with self.runtime.db.session(tenant_id) as session:
                newest = await session.scalar(
                    select(InboundReceipt.received_at)
                    .where(InboundReceipt.conversation_id == conversation_id)
                    .order_by(InboundReceipt.received_at.desc())
                    .limit(1)
                )
            if newest is not None and newest <= cutoff:
                turns += await self.answer(tenant_id, conversation_id)
        return turns

    async def answer(self, tenant_id: uuid.UUID, conversation_id: uuid.UUID) -> int:
        """Claim the conversation's pending messages and run one turn for all of them; returns 1 or 0."""
        async with self.runtime.db.transaction(tenant_id) as session:
            claimed = (
                await session.execute(
                    update(InboundReceipt)
                    .where(
                        InboundReceipt.conversation_id == conversation_id,
                        InboundReceipt.status == "pending",
                    )
                    .values(status="processing")
                    .returning(InboundReceipt.id, InboundReceipt.text, InboundReceipt.received_at)
                    .execution_options(synchronize_session=False)
                )
            ).all()
        if not claimed:
            return 0
        claimed.sort(key=lambda row: row.received_at)
        text = "\n".join(row.text for row in claimed if row.text)
        status = "answered"
        try:
            await self.agent.handle_message(tenant_id, conversation_id, text)
        except Exception:  # recorded on the receipts; the customer's words stay in the inbox for staff
            _log.exception("turn for %s failed", conversation_id)
            status = "failed"
        async with self.runtime.db.transaction(tenant_id) as session:
            await session.execute(
                update(InboundReceipt)
                .where(InboundReceipt.id.in_([row.id for row in claimed]))
                .values(status=status, processed_at=self.runtime.clock())
                .execution_options(synchronize_session=False)
            )
        if self.on_answered is not None:
            self.on_answered()
        return 1

    @property
    def busy(self) -> bool:
        """Whether a burst is still waiting or being answered."""
        return bool(self._timers or self._running)

    async def drain(self) -> None:
        """Wait for every scheduled burst to be answered (tests, shutdown)."""
        while self.busy:
            await asyncio.gather(*self._timers.values(), *self._running, return_exceptions=True)

    async def aclose(self) -> None:
        """Cancel waiting timers; their messages stay pending and `answer_due` picks them up later."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()


def _turn_text(inbound: InboundMessage) -> str:
    """What the agent reads: the text (with a tapped button's data), or a note of what was sent without text."""
    payload = inbound.button_payload
    if payload and inbound.text.strip() != payload:  # the agent reads the button's data, not only its label
        return f"{inbound.text.strip()} [button: {payload}]"
    if inbound.text.strip():
        return inbound.text.strip()
    if inbound.location is not None:
        return f"[location {inbound.location.latitude},{inbound.location.longitude}]"
    if inbound.attachments:
        kinds = ", ".join(a.content_type or a.filename or "file" for a in inbound.attachments)
        return f"[sent {kinds}]"
    return ""


def _recipient(inbound: InboundMessage) -> str:
    if inbound.reply_address:
        return inbound.reply_address
    return inbound.sender.email or inbound.external_conversation_id


async def _customer(session: AsyncSession, inbound: InboundMessage) -> Customer:
    """The business's customer with this phone or e-mail, created on first contact."""
    sender = inbound.sender
    match = None
    if sender.phone:
        match = await session.scalar(select(Customer).where(Customer.phone == sender.phone).limit(1))
    if match is None and sender.email:
        match = await session.scalar(select(Customer).where(Customer.email == sender.email).limit(1))
    if match is not None:
        return match
    customer = Customer(
        name=sender.display_name or sender.username or sender.id,
        phone=sender.phone,
        email=sender.email,
        notes=f"first contact on {inbound.channel}",
    )
    session.add(customer)
    await session.flush()  # before the conversation that refers to it (no ORM relationship orders them)
    return customer
