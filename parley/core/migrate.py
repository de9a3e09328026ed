"""Running Alembic from code, so ``parley db upgrade`` and tests need no alembic.ini in the working folder."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from parley.core.db import ensure_sqlite_folder

__all__ = ["alembic_config", "upgrade"]

_SCRIPTS = Path(__file__).resolve().parent.parent / "migrations"


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
