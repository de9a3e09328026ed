"""Reading and changing a business's guardrail settings, kept in the tenant's settings JSON.

The settings live in ``Tenant.settings`` (no table of their own), next to a short change log, so staff can
see who loosened a rule and when; every change is also audited.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.guardrails.settings import GuardrailSettings, diff_settings
from parley.identity.models import Tenant
from parley.identity.tenants import get_tenant

__all__ = ["CHANGE_LOG_LENGTH", "GuardrailsView", "get_guardrails", "settings_of", "update_guardrails"]

_KEY = "guardrails"
_LOG_KEY = "guardrails_changes"
CHANGE_LOG_LENGTH = 50

GuardrailsView = dict[str, Any]
"""The API's view: the settings (camelCase) plus ``changes``, the newest change first."""


def _view(settings: GuardrailSettings, tenant: Tenant) -> GuardrailsView:
    return {**settings.public(), "changes": list((tenant.settings or {}).get(_LOG_KEY, []))}


async def settings_of(session: AsyncSession, tenant_id: uuid.UUID) -> GuardrailSettings:
    """The business's guardrail settings (the balanced defaults until someone changes them)."""
    stored = ((await get_tenant(session, tenant_id)).settings or {}).get(_KEY)
    return GuardrailSettings.model_validate(stored or {})


async def get_guardrails(session: AsyncSession, actor: Actor) -> GuardrailsView:
    """The settings and the recent changes."""
    actor.require("ai:read")
    tenant = await get_tenant(session, actor.tenant_id)
    return _view(GuardrailSettings.model_validate((tenant.settings or {}).get(_KEY) or {}), tenant)


async def update_guardrails(
    session: AsyncSession, actor: Actor, *, data: GuardrailSettings
) -> GuardrailsView:
    """Replace the settings; what changed goes to the front of the change log and to the audit log."""
    actor.require("ai:write")
    tenant = await get_tenant(session, actor.tenant_id)
    stored = dict(tenant.settings or {})
    before = GuardrailSettings.model_validate(stored.get(_KEY) or {})
    changes = diff_settings(before, data)
    if changes:
        entry = {"at": utcnow().isoformat(), "by": actor.label, "changes": changes}
        stored[_LOG_KEY] = [entry, *stored.get(_LOG_KEY, [])][:CHANGE_LOG_LENGTH]
        stored[_KEY] = data.public()
        tenant.settings = stored
        await session.flush()
        record_audit(
            session,
            actor,
            action="guardrails.update",
            entity_type="tenant",
            entity_id=tenant.id,
            before=before.public(),
            after=data.public(),
        )
    return _view(data, tenant)
