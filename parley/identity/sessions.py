"""Logging in and staying logged in: access tokens, rotating refresh tokens with reuse detection, logout.

Each login starts a refresh-token family. Refreshing spends the presented token and issues the next one; a
token presented a second time means it was stolen or replayed, so the whole family is revoked.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor, ActorKind
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.db import Database
from parley.core.errors import AuthenticationFailed
from parley.core.settings import Settings
from parley.identity.models import ApiKey, RefreshToken, User
from parley.identity.roles import scopes_for
from parley.identity.secrets import (
    decode_access_token,
    hash_secret,
    issue_access_token,
    new_secret,
    verify_password,
)

__all__ = ["AuthService", "TokenPair"]


@dataclass(frozen=True, slots=True)
class TokenPair:
    """What a login or refresh hands back."""

    access_token: str
    refresh_token: str
    expires_in: int
    user: User


def actor_for_user(user: User) -> Actor:
    """The principal of a logged-in staff member."""
    return Actor(
        kind=ActorKind.USER,
        id=user.id,
        tenant_id=user.tenant_id,
        scopes=scopes_for(user.role),
        role=user.role,
        label=user.email,
    )


class AuthService:
    """Authentication for the API; the clock is injectable so expiry is tested without sleeping."""

    def __init__(self, db: Database, settings: Settings, clock: Callable[[], datetime] = utcnow) -> None:
        self._db = db
        self._settings = settings
        self._clock = clock
        self._access_ttl = timedelta(minutes=settings.access_token_minutes)
        self._refresh_ttl = timedelta(days=settings.refresh_token_days)

    @property
    def _secret(self) -> str:
        return self._settings.jwt_secret.get_secret_value()

    async def login(self, email: str, password: str) -> TokenPair:
        """Check a password and start a new refresh-token family."""
        async with self._db.system_session() as session, session.begin():
            user = await session.scalar(select(User).where(User.email == email.strip().lower()))
            if not verify_password(user.password_hash if user else None, password) or user is None:
                raise AuthenticationFailed("the email or password is wrong")
            if not user.is_active:
                raise AuthenticationFailed("this account is disabled", code="AUTH_ACCOUNT_DISABLED")
            user.last_login_at = self._clock()
            pair = self._issue(session, user, family_id=uuid.uuid4())
            record_audit(
                session, actor_for_user(user), action="auth.login", entity_type="user", entity_id=user.id
            )
        return pair

    async def refresh(self, refresh_token: str) -> TokenPair:
        """Spend a refresh token for a new pair; a reused token revokes its whole family."""
        now = self._clock()
        async with self._db.system_session() as session, session.begin():
            stored = await session.scalar(
                select(RefreshToken)
                .where(RefreshToken.token_hash == hash_secret(refresh_token))
                .with_for_update()
            )
            if stored is None:
                raise AuthenticationFailed("the refresh token is not valid", code="AUTH_TOKEN_INVALID")
            if stored.revoked_at is not None and stored.used_at is None:
                raise AuthenticationFailed("this session was logged out", code="AUTH_TOKEN_REVOKED")
            reused = stored.used_at is not None
            if reused:
                await self._revoke_family(session, stored.family_id, now)
        if reused:
            raise AuthenticationFailed(
                "this refresh token was already used; every session of this login is now revoked",
                code="AUTH_TOKEN_REUSED",
            )
        if stored.expires_at <= now:
            raise AuthenticationFailed("the refresh token has expired", code="AUTH_TOKEN_EXPIRED")
        async with self._db.system_session() as session, session.begin():
            spent = await session.execute(
                update(RefreshToken)
                .where(RefreshToken.id == stored.id, RefreshToken.used_at.is_(None))
                .values(used_at=now)
            )
            if spent.rowcount != 1:
                await self._revoke_family(session, stored.family_id, now)
                raise AuthenticationFailed("this refresh token was already used", code="AUTH_TOKEN_REUSED")
            user = await session.get(User, stored.user_id)
            if user is None or not user.is_active:
                raise AuthenticationFailed("this account is disabled", code="AUTH_ACCOUNT_DISABLED")
            return self._issue(session, user, family_id=stored.family_id)

    async def logout(self, actor: Actor, *, refresh_token: str | None, everywhere: bool) -> None:
        """End one device's session (its refresh family) or every session, access tokens included."""
        now = self._clock()
        async with self._db.session(actor.tenant_id) as session, session.begin():
            if everywhere:
                await session.execute(
                    update(RefreshToken)
                    .where(RefreshToken.user_id == actor.id, RefreshToken.revoked_at.is_(None))
                    .values(revoked_at=now)
                )
                user = await session.get(User, actor.id)
                if user is not None:
                    user.token_version += 1
            elif refresh_token:
                stored = await session.scalar(
                    select(RefreshToken).where(
                        RefreshToken.token_hash == hash_secret(refresh_token),
                        RefreshToken.user_id == actor.id,
                    )
                )
                if stored is not None:
                    await self._revoke_family(session, stored.family_id, now)
            record_audit(
                session,
                actor,
                action="auth.logout_all" if everywhere else "auth.logout",
                entity_type="user",
                entity_id=actor.id,
            )

    async def authenticate_bearer(self, token: str) -> tuple[Actor, User]:
        """The actor behind an access token, refusing tokens of disabled or logged-out-everywhere users."""
        claims = decode_access_token(token, secret=self._secret, now=self._clock())
        try:
            user_id, tenant_id = uuid.UUID(claims["sub"]), uuid.UUID(claims["tid"])
        except ValueError as exc:
            raise AuthenticationFailed("the access token is not valid", code="AUTH_TOKEN_INVALID") from exc
        async with self._db.session(tenant_id) as session:
            user = await session.get(User, user_id)
        if user is None or not user.is_active:
            raise AuthenticationFailed("this account is disabled or gone", code="AUTH_ACCOUNT_DISABLED")
        if user.token_version != claims.get("ver"):
            raise AuthenticationFailed("this session was logged out", code="AUTH_TOKEN_REVOKED")
        return actor_for_user(user), user

    async def authenticate_api_key(self, key: str) -> Actor:
        """The actor behind an ``X-API-Key``; records its last use."""
        now = self._clock()
        async with self._db.system_session() as session, session.begin():
            api_key = await session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_secret(key)))
            if api_key is None or api_key.revoked_at is not None:
                raise AuthenticationFailed("the API key is not valid", code="AUTH_API_KEY_INVALID")
            if api_key.expires_at is not None and api_key.expires_at <= now:
                raise AuthenticationFailed("the API key has expired", code="AUTH_API_KEY_EXPIRED")
            api_key.last_used_at = now
            return Actor(
                kind=ActorKind.API_KEY,
                id=api_key.id,
                tenant_id=api_key.tenant_id,
                scopes=frozenset(api_key.scopes),
                label=f"api-key:{api_key.name}",
            )

    def _issue(self, session: AsyncSession, user: User, *, family_id: uuid.UUID) -> TokenPair:
        now = self._clock()
        refresh_token = new_secret("rt_")
        session.add(
            RefreshToken(
                tenant_id=user.tenant_id,
                user_id=user.id,
                family_id=family_id,
                token_hash=hash_secret(refresh_token),
                issued_at=now,
                expires_at=now + self._refresh_ttl,
            )
        )
        access_token = issue_access_token(
            secret=self._secret,
            user_id=user.id,
            tenant_id=user.tenant_id,
            role=user.role,
            version=user.token_version,
            now=now,
            ttl=self._access_ttl,
        )
        return TokenPair(access_token, refresh_token, int(self._access_ttl.total_seconds()), user)

    @staticmethod
    async def _revoke_family(session: AsyncSession, family_id: uuid.UUID, now: datetime) -> None:
        await session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
