from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from parley.core.types import ExactDecimal, UTCDateTime


@given(st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=4, allow_nan=False))
def test_money_survives_a_round_trip_exactly(value: Decimal) -> None:
    column = ExactDecimal()
    stored = column.process_bind_param(value, None)  # type: ignore[arg-type]
    assert column.process_result_value(stored, None) == value  # type: ignore[arg-type]


def test_money_with_more_than_four_places_is_refused_not_rounded() -> None:
    with pytest.raises(ValueError, match="decimal places"):
        ExactDecimal().process_bind_param(Decimal("0.00001"), None)  # type: ignore[arg-type]


def test_a_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        UTCDateTime().process_bind_param(datetime(2026, 1, 1), None)  # type: ignore[arg-type]


def test_datetimes_come_back_aware_in_utc() -> None:
    column = UTCDateTime()
    stored = column.process_bind_param(datetime(2026, 1, 1, 12, tzinfo=UTC), None)  # type: ignore[arg-type]
    assert column.process_result_value(stored, None) == datetime(2026, 1, 1, 12, tzinfo=UTC)  # type: ignore[arg-type]
