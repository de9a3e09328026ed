"""The outbox: every stored reply on a provider channel is delivered, retried, or dead-lettered; never lost.

Nothing writes to the outbox directly. `enqueue_stored` finds agent and staff messages of WhatsApp,
Telegram, e-mail and web chat conversations that have no outbox row yet, so an agent reply, a staff message or an
approval outcome is delivered whichever code path stored it, and a crash before enqueueing only delays it.
A claimed row gets a lease (``next_attempt_at``); if the process dies mid-send the row is claimed again
after the lease, so a reply is sent at least once (e-mail keeps its Message-ID, Telegram resumes after
the chunks already sent).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from parley.agent.conversations.models import Conversation, Message
from parley.channels.accounts import AccountSecrets
from parley.channels.base import Delivery, DeliveryFailed, Outbound
from parley.channels.inbound import DeliveryStatusEvent
from parley.channels.models import ChannelAccount, InboundReceipt, OutboxMessage
from parley.runtime import Runtime

__all__ = ["PROVIDER_CHANNELS", "STATUS_RANK", "Outbox"]

_log = logging.getLogger(__name__)

PROVIDER_CHANNELS = ("whatsapp", "telegram", "email", "web")
OUTGOING_ROLES = ("agent", "staff")
LEASE = timedelta(seconds=60)
STATUS_RANK = {"queued": 1, "sent": 2, "delivered": 3, "read": 4}
"""Delivery statuses only move forward: a late 'delivered' callback never overwrites 'read'."""
_CLAIMABLE = ("pending", "retry", "sending")


def _insert(dialect: str) -> Any:
    """The dialect's INSERT, which has ON CONFLICT DO NOTHING (both supported backends do)."""
    return pg_insert if dialect == "postgresql" else sqlite_insert


