"""Login, token refresh, logout and the current user."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from parley.api.deps import CurrentActor, RuntimeDep, SessionDep
from parley.api.envelope import Envelope, ok
from parley.identity.roles import scopes_for
from parley.identity.sessions import TokenPair
from parley.identity.users import get_user, user_snapshot

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])


class LoginRequest(BaseModel):
    """Email and password of a staff member."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=3, max_length=320)
    password: str = Field(min_length=1, max_length=256)


class RefreshRequest(BaseModel):
    """The refresh token from the last login or refresh; it can be spent once."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str = Field(min_length=8, max_length=256)


class LogoutRequest(BaseModel):
    """Log out this device (its refresh token) or every device."""

    model_config = ConfigDict(extra="forbid")

    refresh_token: str | None = Field(None, max_length=256)
    all_devices: bool = False


class TokenResponse(BaseModel):
    """A new access token and the refresh token to spend next time."""

    access_token: str
    refresh_token: str
    token_type: str = "bearer"
    expires_in: int
    user: dict[str, Any]


def _tokens(pair: TokenPair) -> dict[str, Any]:
    return TokenResponse(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
        user=user_snapshot(pair.user),
    ).model_dump(mode="json")


@router.post("/login", response_model=Envelope[TokenResponse], summary="Log in with email and password")
async def login(body: LoginRequest, runtime: RuntimeDep) -> dict[str, Any]:
    """Start a session; the refresh token rotates on each use."""
    return ok(_tokens(await runtime.auth.login(body.email, body.password)))


@router.post(
    "/refresh", response_model=Envelope[TokenResponse], summary="Swap a refresh token for new tokens"
)
async def refresh(body: RefreshRequest, runtime: RuntimeDep) -> dict[str, Any]:
    """Reusing a spent refresh token revokes every token of that login."""
    return ok(_tokens(await runtime.auth.refresh(body.refresh_token)))


@router.post("/logout", summary="Log out of this device or all devices")
async def logout(body: LogoutRequest, actor: CurrentActor, runtime: RuntimeDep) -> dict[str, Any]:
    """Revoke the session(s); with ``all_devices`` access tokens already issued stop working too."""
    await runtime.auth.logout(actor, refresh_token=body.refresh_token, everywhere=body.all_devices)
    return ok({"logged_out": True, "all_devices": body.all_devices})


@router.get("/me", summary="Who am I")
async def me(actor: CurrentActor, session: SessionDep) -> dict[str, Any]:
    """The current principal with its role and scopes."""
    data: dict[str, Any] = {
        "kind": actor.kind.value,
        "tenant_id": str(actor.tenant_id),
        "scopes": sorted(actor.scopes),
    }
    if actor.kind.value == "user" and actor.id is not None:
        user = await get_user(session, actor.id)
        data |= user_snapshot(user) | {"scopes": sorted(scopes_for(user.role))}
    else:
        data |= {"id": str(actor.id) if actor.id else None, "label": actor.label}
    return ok(data)
