"""Live events of conversations, for SSE subscribers in this process."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

__all__ = ["EventHub"]


class EventHub:
    """Fan-out of a conversation's turn events to every open stream of it."""

    def __init__(self) -> None:
        self._queues: dict[str, set[asyncio.Queue[tuple[str, dict[str, Any]]]]] = defaultdict(set)

    async def publish(self, conversation_id: str, event: str, data: dict[str, Any]) -> None:
        """Send an event to the conversation's subscribers (none is fine)."""
        for queue in list(self._queues.get(conversation_id, ())):
            queue.put_nowait((event, data))

    @asynccontextmanager
    async def subscribe(
        self, conversation_id: str
    ) -> AsyncIterator[asyncio.Queue[tuple[str, dict[str, Any]]]]:
        """A queue of the conversation's events while the block runs."""
        queue: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        self._queues[conversation_id].add(queue)
        try:
            yield queue
        finally:
            self._queues[conversation_id].discard(queue)
            if not self._queues[conversation_id]:
                del self._queues[conversation_id]
