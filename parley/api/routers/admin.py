"""Administration: staff users, API keys and the audit log."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import or_, select

from parley.api.deps import SessionDep, require
from parley.api.envelope import ok
from parley.api.listing import cursor_params, list_params
from parley.core.actor import Actor
from parley.core.audit import AuditEntry
from parley.core.jsonsafe import to_jsonable
from parley.core.listing import CursorParams, ListParams, apply_sort, paginate, paginate_cursor, sparse
from parley.identity.models import ApiKey, User
from parley.identity.roles import Role
from parley.identity.users import (
    ApiKeyCreate,
    UserCreate,
    UserUpdate,
    create_api_key,
    create_user,
    delete_user,
    get_user,
    list_api_keys,
    revoke_api_key,
    update_user,
    user_snapshot,
)

router = APIRouter(prefix="/api/v1/admin", tags=["admin"])

UsersAdmin = Annotated[Actor, Depends(require("admin:users"))]
KeysAdmin = Annotated[Actor, Depends(require("admin:api_keys"))]
AuditReader = Annotated[Actor, Depends(require("admin:audit"))]

_USER_SORT = {"created_at": User.created_at, "email": User.email, "role": User.role}


@router.get("/users", summary="List staff users")
async def list_users(
    actor: UsersAdmin,
    session: SessionDep,
    params: Annotated[ListParams, Depends(list_params)],
    role: Role | None = None,
    is_active: bool | None = None,
) -> dict[str, Any]:
    """Filter by role and status, search by email or name."""
    statement = select(User)
    if role is not None:
        statement = statement.where(User.role == role)
    if is_active is not None:
        statement = statement.where(User.is_active == is_active)
    if params.search:
        pattern = f"%{params.search.lower()}%"
        statement = statement.where(or_(User.email.like(pattern), User.full_name.ilike(pattern)))
    statement = apply_sort(statement, params.sort, _USER_SORT, default="email")
    users, info = await paginate(session, statement, params)
    items = [sparse(to_jsonable(user_snapshot(user)), params.fields) for user in users]
    return ok(items, pagination=info)


@router.post("/users", status_code=201, summary="Create a staff user")
async def post_user(body: UserCreate, actor: UsersAdmin, session: SessionDep) -> dict[str, Any]:
    """The new user can log in at once with the given password."""
    return ok(to_jsonable(user_snapshot(await create_user(session, actor, data=body))))


@router.get("/users/{user_id}", summary="Get a staff user")
async def read_user(user_id: uuid.UUID, actor: UsersAdmin, session: SessionDep) -> dict[str, Any]:
    """One user of this business."""
    return ok(to_jsonable(user_snapshot(await get_user(session, user_id))))


@router.patch("/users/{user_id}", summary="Change a staff user")
async def patch_user(
    user_id: uuid.UUID, body: UserUpdate, actor: UsersAdmin, session: SessionDep
) -> dict[str, Any]:
    """Changing the password or disabling the user ends all their sessions."""
    return ok(to_jsonable(user_snapshot(await update_user(session, actor, user_id, data=body))))


@router.delete("/users/{user_id}", summary="Delete a staff user")
async def remove_user(user_id: uuid.UUID, actor: UsersAdmin, session: SessionDep) -> dict[str, Any]:
    """The audit log keeps what the user did."""
    await delete_user(session, actor, user_id)
    return ok({"id": str(user_id), "deleted": True})


def _key_view(api_key: ApiKey) -> dict[str, Any]:
    return to_jsonable(
        {
            "id": api_key.id,
            "name": api_key.name,
            "prefix": api_key.prefix,
            "scopes": api_key.scopes,
            "created_at": api_key.created_at,
            "expires_at": api_key.expires_at,
            "last_used_at": api_key.last_used_at,
            "revoked_at": api_key.revoked_at,
        }
    )


@router.get("/api-keys", summary="List API keys")
async def get_api_keys(actor: KeysAdmin, session: SessionDep) -> dict[str, Any]:
    """Keys with their prefixes and last use; secrets are never shown again."""
    return ok([_key_view(api_key) for api_key in await list_api_keys(session, actor)])


@router.post("/api-keys", status_code=201, summary="Create an API key")
async def post_api_key(body: ApiKeyCreate, actor: KeysAdmin, session: SessionDep) -> dict[str, Any]:
    """The response holds the secret key once; store it now."""
    api_key, secret = await create_api_key(session, actor, data=body)
    return ok(_key_view(api_key) | {"key": secret})


@router.delete("/api-keys/{key_id}", summary="Revoke an API key")
async def delete_api_key(key_id: uuid.UUID, actor: KeysAdmin, session: SessionDep) -> dict[str, Any]:
    """Requests with this key fail from now on."""
    return ok(_key_view(await revoke_api_key(session, actor, key_id)))


def _audit_view(entry: AuditEntry) -> dict[str, Any]:
    return to_jsonable(
        {
            "id": entry.id,
            "actor": {"kind": entry.actor_kind, "id": entry.actor_id, "label": entry.actor_label},
            "action": entry.action,
            "entity_type": entry.entity_type,
            "entity_id": entry.entity_id,
            "before": entry.before,
            "after": entry.after,
            "request_id": entry.request_id,
            "ip": entry.ip,
            "created_at": entry.created_at,
        }
    )


@router.get("/audit", summary="Read the audit log")
async def read_audit(
    actor: AuditReader,
    session: SessionDep,
    page: Annotated[CursorParams, Depends(cursor_params)],
    actor_id: uuid.UUID | None = None,
    actor_kind: Annotated[str | None, Query(max_length=16)] = None,
    action: Annotated[str | None, Query(max_length=64)] = None,
    entity_type: Annotated[str | None, Query(max_length=64)] = None,
    entity_id: Annotated[str | None, Query(max_length=64)] = None,
    request_id: Annotated[str | None, Query(max_length=64)] = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> dict[str, Any]:
    """Every write, newest first, filterable by who, what and when; cursor-paginated."""
    statement = select(AuditEntry)
    for column, value in (
        (AuditEntry.actor_id, actor_id),
        (AuditEntry.actor_kind, actor_kind),
        (AuditEntry.action, action),
        (AuditEntry.entity_type, entity_type),
        (AuditEntry.entity_id, entity_id),
        (AuditEntry.request_id, request_id),
    ):
        if value is not None:
            statement = statement.where(column == value)
    if since is not None:
        statement = statement.where(AuditEntry.created_at >= since)
    if until is not None:
        statement = statement.where(AuditEntry.created_at < until)
    entries, info = await paginate_cursor(
        session, statement, page, created_at=AuditEntry.created_at, row_id=AuditEntry.id
    )
    return ok([_audit_view(entry) for entry in entries], pagination=info)