class Outbox:
    """Enqueues stored replies and delivers them through one `Outbound` adapter per channel."""

    def __init__(self, runtime: Runtime, senders: Mapping[str, Outbound]) -> None:
        self.runtime = runtime
        self.senders = dict(senders)
        self.vault = AccountSecrets.from_settings(runtime.settings)

    async def enqueue_stored(self) -> int:
        """Give every outgoing provider-channel message without an outbox row one; returns rows added."""
        async with self.runtime.db.system_session() as session, session.begin():
            rows = (
                await session.execute(
                    select(Message.id, Message.tenant_id, Message.conversation_id, Conversation)
                    .join(Conversation, Conversation.id == Message.conversation_id)
                    .outerjoin(OutboxMessage, OutboxMessage.message_id == Message.id)
                    .where(
                        OutboxMessage.id.is_(None),
                        Conversation.channel.in_(PROVIDER_CHANNELS),
                        Conversation.external_id.is_not(None),  # not a staff API conversation
                        Message.role.in_(OUTGOING_ROLES),
                        Message.status != "superseded",
                    )
                    .limit(500)
                )
            ).all()
            if not rows:
                return 0
            now = self.runtime.clock()
            values = [
                {
                    "id": uuid.uuid4(),
                    "tenant_id": tenant_id,
                    "message_id": message_id,
                    "conversation_id": conversation_id,
                    "account_id": _account_id(conversation),
                    "channel": conversation.channel,
                    "recipient": conversation.external_ids.get("recipient") or conversation.external_id or "",
                    "status": "pending",
                    "attempts": 0,
                    "parts_sent": 0,
                    "next_attempt_at": now,
                    "history": [{"status": "pending", "at": now.isoformat()}],
                    "created_at": now,
                    "updated_at": now,
                }
                for message_id, tenant_id, conversation_id, conversation in rows
            ]
            statement = _insert(self.runtime.db.backend)(OutboxMessage).values(values)
            result = await session.execute(statement.on_conflict_do_nothing(index_elements=["message_id"]))
        return int(result.rowcount or 0)

    async def deliver_due(self, *, limit: int = 50) -> int:
        """Send every due row once; returns how many were attempted."""
        now = self.runtime.clock()
        async with self.runtime.db.system_session() as session:
            due = (
                await session.execute(
                    select(OutboxMessage.id, OutboxMessage.attempts)
                    .where(OutboxMessage.status.in_(_CLAIMABLE), OutboxMessage.next_attempt_at <= now)
                    .order_by(OutboxMessage.next_attempt_at)
                    .limit(limit)
                )
            ).all()
        attempted = 0
        for outbox_id, attempts in due:
            if await self._claim(outbox_id, attempts, now):
                attempted += 1
                await self._deliver(outbox_id, now)
        return attempted

    async def _claim(self, outbox_id: uuid.UUID, attempts: int, now: datetime) -> bool:
        """Take the row with a lease; the attempts match makes two workers' claims exclusive."""
        async with self.runtime.db.system_session() as session, session.begin():
            result = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.id == outbox_id,
                    OutboxMessage.attempts == attempts,
                    OutboxMessage.status.in_(_CLAIMABLE),
                    OutboxMessage.next_attempt_at <= now,
                )
                .values(status="sending", attempts=attempts + 1, next_attempt_at=now + LEASE, updated_at=now)
                .execution_options(synchronize_session=False)
            )
        return result.rowcount == 1

    async def _delivery(self, row: OutboxMessage, now: datetime) -> Delivery:
        async with self.runtime.db.session(row.tenant_id) as session:
            message = await session.get(Message, row.message_id)
            account = await session.get(ChannelAccount, row.account_id) if row.account_id else None
            last = await session.scalar(
                select(InboundReceipt)
                .where(InboundReceipt.conversation_id == row.conversation_id)
                .order_by(InboundReceipt.received_at.desc())
                .limit(1)
            )
        if message is None:
            raise DeliveryFailed("the message was deleted", permanent=True)
        if account is None or not account.enabled:
            raise DeliveryFailed("no enabled channel account for this conversation", permanent=True)
        base = account.config.get("public_base_url") or self.runtime.settings.public_base_url
        return Delivery(
            outbox_id=row.id,
            channel=row.channel,
            address=account.address,
            config=account.config,
            secrets=self.vault.open(account),
            recipient=row.recipient,
            text=message.text,
            parts_sent=row.parts_sent,
            template=(message.entities or {}).get("template"),
            last_inbound_at=last.received_at if last else None,
            last_inbound=last.payload if last else None,
            status_callback_url=f"{base.rstrip('/')}/api/v1/webhooks/whatsapp/status",
            now=now,
            message_id=row.message_id,
            attempt=row.attempts,
            enqueued_at=row.created_at,
        )

    async def _deliver(self, outbox_id: uuid.UUID, now: datetime) -> None:
        async with self.runtime.db.system_session() as session:
            row = await session.get(OutboxMessage, outbox_id)
        assert row is not None
        try:
            delivery = await self._delivery(row, now)
            sender = self.senders.get(row.channel)
            if sender is None:
                raise DeliveryFailed(f"no sender for channel {row.channel}", permanent=True)
            result = await sender.send(delivery)
        except DeliveryFailed as failure:
            await self._failed(row, failure, now)
            return
        except Exception as error:  # an adapter bug must not stop the worker; retry like a provider error
            _log.exception("sending outbox row %s failed", outbox_id)
            await self._failed(row, DeliveryFailed(f"{type(error).__name__}: {error}"), now)
            return
        await self._record(
            outbox_id,
            status=result.status,
            provider_message_id=result.provider_message_id,
            parts_sent=result.parts_sent,
            last_error=None,
            next_attempt_at=now,
            now=now,
        )

    async def _failed(self, row: OutboxMessage, failure: DeliveryFailed, now: datetime) -> None:
        settings = self.runtime.settings
        dead = failure.permanent or row.attempts + 1 >= settings.outbox_max_attempts
        delay = settings.outbox_backoff_s * 2**row.attempts
        await self._record(
            row.id,
            status="dead" if dead else "retry",
            provider_message_id=None,
            parts_sent=failure.parts_sent if failure.parts_sent is not None else row.parts_sent,
            last_error=str(failure),
            next_attempt_at=now + timedelta(seconds=delay),
            now=now,
        )

    async def _record(
        self,
        outbox_id: uuid.UUID,
        *,
        status: str,
        provider_message_id: str | None,
        parts_sent: int,
        last_error: str | None,
        next_attempt_at: datetime,
        now: datetime,
    ) -> None:
        async with self.runtime.db.system_session() as session, session.begin():
            row = await session.get(OutboxMessage, outbox_id)
            assert row is not None
            row.status = status
            row.parts_sent = parts_sent
            row.provider_message_id = provider_message_id or row.provider_message_id
            row.last_error = last_error
            row.next_attempt_at = next_attempt_at
            entry = {"status": status, "at": now.isoformat(), "attempt": row.attempts}
            if last_error:
                entry["error"] = last_error
            row.history = [*row.history, entry]

    async def apply_status(self, event: DeliveryStatusEvent) -> bool:
        """Record a provider's status callback on the row it names; False when no row matches."""
        async with self.runtime.db.system_session() as session, session.begin():
            row = await session.scalar(
                select(OutboxMessage).where(
                    OutboxMessage.channel == event.channel,
                    OutboxMessage.provider_message_id == event.external_message_id,
                )
            )
            if row is None:
                return False
            status = event.status.value
            entry: dict[str, Any] = {
                "status": status,
                "at": event.timestamp.isoformat(),
                "source": "provider",
            }
            if event.error_code:
                entry["error"] = f"{event.error_code}: {event.error_message or ''}".strip()
            row.history = [*row.history, entry]
            if event.status.is_failure:
                row.status, row.last_error = "failed", entry.get("error", status)
            elif STATUS_RANK.get(status, 0) > STATUS_RANK.get(row.status, 0):
                row.status = status
                if status == "read":
                    row.read_at = event.timestamp
        return True

    async def sent_messages(
        self, tenant_id: uuid.UUID, conversation_id: uuid.UUID, *, after: datetime | None
    ) -> list[Message]:
        """The conversation's replies the outbox has sent, oldest first (the web chat's stream pushes these)."""
        statement = (
            select(Message)
            .join(OutboxMessage, OutboxMessage.message_id == Message.id)
            .where(Message.conversation_id == conversation_id, OutboxMessage.status.in_(tuple(STATUS_RANK)))
            .order_by(Message.created_at, Message.id)
        )
        if after is not None:
            statement = statement.where(Message.created_at >= after)
        async with self.runtime.db.session(tenant_id) as session:
            return list((await session.scalars(statement)).all())

    async def counts(self) -> dict[str, int]:
        """Rows per status across every business, for the worker's health line and the benchmark."""
        async with self.runtime.db.system_session() as session:
            rows = await session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            )
        return {status: int(count) for status, count in rows.all()}

    async def aclose(self) -> None:
        """Close every adapter's connections."""
        for sender in self.senders.values():
            await sender.aclose()


def _account_id(conversation: Conversation) -> uuid.UUID | None:
    raw = (conversation.external_ids or {}).get("account_id")
    return uuid.UUID(raw) if raw else None
