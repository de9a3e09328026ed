"""Two tenants with staff of every role: the demo business and a second one for isolation tests."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from parley.core.actor import Actor
from parley.core.db import Database
from parley.demo.seed import DEMO_LOGINS, DEMO_PASSWORD, demo_password_hash, seed_demo
from parley.identity.models import Tenant, User
from parley.identity.roles import Role
from parley.identity.sessions import actor_for_user

OTHER_ADMIN = "admin@other.example"


@dataclass(frozen=True)
class SeededTenants:
    """Ids and logins of the seeded tenants."""

    demo_id: uuid.UUID
    other_id: uuid.UUID
    emails: dict[Role, str]
    other_admin_email: str
    password: str = DEMO_PASSWORD


async def seed_tenants(db: Database) -> SeededTenants:
    """Seed the demo business and a second tenant whose admin must never see the demo's records."""
    demo_id = await seed_demo(db, with_shop=False)
    async with db.system_session() as session, session.begin():
        other = Tenant(slug="other", name="Other Business")
        session.add(other)
        await session.flush()
        session.add(
            User(
                tenant_id=other.id,
                email=OTHER_ADMIN,
                full_name="Other Admin",
                role=Role.ADMIN,
                password_hash=demo_password_hash(),
            )
        )
    return SeededTenants(
        demo_id=demo_id,
        other_id=other.id,
        emails={login.role: login.email for login in DEMO_LOGINS},
        other_admin_email=OTHER_ADMIN,
    )


async def login(client: httpx.AsyncClient, email: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    """Log in and return the Authorization header."""
    response = await client.post("/api/v1/auth/login", json={"email": email, "password": password})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['data']['access_token']}"}


async def set_thresholds(client: httpx.AsyncClient, tenants: SeededTenants, **thresholds: Any) -> None:
    """Set the demo business's guardrail thresholds as its admin would (``maxOrderValue=500``)."""
    admin = await login(client, tenants.emails[Role.ADMIN])
    response = await client.put("/api/v1/ai/guardrails", json={"thresholds": thresholds}, headers=admin)
    assert response.status_code == 200, response.text


async def actor_of(db: Database, tenant_id: uuid.UUID, email: str) -> Actor:
    """The actor of a seeded user, for calling services directly."""
    from sqlalchemy import select

    async with db.session(tenant_id) as session:
        user = await session.scalar(select(User).where(User.email == email))
    assert user is not None
    return actor_for_user(user)
