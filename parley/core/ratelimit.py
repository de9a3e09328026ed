"""Rate limits on the ``limits`` library: Redis when configured (shared by every process), in-process otherwise."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

from limits import RateLimitItem, parse
from limits.aio.storage import MemoryStorage, RedisStorage, Storage
from limits.aio.strategies import MovingWindowRateLimiter

__all__ = ["RateLimitDecision", "RateLimiter"]


@dataclass(frozen=True, slots=True)
class RateLimitDecision:
    """Whether a hit is allowed, with what the ``X-RateLimit-*`` headers say."""

    allowed: bool
    limit: int
    remaining: int
    reset_at: int

    @property
    def retry_after(self) -> int:
        """Seconds until the window has room again."""
        return max(1, math.ceil(self.reset_at - time.time()))

    def headers(self) -> dict[str, str]:
        """The standard rate-limit headers."""
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset_at),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


class RateLimiter:
    """A moving-window limiter keyed by a namespace and an identity (client address, user, key)."""

    def __init__(self, redis_url: str | None = None) -> None:
        self.storage: Storage
        if redis_url:
            self.storage = RedisStorage(
                redis_url.replace("redis://", "async+redis://", 1), implementation="redispy"
            )
        else:
            self.storage = MemoryStorage()
        self._strategy = MovingWindowRateLimiter(self.storage)
        self.backend = "redis" if redis_url else "memory"

    async def hit(self, rule: str | RateLimitItem, *identity: str) -> RateLimitDecision:
        """Count one request and say whether it may go on."""
        item = parse(rule) if isinstance(rule, str) else rule
        allowed = await self._strategy.hit(item, *identity)
        stats = await self._strategy.get_window_stats(item, *identity)
        return RateLimitDecision(
            allowed=allowed,
            limit=item.amount,
            remaining=max(0, stats.remaining),
            reset_at=int(stats.reset_time),
        )

    async def reset(self) -> None:
        """Forget every counter (tests)."""
        await self.storage.reset()

    async def healthy(self) -> bool:
        """Whether the storage answers."""
        return bool(await self.storage.check())
