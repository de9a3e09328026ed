"""ASGI middleware: request ids, body size limits and rate limits, written as plain ASGI for streaming safety."""

from __future__ import annotations

import json
import uuid
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from parley.api.errors import unexpected_error_response
from parley.core import context
from parley.core.ratelimit import RateLimiter

__all__ = ["BodySizeLimit", "RateLimit", "RequestContext"]

_SAFE_ID = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


async def _send_error(send: Send, status: int, code: str, message: str, headers: dict[str, str]) -> None:
    body = json.dumps(
        {
            "success": False,
            "error": {
                "code": code,
                "message": message,
                "details": {},
                "field": None,
                "request_id": context.request_id.get(),
            },
        }
    ).encode()
    raw_headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    raw_headers += [(key.lower().encode(), value.encode()) for key, value in headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": body})


class RequestContext:
    """Takes ``X-Request-ID`` from the client (when it is sane) or makes one, and returns it on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Set the request's context variables for audit entries and the envelope."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = _header(scope, b"x-request-id")
        request_id = given if given and len(given) <= 64 and set(given) <= _SAFE_ID else uuid.uuid4().hex
        client = scope.get("client")
        id_token = context.request_id.set(request_id)
        ip_token = context.client_ip.set(client[0] if client else None)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_id(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            if started:
                raise
            await unexpected_error_response(exc)(scope, receive, send_with_id)
        finally:
            context.request_id.reset(id_token)
            context.client_ip.reset(ip_token)


class BodySizeLimit:
    """Refuses bodies over the limit with 413, by Content-Length up front and by counting while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Check the declared length, then count what actually arrives."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _header(scope, b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await _send_error(send, 413, "VAL_PAYLOAD_TOO_LARGE", self._message(), {})
            return
        received = 0
        too_large = False
        replaced = False

        async def counting_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise _TooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal replaced
            if not too_large:
                await send(message)
            elif message["type"] == "http.response.start" and not replaced:
                replaced = True
                await _send_error(send, 413, "VAL_PAYLOAD_TOO_LARGE", self._message(), {})

        try:
            await self.app(scope, counting_receive, guarded_send)
        except _TooLarge:
            if not replaced:
                await _send_error(send, 413, "VAL_PAYLOAD_TOO_LARGE", self._message(), {})

    def _message(self) -> str:
        return f"the request body is larger than {self.max_bytes} bytes"


class _TooLarge(Exception):
    pass


class RateLimit:
    """Limits every API request per client, with a stricter limit on login; answers 429 with ``Retry-After``."""

    def __init__(self, app: ASGIApp, *, limiter: RateLimiter, default: str, login: str) -> None:
        self.app = app
        self.limiter = limiter
        self.default = default
        self.login = login

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Count the hit, then add the headers to the response or refuse."""
        path: str = scope.get("path", "")
        if scope["type"] != "http" or not path.startswith("/api/"):
            await self.app(scope, receive, send)
            return
        client = _client_key(scope)
        if path == "/api/v1/auth/login" and scope.get("method") == "POST":
            decision = await self.limiter.hit(self.login, "login", client)
        else:
            decision = await self.limiter.hit(self.default, "api", client)
        headers = decision.headers()
        if not decision.allowed:
            await _send_error(send, 429, "RATE_LIMIT_EXCEEDED", "too many requests; slow down", headers)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [(key.lower().encode(), value.encode()) for key, value in headers.items()]
                message["headers"] = [*message.get("headers", []), *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _client_key(scope: Scope) -> str:
    credential = _header(scope, b"x-api-key") or _header(scope, b"authorization")
    if credential:
        return "cred:" + uuid.uuid5(uuid.NAMESPACE_OID, credential).hex
    client: Any = scope.get("client")
    return "ip:" + (client[0] if client else "unknown")
