"""Webhooks find their account through a short-lived cache: a change shows within its time-to-live."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from parley.channels.accounts import AccountDirectory, AccountSecrets, create_account
from parley.channels.models import ChannelAccount
from parley.demo.seed import seed_actor
from parley.runtime import Runtime
from tests.support.tenants import SeededTenants

pytestmark = pytest.mark.backend("sqlite")


async def test_a_disabled_account_is_seen_after_the_time_to_live_or_at_once_when_forgotten(
    runtime: Runtime, tenants: SeededTenants
) -> None:
    async with runtime.db.transaction(tenants.demo_id) as session:
        account = await create_account(
            session,
            seed_actor(tenants.demo_id),
            vault=AccountSecrets.from_settings(runtime.settings),
            channel="whatsapp",
            name="Shop",
            address="whatsapp:+15550001111",
            config={},
            secrets={"auth_token": "secret-token"},
        )
    now = [100.0]
    directory = AccountDirectory(runtime.db, ttl_s=5.0, clock=lambda: now[0])
    first = await directory.by_address("whatsapp", "whatsapp:+15550001111")
    assert first is not None and first.enabled
    assert (await directory.by_id(account.id)).address == "whatsapp:+15550001111"

    async with runtime.db.transaction(tenants.demo_id) as session:
        await session.execute(update(ChannelAccount).values(enabled=False))
    now[0] += 4.9
    assert (await directory.by_address("whatsapp", "whatsapp:+15550001111")).enabled  # still remembered
    now[0] += 0.2
    assert not (await directory.by_address("whatsapp", "whatsapp:+15550001111")).enabled

    async with runtime.db.transaction(tenants.demo_id) as session:
        await session.execute(update(ChannelAccount).values(enabled=True))
    directory.forget()
    assert (await directory.by_id(account.id)).enabled
    assert await directory.by_address("whatsapp", "whatsapp:+15559999999") is None
