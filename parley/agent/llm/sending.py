"""Knowing when a model request has left: work that should run while the model reads, not before it.

A task started next to a model call runs at the first point the call yields, which is before its bytes are
written (the HTTP client yields on its connection lock): the catalog searches of a product turn delayed the
intent request by about 2 ms that way. :func:`signal_when_sent` lets such work wait for the request body to
be on the wire instead. Kept free of the OpenAI SDK, which is slow to import.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

__all__ = ["mark_sent", "signal_when_sent"]

_SENT: ContextVar[asyncio.Event | None] = ContextVar("parley_llm_request_sent", default=None)


@contextmanager
def signal_when_sent(sent: asyncio.Event) -> Iterator[None]:
    """Model requests made in this context, or in a task created in it, set ``sent`` once their body is sent."""
    token = _SENT.set(sent)
    try:
        yield
    finally:
        _SENT.reset(token)


async def mark_sent(request: Any) -> None:
    """An httpx request hook: traces the request so that the waiting event is set when its body is sent."""
    sent = _SENT.get()
    if sent is None:
        return

    async def trace(name: str, _info: dict[str, Any]) -> None:
        if name.endswith("send_request_body.complete"):
            sent.set()

    request.extensions = {**request.extensions, "trace": trace}
