"""Who is acting: a person, an API key, the agent, or the system. Services check scopes on it."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from enum import StrEnum

from parley.core.errors import PermissionDenied

__all__ = ["Actor", "ActorKind", "scope_allows"]


class ActorKind(StrEnum):
    """The kind of principal, recorded on every audit entry."""

    USER = "user"
    API_KEY = "api_key"
    AGENT = "agent"
    SYSTEM = "system"


def scope_allows(granted: frozenset[str], required: str) -> bool:
    """Whether granted scopes cover a required one; ``*`` and ``area:*`` are wildcards."""
    if "*" in granted or required in granted:
        return True
    area = required.split(":", 1)[0]
    return f"{area}:*" in granted


@dataclass(frozen=True, slots=True)
class Actor:
    """A principal acting for one tenant with a fixed set of scopes."""

    kind: ActorKind
    id: uuid.UUID | None
    tenant_id: uuid.UUID
    scopes: frozenset[str] = field(default_factory=frozenset)
    role: str | None = None
    label: str = ""

    def can(self, scope: str) -> bool:
        """Whether this actor holds the scope."""
        return scope_allows(self.scopes, scope)

    def require(self, *scopes: str) -> None:
        """Raise :class:`PermissionDenied` unless every scope is held."""
        missing = [scope for scope in scopes if not self.can(scope)]
        if missing:
            raise PermissionDenied(
                f"this action needs the scope {', '.join(missing)}",
                details={"required": list(scopes), "missing": missing},
            )
