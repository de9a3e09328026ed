"""Server-sent events of a conversation's turns, through sse-starlette.

A turn started by a stream runs as its own task: if the client goes away mid-turn, the turn still finishes
and its reply is stored, so nothing is lost and nothing is answered twice.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from fastapi import Request
from sse_starlette.sse import EventSourceResponse

from parley.agent.conversations.models import Message
from parley.agent.service import AgentService
from parley.channels.inbound import Channel, DeliveryStatus, DeliveryStatusEvent
from parley.channels.outbox import Outbox
from parley.channels.webchat_out import OUTBOX_EVENT
from parley.core.errors import ParleyError

__all__ = ["latest_stream", "turn_stream", "visitor_stream"]

_background: set[asyncio.Task[Any]] = set()
_FOLLOW_IDLE_S = 300.0
_VISITOR_POLL_S = 1.0


def _event(name: str, data: dict[str, Any]) -> dict[str, str]:
    return {"event": name, "data": json.dumps(data, ensure_ascii=False, default=str)}


def _error(exc: BaseException) -> dict[str, str]:
    if isinstance(exc, ParleyError) and exc.status_code < 500:
        return _event("error", {"code": exc.code, "message": exc.message})
    return _event(
        "error", {"code": "SYS_INTERNAL_ERROR", "message": "the turn failed; a person will follow up"}
    )


async def _run_turn(
    agent: AgentService, tenant_id: uuid.UUID, conversation_id: uuid.UUID, text: str
) -> AsyncIterator[dict[str, str]]:
    queue: asyncio.Queue[tuple[str, dict[str, Any]] | BaseException | None] = asyncio.Queue()

    async def emit(event: str, data: dict[str, Any]) -> None:
        queue.put_nowait((event, data))

    async def work() -> None:
        try:
            await agent.handle_message(tenant_id, conversation_id, text, emit=emit)
        except BaseException as exc:  # reported to the client as an error event
            queue.put_nowait(exc)
        finally:
            queue.put_nowait(None)

    task = asyncio.create_task(work())
    _background.add(task)
    task.add_done_callback(_background.discard)
    while True:
        item = await queue.get()
        if item is None:
            return
        if isinstance(item, BaseException):
            yield _error(item)
            return
        yield _event(*item)
        if item[0] == "message":
            return


async def _follow(
    agent: AgentService, conversation_id: uuid.UUID, request: Request
) -> AsyncIterator[dict[str, str]]:
    async with agent.events.subscribe(str(conversation_id)) as queue:
        while not await request.is_disconnected():
            try:
                event, data = await asyncio.wait_for(queue.get(), timeout=_FOLLOW_IDLE_S)
            except TimeoutError:
                return
            yield _event(event, data)


def turn_stream(
    agent: AgentService,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
    text: str | None,
    request: Request,
) -> EventSourceResponse:
    """Stream one turn (``text`` given) or follow the conversation's turns."""
    events = (
        _run_turn(agent, tenant_id, conversation_id, text)
        if text is not None
        else _follow(agent, conversation_id, request)
    )
    return EventSourceResponse(events, ping=15)


def latest_stream(message: dict[str, Any] | None) -> EventSourceResponse:
    """A one-event stream with the conversation's latest message (none: an empty stream)."""

    async def events() -> AsyncIterator[dict[str, str]]:
        if message is not None:
            yield _event("message", message)

    return EventSourceResponse(events())


def visitor_stream(
    agent: AgentService,
    outbox: Outbox,
    tenant_id: uuid.UUID,
    conversation_id: uuid.UUID,
    after: uuid.UUID | None,
    request: Request,
) -> EventSourceResponse:
    """The web chat's way out: reply tokens as they are written, then each reply once the outbox sent it.

    Each pushed message carries its id as the SSE event id, so a reconnecting ``EventSource`` resumes after
    the last one it received (``Last-Event-ID``); the stream records each push as ``delivered``. A reply sent
    by another process is found by polling the database every ``_VISITOR_POLL_S``.
    """

    async def events() -> AsyncIterator[dict[str, str]]:
        resume = request.headers.get("last-event-id")
        cursor_id = _uuid_or_none(resume) or after
        cursor = await _created_at(agent, tenant_id, conversation_id, cursor_id)
        pushed: set[uuid.UUID] = {cursor_id} if cursor_id else set()
        refresh = True
        async with agent.events.subscribe(str(conversation_id)) as queue:
            while not await request.is_disconnected():
                if refresh:
                    for message in await outbox.sent_messages(tenant_id, conversation_id, after=cursor):
                        if message.id in pushed:
                            continue
                        pushed.add(message.id)
                        cursor = message.created_at
                        yield {**_event("message", _visitor_message(message)), "id": str(message.id)}
                        await outbox.apply_status(_delivered(message.id, agent.runtime.clock()))
                try:
                    event, data = await asyncio.wait_for(queue.get(), timeout=_VISITOR_POLL_S)
                except TimeoutError:
                    refresh = True
                    continue
                refresh = event == OUTBOX_EVENT
                if event == "token":
                    yield _event("token", {"text": data.get("text", "")})

    return EventSourceResponse(events(), ping=15)


def _uuid_or_none(raw: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(raw) if raw else None
    except ValueError:
        return None


async def _created_at(
    agent: AgentService, tenant_id: uuid.UUID, conversation_id: uuid.UUID, message_id: uuid.UUID | None
) -> datetime | None:
    if message_id is None:
        return None
    async with agent.runtime.db.session(tenant_id) as session:
        message = await session.get(Message, message_id)
    return message.created_at if message is not None and message.conversation_id == conversation_id else None


def _visitor_message(message: Message) -> dict[str, Any]:
    """What a visitor may see of a message: no tool calls, intents or metrics."""
    return {
        "id": str(message.id),
        "role": message.role,
        "text": message.text,
        "created_at": message.created_at.isoformat(),
    }


def _delivered(message_id: uuid.UUID, now: datetime) -> DeliveryStatusEvent:
    return DeliveryStatusEvent(
        channel=Channel.WEB,
        external_message_id=str(message_id),
        status=DeliveryStatus.DELIVERED,
        provider_status="pushed to the page",
        timestamp=now,
    )
