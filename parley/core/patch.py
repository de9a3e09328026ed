"""Applying a partial update (a PATCH body) to a stored row."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import inspect

from parley.core.db import Base
from parley.core.errors import ValidationFailed

__all__ = ["apply_patch"]


def apply_patch(row: Base, changes: Mapping[str, object]) -> None:
    """Set each given attribute of ``row``, or none of them.

    A PATCH sends null to clear a field. For a column that must hold a value that is the client's mistake, so it
    is refused by the field's name before anything changes, not left to fail at the database as a server error.
    The table's own definition says which columns those are, so no schema has to repeat it.
    """
    columns = inspect(type(row)).columns
    for name, value in changes.items():
        if value is None and name in columns and not columns[name].nullable:
            raise ValidationFailed(f"{name} cannot be null; leave it out to keep it", field=name)
    for name, value in changes.items():
        setattr(row, name, value)
