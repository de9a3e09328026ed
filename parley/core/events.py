"""Domain events: written in the same transaction as the change, published to listeners after commit.

The events table is the durable record (and the future source of outbound webhooks); in-process listeners
(re-indexing, cache invalidation) hear about an event only once its transaction has committed.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from collections import defaultdict
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String, event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, Session, mapped_column

from parley.core.clock import utcnow
from parley.core.db import Base, UUIDPrimaryKey
from parley.core.jsonsafe import to_jsonable
from parley.core.tenancy import TenantScoped
from parley.core.types import UTCDateTime

__all__ = ["DomainEvent", "EventBus", "Listener", "emit_event", "event_bus"]

_log = logging.getLogger(__name__)

Listener = Callable[["DomainEvent"], Awaitable[None]]


class DomainEvent(UUIDPrimaryKey, TenantScoped, Base):
    """Something that happened to the business, such as ``order.created`` or ``product.low_stock``."""

    __tablename__ = "domain_events"

    type: Mapped[str] = mapped_column(String(64), index=True)
    entity_type: Mapped[str] = mapped_column(String(64))
    entity_id: Mapped[str | None] = mapped_column(String(64), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EventBus:
    """In-process fan-out of committed events to async listeners, by event type or ``*``."""

    def __init__(self) -> None:
        self._listeners: dict[str, list[Listener]] = defaultdict(list)
        self._tasks: set[asyncio.Task[None]] = set()

    def subscribe(self, event_type: str, listener: Listener) -> None:
        """Call ``listener`` for each committed event of this type (``*`` for all)."""
        self._listeners[event_type].append(listener)

    def unsubscribe(self, event_type: str, listener: Listener) -> None:
        """Stop calling a listener."""
        if listener in self._listeners.get(event_type, []):
            self._listeners[event_type].remove(listener)

    def publish(self, events: list[DomainEvent]) -> None:
        """Schedule listeners for committed events; a failing listener is logged, never raised to the writer."""
        for domain_event in events:
            for listener in [*self._listeners.get(domain_event.type, []), *self._listeners.get("*", [])]:
                task = asyncio.get_running_loop().create_task(self._run(listener, domain_event))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _run(self, listener: Listener, domain_event: DomainEvent) -> None:
        try:
            await listener(domain_event)
        except Exception:
            _log.exception("listener for %s failed", domain_event.type)

    async def drain(self) -> None:
        """Wait for every scheduled listener (tests and shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


event_bus = EventBus()


def emit_event(
    session: AsyncSession,
    event_type: str,
    *,
    entity_type: str,
    entity_id: Any = None,
    payload: dict[str, Any] | None = None,
    tenant_id: uuid.UUID | None = None,
) -> DomainEvent:
    """Record an event in the caller's transaction; listeners hear of it after commit."""
    domain_event = DomainEvent(
        type=event_type,
        entity_type=entity_type,
        entity_id=None if entity_id is None else str(entity_id),
        payload=to_jsonable(payload or {}),
    )
    if tenant_id is not None:
        domain_event.tenant_id = tenant_id
    session.add(domain_event)
    session.sync_session.info.setdefault("pending_events", []).append(domain_event)
    return domain_event


@event.listens_for(Session, "after_commit")
def _publish_after_commit(session: Session) -> None:
    pending = session.info.pop("pending_events", [])
    if not pending:
        return
    try:
        event_bus.publish(pending)
    except RuntimeError:
        _log.debug("no running loop; %d events stay in the table only", len(pending))


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop("pending_events", None)
