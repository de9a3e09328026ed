"""Alembic migrations of Parley's schema (one head)."""
