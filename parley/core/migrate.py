"""Running Alembic from code, so ``parley db upgrade`` and tests need no alembic.ini in the working folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config

from parley.core.db import ensure_sqlite_folder

__all__ = ["alembic_config", "include_object", "upgrade"]

_SCRIPTS = Path(__file__).resolve().parent.parent / "migrations"


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Leave alone what Parley does not own (LangGraph's checkpoint tables share the database)."""
    if type_ == "table" and reflected and compare_to is None:
        return False
    table = getattr(obj, "table", None)
    return not (table is not None and reflected and compare_to is None and table.name not in _owned_tables())


def _owned_tables() -> set[str]:
    from parley.models import Base

    return set(Base.metadata.tables)


def alembic_config(database_url: str) -> Config:
    """An Alembic config pointing at Parley's migrations and this database."""
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str, revision: str = "head") -> None:
    """Bring the database schema up to a revision (blocking; call from a thread inside an event loop)."""
    ensure_sqlite_folder(database_url)
    command.upgrade(alembic_config(database_url), revision)
