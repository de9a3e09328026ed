"""An isolated shop per scenario: the demo business is migrated, seeded and indexed once, then copied.

Copying a SQLite file and the knowledge folder takes milliseconds, where migrating and seeding take seconds,
and no scenario can see another's orders, so scenarios may run side by side.
"""

from __future__ import annotations

import asyncio
import shutil
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from parley.agent.service import AgentService
from parley.core.settings import Settings
from parley.runtime import Runtime

__all__ = ["Sandbox", "ShopTemplate"]


def _settings(base: Settings, folder: Path) -> Settings:
    return base.model_copy(
        update={"data_dir": folder, "database_url": None, "redis_url": None, "qdrant_url": None}
    )


@dataclass
class Sandbox:
    """One scenario's shop: its runtime, agent and the demo tenant; ``refs`` maps setup names to records."""

    runtime: Runtime
    agent: AgentService
    tenant_id: uuid.UUID
    refs: dict[str, Any] = field(default_factory=dict)


class ShopTemplate:
    """The seeded demo shop on disk, built on first use and copied for each scenario.

    Args:
        root: A scratch folder the template and the scenario copies live in.
        settings: Settings to start from (engine choice, LLM endpoint); storage settings are replaced.
        embedder: The embedder for the knowledge index and the agent (MiniLM unless a test passes a fake).
        extra: More seeding shared by every copy (the τ² catalog), given the runtime and the tenant id.

    """

    def __init__(
        self,
        root: Path,
        settings: Settings,
        embedder: Any,
        *,
        extra: Callable[[Runtime, uuid.UUID], Awaitable[None]] | None = None,
    ) -> None:
        self.root = root
        self.settings = settings
        self.embedder = embedder
        self.extra = extra
        self._tenant_id: uuid.UUID | None = None
        self._lock = asyncio.Lock()

    async def _build(self) -> uuid.UUID:
        from parley.core.migrate import upgrade
        from parley.demo.seed import seed_demo

        folder = self.root / "template"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        settings = _settings(self.settings, folder)
        await asyncio.to_thread(upgrade, settings.resolved_database_url)
        runtime = Runtime.build(settings, embedder=self.embedder)
        try:
            tenant_id = await seed_demo(runtime.db)
            if self.extra is not None:
                await self.extra(runtime, tenant_id)
            agent = AgentService(runtime, embedder=self.embedder)
            await agent.warm_up()  # train the intent model now, so no scenario's latency includes it
            await agent.aclose()
            await runtime.knowledge.sync(tenant_id)
        finally:
            await runtime.close()
        return tenant_id

    async def tenant_id(self) -> uuid.UUID:
        """The demo tenant's id, building the template when it is not there yet."""
        async with self._lock:
            if self._tenant_id is None:
                self._tenant_id = await self._build()
            return self._tenant_id

    @asynccontextmanager
    async def open(self, name: str) -> AsyncIterator[Sandbox]:
        """A fresh copy of the shop for one scenario run, removed afterwards."""
        tenant_id = await self.tenant_id()
        folder = self.root / "runs" / name
        shutil.rmtree(folder, ignore_errors=True)
        await asyncio.to_thread(shutil.copytree, self.root / "template", folder)
        runtime = Runtime.build(_settings(self.settings, folder), embedder=self.embedder)
        agent = AgentService(runtime, embedder=self.embedder)
        try:
            yield Sandbox(runtime=runtime, agent=agent, tenant_id=tenant_id)
        finally:
            await agent.aclose()
            await runtime.close()
            shutil.rmtree(folder, ignore_errors=True)
