"""Tenant scoping is done by the session, not remembered by each caller."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from parley.identity.models import Tenant, User
from parley.runtime import Runtime
from tests.support.tenants import SeededTenants


async def test_a_tenant_session_sees_only_its_own_rows(runtime: Runtime, tenants: SeededTenants) -> None:
    async with runtime.db.session(tenants.other_id) as session:
        emails = list(await session.scalars(select(User.email)))
        count = await session.scalar(select(func.count()).select_from(User))
    assert emails == [tenants.other_admin_email]
    assert count == 1


async def test_a_bulk_update_cannot_reach_another_tenant(runtime: Runtime, tenants: SeededTenants) -> None:
    async with runtime.db.transaction(tenants.other_id) as session:
        await session.execute(update(User).values(full_name="renamed"))
    async with runtime.db.session(tenants.demo_id) as session:
        names = set(await session.scalars(select(User.full_name)))
    assert "renamed" not in names


async def test_new_rows_are_stamped_with_the_session_tenant(runtime: Runtime, tenants: SeededTenants) -> None:
    async with runtime.db.transaction(tenants.other_id) as session:
        user = User(email="stamped@other.example", password_hash="x", role="viewer")
        session.add(user)
    assert user.tenant_id == tenants.other_id


async def test_writing_a_row_for_another_tenant_is_refused(runtime: Runtime, tenants: SeededTenants) -> None:
    with pytest.raises(RuntimeError, match="another tenant"):
        async with runtime.db.transaction(tenants.other_id) as session:
            session.add(
                User(tenant_id=tenants.demo_id, email="x@x.example", password_hash="x", role="viewer")
            )
    async with runtime.db.system_session() as session:
        assert await session.scalar(select(User).where(User.email == "x@x.example")) is None


async def test_a_session_with_no_tenant_cannot_query(runtime: Runtime, tenants: SeededTenants) -> None:
    from sqlalchemy.ext.asyncio import AsyncSession

    async with AsyncSession(runtime.db.engine) as session:
        with pytest.raises(RuntimeError, match="no tenant"):
            await session.scalar(select(Tenant))
