"""Money arithmetic shared by pricing, quotations, orders and invoices.

Rounding policy (one place, so every document agrees):

- amounts are :class:`~decimal.Decimal` with an explicit currency (the tenant's, EUR by default);
- unit prices keep four places (``ROUND_HALF_UP``), the precision of the money columns;
- a line's net is ``unit net price x quantity`` rounded ``ROUND_HALF_UP`` to cents, once per line;
- VAT is computed per line on the rounded line net and rounded ``ROUND_HALF_UP`` to cents;
- totals (net, VAT, gross) and the VAT breakdown are plain sums of those rounded lines, so no cent can
  appear or vanish between the lines, the breakdown and the totals; gross is always net + VAT.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator

__all__ = ["CENT", "HUNDRED", "UNIT", "ZERO", "Money", "Precise", "cents", "unit"]

CENT = Decimal("0.01")
UNIT = Decimal("0.0001")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)


def cents(value: Decimal) -> Decimal:
    """Round half up to cents."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def unit(value: Decimal) -> Decimal:
    """Round half up to four places (unit prices and percents)."""
    return Decimal(value).quantize(UNIT, rounding=ROUND_HALF_UP)


Money = Annotated[Decimal, AfterValidator(cents)]
"""An amount as callers see it: always exactly two places (amounts are cents already; this only formats)."""

Precise = Annotated[Decimal, AfterValidator(unit)]
"""A unit price, rate or percent as callers see it: always four places."""
