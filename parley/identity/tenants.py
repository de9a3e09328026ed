"""The business's own row: read within one of its sessions, and marked changed when its agent settings change."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.clock import utcnow
from parley.core.errors import NotFound
from parley.identity.models import Tenant

__all__ = ["get_tenant", "touch_tenant"]


async def get_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> Tenant:
    """The business (404 when it does not exist)."""
    tenant = await session.get(Tenant, tenant_id)
    if tenant is None:
        raise NotFound("no such business")
    return tenant


async def touch_tenant(session: AsyncSession, tenant_id: uuid.UUID) -> None:
    """Mark the business changed where the change is in a table of its own (reply templates).

    Agents keep a business's settings between turns and read them again when ``updated_at`` moves; a change
    to the row itself (AI profile, intents, guardrails) moves it already.
    """
    (await get_tenant(session, tenant_id)).updated_at = utcnow()
