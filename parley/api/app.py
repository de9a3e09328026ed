"""The FastAPI application: ``create_app(settings)`` wires middleware, error handlers and routers."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress

from fastapi import APIRouter, FastAPI
from fastapi.routing import APIRoute

from parley import __version__
from parley.agent.service import AgentService
from parley.api.access_log import redact_access_log
from parley.api.errors import install_error_handlers
from parley.api.middleware import BodySizeLimit, RateLimit, RequestContext
from parley.api.routers import (
    admin,
    assistant,
    auth,
    business,
    conversations,
    guardrails,
    health,
    hitl,
    knowledge,
    webchat,
    webhooks,
)
from parley.api.routers import channels as channel_routes
from parley.channels.worker import ChannelWorker
from parley.core.settings import Settings
from parley.jobs import run_periodically
from parley.runtime import Runtime

__all__ = ["ROUTERS", "api_routes", "create_app"]

ROUTERS: tuple[APIRouter, ...] = (
    webhooks.router,  # first: routes are matched in order, and provider webhooks are the hot path
    health.router,
    auth.router,
    admin.router,
    business.router,
    knowledge.router,
    conversations.router,
    assistant.router,
    guardrails.router,
    webchat.router,
    channel_routes.router,
    hitl.router,
)


def api_routes() -> list[APIRoute]:
    """Every API route, for tests and tools that walk the API (permissions, isolation, docs)."""
    return [route for router in ROUTERS for route in router.routes if isinstance(route, APIRoute)]


_DESCRIPTION = """Parley's REST API. Every response is an envelope:
`{success: true, data, meta: {request_id, timestamp}}` or `{success: false, error: {code, message, details, field,
request_id}}`. Authenticate with `Authorization: Bearer <access token>` from `/api/v1/auth/login`, or with
`X-API-Key`."""


def create_app(
    settings: Settings | None = None, *, runtime: Runtime | None = None, agent: AgentService | None = None
) -> FastAPI:
    """Build the API for these settings (or an existing runtime and agent, as tests do)."""
    settings = runtime.settings if runtime is not None else settings or Settings()
    logging.basicConfig(level=settings.log_level)
    owned = runtime is None
    the_runtime = runtime or Runtime.build(settings)
    the_agent = agent or AgentService(the_runtime)
    channels = ChannelWorker(the_agent)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        redact_access_log()
        warming = asyncio.create_task(the_agent.warm_up()) if agent is None else None
        indexing = asyncio.create_task(the_runtime.knowledge.keep_fresh(settings.knowledge_sync_s))
        interval = settings.scheduled_jobs_interval
        jobs = (
            asyncio.create_task(
                run_periodically(the_runtime.db, interval_s=interval, clock=the_runtime.clock)
            )
            if interval
            else None
        )
        channels.start()
        yield
        await channels.aclose()
        if jobs is not None:
            jobs.cancel()
            with suppress(asyncio.CancelledError):
                await jobs
        indexing.cancel()
        with suppress(asyncio.CancelledError):
            await indexing
        the_runtime.knowledge.stop_listening()
        if warming is not None and not warming.done():
            warming.cancel()
        if agent is None:
            await the_agent.aclose()
        if owned:
            await the_runtime.close()

    app = FastAPI(
        title="Parley",
        version=__version__,
        description=_DESCRIPTION,
        lifespan=lifespan,
        openapi_url="/openapi.json",
        docs_url="/docs",
    )
    app.state.runtime = the_runtime
    app.state.agent = the_agent
    app.state.channels = channels
    install_error_handlers(app)
    for router in ROUTERS:
        app.include_router(router)
    app.include_router(webchat.pages)
    app.add_middleware(
        RateLimit,
        limiter=the_runtime.limiter,
        default=settings.rate_limit_default,
        login=settings.rate_limit_login,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    app.add_middleware(RequestContext)
    return app
