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
from parley.knowledge.embeddings import Embedder
from parley.knowledge.service import KnowledgeIndex

__all__ = ["Runtime"]


@dataclass
class Runtime:
    """Settings plus the components built from them; tests build one with a fake clock."""

    settings: Settings
    db: Database
    auth: AuthService
    limiter: RateLimiter
    knowledge: KnowledgeIndex
    clock: Callable[[], datetime] = field(default=utcnow)

    @classmethod
    def build(
        cls, settings: Settings, *, clock: Callable[[], datetime] = utcnow, embedder: Embedder | None = None
    ) -> Runtime:
        """Create every component; nothing connects (and no model loads) until first use."""
        db = Database(settings.resolved_database_url)
        knowledge = KnowledgeIndex(settings, db, embedder=embedder)
        db.services["knowledge"] = knowledge
        return cls(
            settings=settings,
            db=db,
            auth=AuthService(db, settings, clock),
            limiter=RateLimiter(settings.redis_url),
            knowledge=knowledge,
            clock=clock,
        )

    async def close(self) -> None:
        """Finish indexing, release the knowledge store and the connections."""
        await self.knowledge.aclose()
        await self.db.dispose()
