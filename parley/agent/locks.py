"""Per-conversation locks so turns run one at a time, in order: in-process, or Redis across processes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

__all__ = ["ConversationLocks"]


class ConversationLocks:
    """``async with locks.hold(key)``: one holder per key.

    In-process it is an :class:`asyncio.Lock` per key, whose waiters are served first come, first served;
    with ``redis_url`` it is a ``redis.asyncio`` lock, so every API process and worker shares it.
    """

    def __init__(self, redis_url: str | None = None, *, timeout_s: float = 300.0) -> None:
        self.redis_url = redis_url
        self.timeout_s = timeout_s
        self._local: dict[str, tuple[asyncio.Lock, int]] = {}
        self._redis: Any = None

    @asynccontextmanager
    async def hold(self, key: str) -> AsyncIterator[None]:
        """Wait for the key's lock, hold it for the block, release it even on error."""
        if self.redis_url:
            async with self._redis_lock(key):
                yield
            return
        lock, users = self._local.get(key) or (asyncio.Lock(), 0)
        self._local[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._local[key]
            if users <= 1:
                del self._local[key]
            else:
                self._local[key] = (lock, users - 1)

    def _redis_lock(self, key: str) -> Any:
        if self._redis is None:
            from redis.asyncio import Redis

            self._redis = Redis.from_url(self.redis_url)
        return self._redis.lock(
            f"parley:lock:{key}", timeout=self.timeout_s, blocking_timeout=self.timeout_s, sleep=0.02
        )

    async def aclose(self) -> None:
        """Close the Redis connection, if any."""
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None
