"""State machines of documents: one table of legal moves each, and one refusal for every illegal one."""

from __future__ import annotations

from collections.abc import Mapping

from parley.core.errors import BusinessRuleViolated

__all__ = ["check_transition"]


def check_transition(kind: str, current: str, target: str, allowed: Mapping[str, frozenset[str]]) -> None:
    """Raise 409 ``BIZ_INVALID_TRANSITION`` (before anything changes) unless ``current -> target`` is legal."""
    if target not in allowed.get(current, frozenset()):
        raise BusinessRuleViolated(
            f"a {current} {kind} cannot become {target}",
            code="BIZ_INVALID_TRANSITION",
            details={"from": current, "to": target, "allowed": sorted(allowed.get(current, frozenset()))},
        )
