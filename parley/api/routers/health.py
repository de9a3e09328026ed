"""Liveness for load balancers and a component-by-component health report for operators."""

from __future__ import annotations

import time
from typing import Any

import httpx
from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from sqlalchemy import text

from parley import __version__
from parley.api.deps import RuntimeDep, require
from parley.api.envelope import ok
from parley.runtime import Runtime

router = APIRouter(tags=["health"])


@router.get("/health", summary="Liveness")
async def health() -> dict[str, Any]:
    """Answers as long as the process serves requests."""
    return {"status": "ok", "version": __version__}


async def _timed(name: str, probe: Any) -> dict[str, Any]:
    started = time.perf_counter()
    try:
        detail = await probe()
        status = "ok"
    except Exception as exc:
        detail, status = f"{type(exc).__name__}: {exc}", "error"
    return {
        "name": name,
        "status": status,
        "detail": detail,
        "ms": round((time.perf_counter() - started) * 1000, 2),
    }


async def component_health(runtime: Runtime) -> list[dict[str, Any]]:
    """Probe the database, Redis, Qdrant and the queue, each with its latency."""
    settings = runtime.settings

    async def database() -> str:
        async with runtime.db.engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return runtime.db.backend

    async def redis() -> str:
        if not settings.redis_url:
            return "not configured: in-process locks, queue and rate limits"
        if not await runtime.limiter.healthy():
            raise ConnectionError("Redis did not answer")
        return "redis"

    async def qdrant() -> str:
        if settings.qdrant_url:
            async with httpx.AsyncClient(timeout=3) as client:
                response = await client.get(settings.qdrant_url.rstrip("/") + "/readyz")
                response.raise_for_status()
            return "server"
        folder = settings.data_dir / "qdrant"
        folder.mkdir(parents=True, exist_ok=True)
        return f"embedded Qdrant Edge in {folder}"

    async def queue() -> str:
        if settings.redis_url:
            await redis()
            return "redis"
        return "in-process"

    return [
        await _timed("database", database),
        await _timed("redis", redis),
        await _timed("qdrant", qdrant),
        await _timed("queue", queue),
    ]


@router.get(
    "/api/v1/admin/health", summary="Component health", dependencies=[Depends(require("admin:settings"))]
)
async def admin_health(runtime: RuntimeDep) -> Any:
    """503 when any component is down, so monitors can alert on the status alone."""
    components = await component_health(runtime)
    healthy = all(component["status"] == "ok" for component in components)
    body = ok({"status": "ok" if healthy else "degraded", "version": __version__, "components": components})
    return body if healthy else JSONResponse(body, status_code=503)
