"""Server-sent events of a conversation's turns, through sse-starlette.

A turn started by a stream runs as its own task: if the client goes away mid-turn, the turn still finishes
and its reply is stored, so nothing is lost and nothing is answered twice.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Request
from sse_starlette.sse import EventSourceResponse

from parley.agent.service import AgentService
from parley.core.errors import ParleyError

__all__ = ["latest_stream", "turn_stream"]

_background: set[asyncio.Task[Any]] = set()
_FOLLOW_IDLE_S = 300.0


def _event(name: str, data: dict[str, Any]) -> dict[str, str]:
    return {"event": name, "data": json.dumps(data, ensure_ascii=False, default=str)}


def _error(exc: BaseException) -> dict[str, str]:
    if isinstance(exc, ParleyError) and exc.status_code < 500:
        return _event("error", {"code": exc.code, "message": exc.message})
    return _event(
        "error", {"code": "SYS_INTERNAL_ERROR", "message": "the turn failed; a person will follow up"}
    )


_PUBLIC_EVENTS = frozenset({"token", "message", "error"})
_PUBLIC_FIELDS = ("conversation_id", "message_id", "reply_to_id", "response", "status")


def _public(event: str, data: dict[str, Any]) -> dict[str, Any]:
    return {key: data[key] for key in _PUBLIC_FIELDS if key in data} if event == "message" else data


async def _run_turn(
    agent: AgentService, tenant_id: uuid.UUID, conversation_id: uuid.UUID, text: str, public: bool
) -> AsyncIterator[dict[str, str]]:
    queue: asyncio.Queue[tuple[str, dict[str, Any]] | BaseException | None] = asyncio.Queue()

    async def emit(event: str, data: dict[str, Any]) -> None:
        if not public:
            queue.put_nowait((event, data))
        elif event in _PUBLIC_EVENTS:
            queue.put_nowait((event, _public(event, data)))

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
    *,
    public: bool = False,
) -> EventSourceResponse:
    """Stream one turn (``text`` given) or follow the conversation's turns; ``public`` hides staff details."""
    events = (
        _run_turn(agent, tenant_id, conversation_id, text, public)
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
