"""A business's agent settings, kept between turns and read again only when the business changed.

A turn needs the AI profile, the reply templates, the intent phrases and the guardrail settings; reading them
took four queries on three connections, about 5 ms of every turn. They change rarely and every change moves
the tenant row's ``updated_at`` (the row holds all but the templates, whose writes touch it: see
:func:`parley.identity.tenants.touch_tenant`), so a turn reads that one column and reuses what it read before
while it has not moved. The column is in the database, so a change made through any process reaches every
process's next turn.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.intent.business import Phrases, business_phrases
from parley.agent.llm.profile import BusinessProfile, load_profile, with_fallback
from parley.agent.offline.templates import Templates
from parley.agent.reply_templates import load_templates
from parley.guardrails.service import settings_of
from parley.guardrails.settings import GuardrailSettings
from parley.identity.models import Tenant
from parley.identity.tenants import get_tenant

__all__ = ["BusinessSettings", "BusinessSettingsCache"]

_MAX_BUSINESSES = 1024


@dataclass(frozen=True)
class BusinessSettings:
    """What a turn of one business runs with, as of ``changed_at``."""

    changed_at: datetime
    profile: BusinessProfile
    templates: Templates
    phrases: Phrases | None
    guardrails: GuardrailSettings


class BusinessSettingsCache:
    """Each business's settings as last read, for the process's turns."""

    def __init__(self) -> None:
        self._by_business: dict[uuid.UUID, BusinessSettings] = {}

    async def get(self, session: AsyncSession, tenant_id: uuid.UUID) -> BusinessSettings:
        """The business's settings now: one query while they have not changed."""
        changed_at = await session.scalar(select(Tenant.updated_at).where(Tenant.id == tenant_id))
        kept = self._by_business.get(tenant_id)
        if kept is not None and kept.changed_at == changed_at:
            return kept
        # The row first: a template changed between the two reads also moves the stamp read here, so at
        # worst the next turn reads both again.
        tenant = await get_tenant(session, tenant_id)
        profile = await load_profile(session, tenant_id)
        settings = BusinessSettings(
            changed_at=tenant.updated_at,
            profile=profile,
            templates=with_fallback(await load_templates(session), profile),
            phrases=await business_phrases(session, tenant_id),
            guardrails=await settings_of(session, tenant_id),
        )
        if len(self._by_business) >= _MAX_BUSINESSES:
            self._by_business.clear()
        self._by_business[tenant_id] = settings
        return settings
