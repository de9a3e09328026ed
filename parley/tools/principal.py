"""The agent's own principal: it acts with its own scopes and is audited like a person."""

from __future__ import annotations

import uuid

from parley.core.actor import Actor, ActorKind
from parley.identity.roles import AGENT_SCOPES

__all__ = ["agent_actor"]


def agent_actor(tenant_id: uuid.UUID, *, label: str = "agent") -> Actor:
    """The agent acting for one business, with exactly :data:`AGENT_SCOPES`."""
    return Actor(
        kind=ActorKind.AGENT, id=None, tenant_id=tenant_id, scopes=AGENT_SCOPES, role=None, label=label
    )
