"""Every table of Parley, imported in one place so Alembic and tests see the whole schema."""

from parley.core.audit import AuditEntry
from parley.core.db import Base
from parley.core.events import DomainEvent
from parley.identity.models import ApiKey, RefreshToken, Tenant, User

__all__ = ["ApiKey", "AuditEntry", "Base", "DomainEvent", "RefreshToken", "Tenant", "User"]
