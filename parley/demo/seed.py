"""Seeding the demo business: a tenant and one staff login per role, all with the documented password.

Idempotent: running it twice changes nothing. Production refuses it (``Settings`` forbids ``seed_demo``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from functools import cache

from sqlalchemy import select

from parley.core.db import Database
from parley.identity.models import Tenant, User
from parley.identity.roles import Role
from parley.identity.secrets import hash_password

__all__ = ["DEMO_LOGINS", "DEMO_PASSWORD", "DEMO_SLUG", "DemoLogin", "demo_password_hash", "seed_demo"]

DEMO_SLUG = "demo"
DEMO_PASSWORD = "parley-demo"


@dataclass(frozen=True, slots=True)
class DemoLogin:
    """One documented demo account."""

    email: str
    role: Role
    full_name: str


DEMO_LOGINS: tuple[DemoLogin, ...] = (
    DemoLogin("admin@demo.parley.dev", Role.ADMIN, "Ada Admin"),
    DemoLogin("manager@demo.parley.dev", Role.SALES_MANAGER, "Max Manager"),
    DemoLogin("rep@demo.parley.dev", Role.SALES_REP, "Rita Rep"),
    DemoLogin("viewer@demo.parley.dev", Role.VIEWER, "Vic Viewer"),
)


@cache
def demo_password_hash() -> str:
    """The demo password's hash, computed once per process (argon2 is slow on purpose)."""
    return hash_password(DEMO_PASSWORD)


async def seed_demo(db: Database) -> uuid.UUID:
    """Create the demo tenant and its logins if missing; returns the tenant id."""
    async with db.system_session() as session, session.begin():
        tenant = await session.scalar(select(Tenant).where(Tenant.slug == DEMO_SLUG))
        if tenant is None:
            tenant = Tenant(slug=DEMO_SLUG, name="Demo CNC & Industrial Supply", currency="EUR")
            session.add(tenant)
            await session.flush()
        existing = set(await session.scalars(select(User.email).where(User.tenant_id == tenant.id)))
        password_hash = demo_password_hash()
        for login in DEMO_LOGINS:
            if login.email not in existing:
                session.add(
                    User(
                        tenant_id=tenant.id,
                        email=login.email,
                        full_name=login.full_name,
                        role=login.role,
                        password_hash=password_hash,
                    )
                )
        return tenant.id
