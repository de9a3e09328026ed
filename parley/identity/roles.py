"""Roles and the scopes each grants, after the Cerniq API's permission scopes, extended per module.

One table here is the single source: the API's 403s, the agent's principal and the docs all read it.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = ["AGENT_SCOPES", "ALL_SCOPES", "ROLE_SCOPES", "Role", "scopes_for"]


class Role(StrEnum):
    """A staff member's role in their business."""

    ADMIN = "admin"
    SALES_MANAGER = "sales_manager"
    SALES_REP = "sales_rep"
    VIEWER = "viewer"


_AREAS = (
    "products",
    "customers",
    "stock",
    "pricing",
    "negotiations",
    "orders",
    "documents",
    "payments",
    "knowledge",
    "conversations",
    "channels",
    "ai",
    "analytics",
)
ALL_SCOPES: frozenset[str] = frozenset(
    {f"{area}:{verb}" for area in _AREAS for verb in ("read", "write")}
    | {"stock:reserve", "negotiations:approve", "documents:send", "orders:cancel", "payments:refund"}
    | {"hitl:read", "hitl:approve", "hitl:reject", "hitl:escalate"}
    | {"admin:users", "admin:audit", "admin:api_keys", "admin:settings"}
)

_READ = frozenset(scope for scope in ALL_SCOPES if scope.endswith(":read"))

ROLE_SCOPES: dict[Role, frozenset[str]] = {
    Role.ADMIN: frozenset({"*"}),
    Role.SALES_MANAGER: frozenset(scope for scope in ALL_SCOPES if not scope.startswith("admin:")),
    Role.SALES_REP: _READ
    | {
        "customers:write",
        "stock:reserve",
        "negotiations:write",
        "orders:write",
        "documents:write",
        "documents:send",
        "conversations:write",
        "hitl:approve",
        "hitl:reject",
        "hitl:escalate",
    },
    Role.VIEWER: _READ,
}

AGENT_SCOPES: frozenset[str] = frozenset(
    {
        "products:read",
        "customers:read",
        "stock:read",
        "stock:reserve",
        "pricing:read",
        "knowledge:read",
        "negotiations:write",
        "negotiations:read",
        "orders:read",
        "orders:write",
        "orders:cancel",
        "documents:read",
        "documents:write",
        "payments:read",
        "conversations:read",
        "conversations:write",
        "hitl:escalate",
    }
)


def scopes_for(role: Role | str) -> frozenset[str]:
    """The scopes a role grants."""
    return ROLE_SCOPES[Role(role)]
