"""Domain errors: services raise these, and the API and tool adapters map them once.

Codes follow the families of the API conventions (AUTH_*, AUTHZ_*, VAL_*, RES_*, BIZ_*, RATE_LIMIT_EXCEEDED,
SYS_*); the HTTP status lives here so the mapping has one source.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "AuthenticationFailed",
    "BusinessRuleViolated",
    "Conflict",
    "NotFound",
    "ParleyError",
    "PermissionDenied",
    "RateLimited",
    "ValidationFailed",
]


class ParleyError(Exception):
    """Base of every error a caller may see; carries a stable code, a status and safe details."""

    status_code = 500
    default_code = "SYS_INTERNAL_ERROR"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: dict[str, Any] | None = None,
        field: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details or {}
        self.field = field


class AuthenticationFailed(ParleyError):
    """The caller is not who they claim, or the credential has expired."""

    status_code = 401
    default_code = "AUTH_INVALID_CREDENTIALS"


class PermissionDenied(ParleyError):
    """The caller is known but lacks the scope for this operation."""

    status_code = 403
    default_code = "AUTHZ_INSUFFICIENT_SCOPE"


class NotFound(ParleyError):
    """The record does not exist for this tenant (other tenants' records look the same)."""

    status_code = 404
    default_code = "RES_NOT_FOUND"


class Conflict(ParleyError):
    """The record exists already or changed underneath the caller."""

    status_code = 409
    default_code = "RES_CONFLICT"


class BusinessRuleViolated(ParleyError):
    """The request is well formed but a business rule forbids it (for example an illegal state transition)."""

    status_code = 409
    default_code = "BIZ_RULE_VIOLATED"


class ValidationFailed(ParleyError):
    """Input that passed the schema but not a semantic check."""

    status_code = 422
    default_code = "VAL_INVALID"


class RateLimited(ParleyError):
    """Too many requests; ``retry_after`` seconds until the window frees up."""

    status_code = 429
    default_code = "RATE_LIMIT_EXCEEDED"

    def __init__(self, message: str, *, retry_after: int, **kwargs: Any) -> None:
        super().__init__(message, **kwargs)
        self.retry_after = retry_after
