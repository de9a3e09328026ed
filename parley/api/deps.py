"""FastAPI dependencies, so a route's signature says what it needs: ``actor: CurrentActor, db: SessionDep``."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.ext.asyncio import AsyncSession

from parley.core.actor import Actor
from parley.core.errors import AuthenticationFailed
from parley.runtime import Runtime

if TYPE_CHECKING:
    from parley.agent.service import AgentService
    from parley.channels.worker import ChannelWorker

__all__ = [
    "AgentDep",
    "ChannelsDep",
    "CurrentActor",
    "RuntimeDep",
    "SessionDep",
    "require",
    "required_scopes",
]

_bearer = HTTPBearer(auto_error=False, description="An access token from /api/v1/auth/login.")
_api_key = APIKeyHeader(
    name="X-API-Key", auto_error=False, description="An API key (sk_live_… or sk_test_…)."
)


def get_runtime(request: Request) -> Runtime:
    """The process's runtime, set up by the app's lifespan."""
    return request.app.state.runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_agent(request: Request) -> AgentService:
    """The process's agent service (graph, checkpointer, locks), set up by ``create_app``."""
    return request.app.state.agent


AgentDep = Annotated["AgentService", Depends(get_agent)]


def get_channels(request: Request) -> ChannelWorker:
    """The process's channel worker (pipeline and outbox), built by ``create_app``."""
    return request.app.state.channels


ChannelsDep = Annotated["ChannelWorker", Depends(get_channels)]


async def get_actor(
    request: Request,
    runtime: RuntimeDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    api_key: Annotated[str | None, Depends(_api_key)],
) -> Actor:
    """The caller, from a bearer token or an API key; 401 when neither is valid."""
    if bearer is not None:
        actor, _user = await runtime.auth.authenticate_bearer(bearer.credentials)
    elif api_key:
        actor = await runtime.auth.authenticate_api_key(api_key)
    else:
        raise AuthenticationFailed("sign in first: send a bearer token or an X-API-Key", code="AUTH_REQUIRED")
    request.state.actor = actor
    return actor


CurrentActor = Annotated[Actor, Depends(get_actor)]


async def get_session(runtime: RuntimeDep, actor: CurrentActor) -> AsyncIterator[AsyncSession]:
    """A tenant session in a transaction that commits when the route returns, before the response is sent."""
    async with runtime.db.transaction(actor.tenant_id) as session:
        yield session


SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]


def require(*scopes: str) -> Callable[[Actor], Actor]:
    """A dependency that lets the route run only for actors holding every scope (403 otherwise)."""

    def check(actor: CurrentActor) -> Actor:
        actor.require(*scopes)
        return actor

    check.required_scopes = scopes  # type: ignore[attr-defined]
    return check


def required_scopes(dependant: Dependant) -> tuple[str, ...]:
    """The scopes a route's dependencies demand, so tests and docs can list them without calling it."""
    found: list[str] = list(getattr(dependant.call, "required_scopes", ()))
    for sub in dependant.dependencies:
        found.extend(required_scopes(sub))
    return tuple(dict.fromkeys(found))
