"""A business's channel accounts: credentials stored encrypted, shown only masked, found by webhooks.

Secrets (Twilio auth token, bot token, webhook secret, mailbox passwords) are Fernet-encrypted with a key
from the settings, so a database dump alone does not let anyone post as the business.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.channels.models import ChannelAccount
from parley.core.actor import Actor
from parley.core.db import Database
from parley.core.errors import Conflict, NotFound, ValidationFailed
from parley.core.settings import Settings

__all__ = [
    "SECRET_FIELDS",
    "AccountDirectory",
    "AccountSecrets",
    "create_account",
    "find_account",
    "get_account",
    "mask",
    "update_account",
]

SECRET_FIELDS: dict[str, frozenset[str]] = {
    "whatsapp": frozenset({"auth_token"}),
    "telegram": frozenset({"bot_token", "webhook_secret"}),
    "email": frozenset({"imap_password", "smtp_password"}),
}


def mask(value: str) -> str:
    """Show enough of a secret to recognise it, never enough to use it."""
    return "••••" + value[-4:] if len(value) > 8 else "••••"


@dataclass(frozen=True)
class AccountSecrets:
    """Encrypts and decrypts the secrets of channel accounts with one process-wide key."""

    fernet: Fernet

    @classmethod
    def from_settings(cls, settings: Settings) -> AccountSecrets:
        """Use the configured key, or derive one from the JWT secret so development needs no set-up."""
        if settings.channel_secrets_key is not None:
            return cls(Fernet(settings.channel_secrets_key.get_secret_value().encode()))
        digest = hashlib.sha256(b"parley-channel-secrets:" + settings.jwt_secret.get_secret_value().encode())
        return cls(Fernet(base64.urlsafe_b64encode(digest.digest())))

    def seal(self, secrets: dict[str, str]) -> str:
        """Encrypt a secrets mapping for the ``secrets_encrypted`` column."""
        return self.fernet.encrypt(json.dumps(secrets).encode()).decode() if secrets else ""

    def open(self, account: ChannelAccount) -> dict[str, str]:
        """The account's secrets in clear, for the adapters that call providers."""
        if not account.secrets_encrypted:
            return {}
        return json.loads(self.fernet.decrypt(account.secrets_encrypted.encode()))


def _check_secrets(channel: str, secrets: dict[str, str]) -> None:
    unknown = set(secrets) - SECRET_FIELDS.get(channel, frozenset())
    if unknown:
        raise ValidationFailed(f"unknown secrets for {channel}: {sorted(unknown)}", field="secrets")


async def create_account(
    session: AsyncSession,
    actor: Actor,
    *,
    vault: AccountSecrets,
    channel: str,
    name: str,
    address: str,
    config: dict[str, Any],
    secrets: dict[str, str],
    enabled: bool = True,
) -> ChannelAccount:
    """Connect a provider account; one address belongs to one business, so webhooks route unambiguously."""
    actor.require("channels:write")
    if channel not in SECRET_FIELDS:
        raise ValidationFailed(f"no adapter for channel {channel!r}", field="channel")
    _check_secrets(channel, secrets)
    taken = await find_account(session, channel=channel, address=address)
    if taken is not None:
        raise Conflict(f"{address} is already connected", field="address")
    account = ChannelAccount(
        channel=channel,
        name=name,
        address=address,
        enabled=enabled,
        config=config,
        secrets_encrypted=vault.seal(secrets),
    )
    session.add(account)
    await session.flush()
    return account


async def get_account(session: AsyncSession, account_id: uuid.UUID) -> ChannelAccount:
    """One account of this business (404 otherwise)."""
    account = await session.scalar(select(ChannelAccount).where(ChannelAccount.id == account_id))
    if account is None:
        raise NotFound("no such channel account")
    return account


async def find_account(session: AsyncSession, *, channel: str, address: str) -> ChannelAccount | None:
    """The account a webhook names by its recipient address (a system session searches every business)."""
    return await session.scalar(
        select(ChannelAccount).where(ChannelAccount.channel == channel, ChannelAccount.address == address)
    )


async def update_account(
    session: AsyncSession,
    actor: Actor,
    account_id: uuid.UUID,
    *,
    vault: AccountSecrets,
    name: str | None = None,
    enabled: bool | None = None,
    config: dict[str, Any] | None = None,
    secrets: dict[str, str] | None = None,
) -> ChannelAccount:
    """Change an account; given secrets replace only the named ones, so a form need not resend the rest."""
    actor.require("channels:write")
    account = await get_account(session, account_id)
    if name is not None:
        account.name = name
    if enabled is not None:
        account.enabled = enabled
    if config is not None:
        account.config = {**account.config, **config}
    if secrets:
        _check_secrets(account.channel, secrets)
        account.secrets_encrypted = vault.seal({**vault.open(account), **secrets})
    await session.flush()
    return account


class AccountDirectory:
    """The accounts webhooks name, remembered for ``ttl_s``.

    Every webhook looks one up, and reading it from the database each time was a sixth of the time to
    acknowledge. A change through this process's API forgets them at once; another process sees it within ``ttl_s``
    (a disabled account's webhooks answer 404 from then on).
    """

    def __init__(
        self, db: Database, *, ttl_s: float = 5.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.db = db
        self.ttl_s = ttl_s
        self.clock = clock
        self._rows: dict[tuple[str, str], tuple[float, ChannelAccount | None]] = {}

    async def by_address(self, channel: str, address: str) -> ChannelAccount | None:
        """The account a webhook names by its recipient address (any business)."""
        return await self._get((channel, address))

    async def by_id(self, account_id: uuid.UUID) -> ChannelAccount | None:
        """The account a webhook names by id (Telegram's ``?account=``)."""
        return await self._get(("id", str(account_id)))

    async def _get(self, key: tuple[str, str]) -> ChannelAccount | None:
        now = self.clock()
        cached = self._rows.get(key)
        if cached is not None and now - cached[0] < self.ttl_s:
            return cached[1]
        async with self.db.system_session() as session:
            if key[0] == "id":
                account = await session.get(ChannelAccount, uuid.UUID(key[1]))
            else:
                account = await find_account(session, channel=key[0], address=key[1])
        self._rows[key] = (now, account)
        return account

    def forget(self) -> None:
        """Read every account afresh (after a change through the API)."""
        self._rows.clear()
