"""The long-lived parts of one Parley process, built once from the settings and shared by API, worker and CLI."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from parley.core.clock import utcnow
from parley.core.db import Database
from parley.core.ratelimit import RateLimiter
from parley.core.settings import Settings
from parley.identity.sessions import AuthService

__all__ = ["Runtime"]


@dataclass
class Runtime:
    """Settings plus the components built from them; tests build one with a fake clock."""

    settings: Settings
    db: Database
    auth: AuthService
    limiter: RateLimiter
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def build(cls, settings: Settings, *, clock: Callable[[], datetime] = utcnow) -> Runtime:
        """Create every component; nothing connects until first use."""
        db = Database(settings.resolved_database_url)
        return cls(
            settings=settings,
            db=db,
            auth=AuthService(db, settings, clock),
            limiter=RateLimiter(settings.redis_url),
            clock=clock,
        )

    async def close(self) -> None:
        """Release connections."""
        await self.db.dispose()
