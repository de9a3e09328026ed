"""Per-request facts (request id, client address) that audit entries need without threading them through."""

from __future__ import annotations

from contextvars import ContextVar

__all__ = ["client_ip", "request_id"]

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)
client_ip: ContextVar[str | None] = ContextVar("client_ip", default=None)
