"""Column types that behave the same on SQLite and PostgreSQL.

SQLite has no time zones and no exact decimals, and a behaviour that differs between backends is a bug, so
datetimes are stored as naive UTC and returned aware, and money is stored as a scaled integer.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, Dialect
from sqlalchemy.types import TypeDecorator

__all__ = ["DECIMAL_SCALE", "ExactDecimal", "UTCDateTime"]

DECIMAL_SCALE = 4


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every backend; naive input is refused rather than guessed."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Store as naive UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """Read back as aware UTC."""
        return None if value is None else value.replace(tzinfo=UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """A Decimal with four places, stored as an integer of ten-thousandths (exact, sortable, summable)."""

    impl = BigInteger
    cache_ok = True
    _factor = Decimal(10) ** DECIMAL_SCALE

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        """Scale to an integer; more than four places is an error, not a silent rounding."""
        if value is None:
            return None
        scaled = Decimal(value) * self._factor
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{value} has more than {DECIMAL_SCALE} decimal places")
        return int(scaled)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        """Unscale to a Decimal with exactly four places."""
        if value is None:
            return None
        return (Decimal(int(value)) / self._factor).quantize(Decimal(1).scaleb(-DECIMAL_SCALE))
