"""Staff user administration and API keys: the admin's side of identity."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field, field_validator
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.clock import utcnow
from parley.core.errors import Conflict, NotFound, PermissionDenied, ValidationFailed
from parley.identity.models import ApiKey, User
from parley.identity.roles import ALL_SCOPES, Role
from parley.identity.secrets import hash_password, hash_secret, new_secret

__all__ = [
    "ApiKeyCreate",
    "UserCreate",
    "UserUpdate",
    "create_api_key",
    "create_user",
    "delete_user",
    "get_user",
    "list_api_keys",
    "revoke_api_key",
    "update_user",
    "user_snapshot",
]


class UserCreate(BaseModel):
    """A new staff member."""

    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    full_name: str = Field("", max_length=255)
    password: str = Field(min_length=10, max_length=256)
    role: Role


class UserUpdate(BaseModel):
    """Changes to a staff member; omitted fields stay as they are."""

    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(None, max_length=255)
    password: str | None = Field(None, min_length=10, max_length=256)
    role: Role | None = None
    is_active: bool | None = None


class ApiKeyCreate(BaseModel):
    """A new integration key: its name, its scopes (no more than the creator holds) and an optional expiry."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=255)
    scopes: list[str] = Field(min_length=1)
    environment: Literal["live", "test"] = "live"
    expires_at: datetime | None = None

    @field_validator("scopes")
    @classmethod
    def _known_scopes(cls, scopes: list[str]) -> list[str]:
        unknown = sorted(set(scopes) - ALL_SCOPES)
        if unknown:
            raise ValueError(f"unknown scopes: {', '.join(unknown)}")
        return sorted(set(scopes))


def user_snapshot(user: User) -> dict[str, object]:
    """The public face of a user, also what the audit log keeps (never the password hash)."""
    return {
        "id": user.id,
        "email": user.email,
        "full_name": user.full_name,
        "role": user.role,
        "is_active": user.is_active,
        "created_at": user.created_at,
        "last_login_at": user.last_login_at,
    }


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> User:
    """A user of the session's tenant, or NotFound."""
    user = await session.get(User, user_id)
    if user is None:
        raise NotFound("no user with this id", details={"id": str(user_id)})
    return user


async def create_user(session: AsyncSession, actor: Actor, *, data: UserCreate) -> User:
    """Add a staff member to the actor's tenant."""
    actor.require("admin:users")
    email = data.email.strip().lower()
    if await session.scalar(select(func.count()).select_from(User).where(User.email == email)):
        raise Conflict("a user with this email exists", code="RES_ALREADY_EXISTS", field="email")
    user = User(
        email=email, full_name=data.full_name, password_hash=hash_password(data.password), role=data.role
    )
    session.add(user)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("a user with this email exists", code="RES_ALREADY_EXISTS", field="email") from exc
    record_audit(
        session, actor, action="user.create", entity_type="user", entity_id=user.id, after=user_snapshot(user)
    )
    return user


async def update_user(session: AsyncSession, actor: Actor, user_id: uuid.UUID, *, data: UserUpdate) -> User:
    """Change a staff member; changing a password or disabling logs them out everywhere."""
    actor.require("admin:users")
    user = await get_user(session, user_id)
    before = user_snapshot(user)
    if data.full_name is not None:
        user.full_name = data.full_name
    if data.role is not None:
        if user.id == actor.id and data.role != Role.ADMIN:
            raise ValidationFailed("you cannot take the admin role from yourself", field="role")
        user.role = data.role
    if data.is_active is not None:
        if user.id == actor.id and not data.is_active:
            raise ValidationFailed("you cannot disable your own account", field="is_active")
        user.is_active = data.is_active
    if data.password is not None or data.is_active is False:
        if data.password is not None:
            user.password_hash = hash_password(data.password)
        user.token_version += 1
    await session.flush()
    record_audit(
        session,
        actor,
        action="user.update",
        entity_type="user",
        entity_id=user.id,
        before=before,
        after=user_snapshot(user),
    )
    return user


async def delete_user(session: AsyncSession, actor: Actor, user_id: uuid.UUID) -> None:
    """Remove a staff member (their audit entries stay)."""
    actor.require("admin:users")
    user = await get_user(session, user_id)
    if user.id == actor.id:
        raise ValidationFailed("you cannot delete your own account")
    before = user_snapshot(user)
    await session.delete(user)
    record_audit(session, actor, action="user.delete", entity_type="user", entity_id=user_id, before=before)


async def create_api_key(session: AsyncSession, actor: Actor, *, data: ApiKeyCreate) -> tuple[ApiKey, str]:
    """Create a key and return it with its secret, which is never shown again."""
    actor.require("admin:api_keys")
    beyond = [scope for scope in data.scopes if not actor.can(scope)]
    if beyond:
        raise PermissionDenied("a key cannot hold scopes its creator lacks", details={"scopes": beyond})
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise ValidationFailed("the expiry must be in the future", field="expires_at")
    secret = new_secret(f"sk_{data.environment}_")
    api_key = ApiKey(
        name=data.name,
        prefix=secret[:12],
        key_hash=hash_secret(secret),
        scopes=data.scopes,
        created_by=actor.id if actor.kind.value == "user" else None,
        expires_at=data.expires_at,
    )
    session.add(api_key)
    await session.flush()
    record_audit(
        session,
        actor,
        action="api_key.create",
        entity_type="api_key",
        entity_id=api_key.id,
        after={"name": api_key.name, "prefix": api_key.prefix, "scopes": api_key.scopes},
    )
    return api_key, secret


async def list_api_keys(session: AsyncSession, actor: Actor) -> list[ApiKey]:
    """The tenant's keys, newest first (without secrets)."""
    actor.require("admin:api_keys")
    return list(await session.scalars(select(ApiKey).order_by(ApiKey.created_at.desc())))


async def revoke_api_key(session: AsyncSession, actor: Actor, key_id: uuid.UUID) -> ApiKey:
    """Revoke a key at once; requests with it fail from now on."""
    actor.require("admin:api_keys")
    api_key = await session.get(ApiKey, key_id)
    if api_key is None:
        raise NotFound("no API key with this id")
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        record_audit(session, actor, action="api_key.revoke", entity_type="api_key", entity_id=api_key.id)
    return api_key
