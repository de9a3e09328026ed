"""The one place where errors become HTTP: domain errors, validation errors and anything unexpected.

A client always gets the error envelope with a code; an unexpected exception is logged with its request id
and answered 500 SYS_INTERNAL_ERROR without a stack trace.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from parley.core import context
from parley.core.errors import ParleyError, RateLimited
from parley.core.jsonsafe import to_jsonable

__all__ = ["error_response", "install_error_handlers", "unexpected_error_response"]

_log = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "VAL_BAD_REQUEST",
    401: "AUTH_REQUIRED",
    403: "AUTHZ_FORBIDDEN",
    404: "RES_NOT_FOUND",
    405: "VAL_METHOD_NOT_ALLOWED",
    409: "RES_CONFLICT",
    413: "VAL_PAYLOAD_TOO_LARGE",
    415: "VAL_UNSUPPORTED_MEDIA_TYPE",
    422: "VAL_INVALID",
    429: "RATE_LIMIT_EXCEEDED",
}


def error_response(
    status: int,
    code: str,
    message: str,
    *,
    details: dict[str, Any] | None = None,
    field: str | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """The error envelope as a response."""
    body = {
        "success": False,
        "error": {
            "code": code,
            "message": message,
            "details": to_jsonable(details or {}),
            "field": field,
            "request_id": context.request_id.get(),
        },
    }
    return JSONResponse(body, status_code=status, headers=headers)


def _field_of(location: tuple[Any, ...]) -> str | None:
    parts = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(parts) or None


async def _on_parley_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ParleyError)
    headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, RateLimited) else None
    return error_response(
        exc.status_code, exc.code, exc.message, details=exc.details, field=exc.field, headers=headers
    )


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = list(exc.errors())
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_response(400, "VAL_MALFORMED_JSON", "the request body is not valid JSON")
    problems = [
        {
            "field": _field_of(tuple(error.get("loc", ()))),
            "message": error.get("msg", ""),
            "type": error.get("type"),
        }
        for error in errors
    ]
    first = problems[0] if problems else {"field": None, "message": "invalid request"}
    code = "VAL_UNKNOWN_FIELD" if first.get("type") == "extra_forbidden" else "VAL_INVALID"
    return error_response(
        422,
        code,
        f"{first['field'] or 'request'}: {first['message']}",
        details={"errors": problems},
        field=first["field"],
    )


async def _on_http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _HTTP_CODES.get(exc.status_code, "SYS_ERROR" if exc.status_code >= 500 else "VAL_BAD_REQUEST")
    message = exc.detail if isinstance(exc.detail, str) else "request failed"
    if exc.status_code == 404 and message == "Not Found":
        message = "no such route"
    return error_response(exc.status_code, code, message, headers=getattr(exc, "headers", None))


def unexpected_error_response(exc: Exception) -> JSONResponse:
    """Log an unexpected exception with its request id and answer 500 without a stack trace."""
    _log.error("unexpected error in request %s", context.request_id.get(), exc_info=exc)
    return error_response(500, "SYS_INTERNAL_ERROR", "something went wrong on our side; it has been logged")


def install_error_handlers(app: FastAPI) -> None:
    """Register every handler on the app."""
    app.add_exception_handler(ParleyError, _on_parley_error)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_error)
