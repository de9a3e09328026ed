from __future__ import annotations

import pytest
from pydantic import ValidationError

from parley.core.settings import Settings


def test_embedded_defaults_need_no_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PARLEY_DATABASE_URL", "DATABASE_URL", "PARLEY_REDIS_URL", "REDIS_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None)
    assert settings.resolved_database_url == "sqlite+aiosqlite:///var/parley.db"
    assert settings.redis_url is None
    assert settings.llm_base_url is None


def test_production_refuses_the_default_secret() -> None:
    with pytest.raises(ValidationError, match="JWT_SECRET"):
        Settings(environment="production", seed_demo=False, _env_file=None)


def test_production_refuses_demo_logins() -> None:
    with pytest.raises(ValidationError, match="SEED_DEMO"):
        Settings(environment="production", jwt_secret="x" * 40, _env_file=None)


def test_production_starts_with_its_own_secret() -> None:
    settings = Settings(environment="production", jwt_secret="s3cret-" * 8, seed_demo=False, _env_file=None)
    assert settings.is_production


def test_the_usual_database_url_variable_and_plain_postgres_urls_work(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://parley@db:5432/parley")
    assert Settings(_env_file=None).resolved_database_url == "postgresql+asyncpg://parley@db:5432/parley"


def test_the_readme_documents_every_setting() -> None:
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    missing = [name for name in Settings.model_fields if f"`PARLEY_{name.upper()}" not in readme]
    assert not missing, f"document these settings in the README's configuration table: {missing}"
