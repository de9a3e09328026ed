"""Every setting of Parley in one place, read once at start-up and passed down.

Nothing else reads ``os.environ``: ``create_app(settings)`` and the CLI take a :class:`Settings`, so a test
builds its own without patching the environment.
"""

from __future__ import annotations

from enum import StrEnum
from functools import cached_property
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["DEFAULT_JWT_SECRET", "Environment", "Settings"]

DEFAULT_JWT_SECRET = "parley-development-secret-change-me-0123456789"


class Environment(StrEnum):
    """Where Parley runs; ``production`` refuses defaults that are only safe on a laptop."""

    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    """Parley's configuration. Each field is an environment variable with the ``PARLEY_`` prefix."""

    model_config = SettingsConfigDict(env_prefix="PARLEY_", env_file=".env", extra="ignore")

    environment: Environment = Field(Environment.DEVELOPMENT, description="development, test or production.")
    data_dir: Path = Field(
        Path("var"), description="Folder for the embedded SQLite file and Qdrant Edge shards."
    )
    database_url: str | None = Field(
        None,
        validation_alias=AliasChoices("PARLEY_DATABASE_URL", "DATABASE_URL"),
        description="SQLAlchemy async URL; default is a SQLite file in the data folder.",
    )
    redis_url: str | None = Field(
        None,
        validation_alias=AliasChoices("PARLEY_REDIS_URL", "REDIS_URL"),
        description="Redis for queue, locks, rate limits and cache; unset means in-process.",
    )
    qdrant_url: str | None = Field(None, description="Qdrant server URL; unset means embedded Qdrant Edge.")
    qdrant_api_key: SecretStr | None = Field(None, description="API key of the Qdrant server.")
    knowledge_sync_s: float = Field(
        300,
        ge=0,
        description="Seconds between full syncs of the knowledge index with the records in the API process "
        "(changes made through the API are indexed at once; this catches other processes' writes); 0: at "
        "start-up only.",
    )
    embedding_model: str = Field(
        "packaged:all-MiniLM-L6-v2", description="Sentence-transformers model path or the packaged MiniLM."
    )
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible endpoint; unset means offline engine."
    )
    llm_model: str = Field("gpt-4o-mini", description="Model name sent to the LLM endpoint.")
    llm_api_key: SecretStr | None = Field(None, description="API key of the LLM endpoint.")
    llm_timeout_s: float = Field(20.0, gt=0, description="Seconds before an LLM call counts as failed.")
    llm_prices: dict[str, tuple[float, float]] = Field(
        default_factory=dict,
        description='USD per million prompt and completion tokens by model, as JSON ({"my-model": [0.5, 1.5]}); '
        "extends and overrides the built-in table in parley.agent.accounting.",
    )
    assistant_cache_threshold: float = Field(
        0.92,
        gt=0,
        le=1,
        description="Cosine similarity at or above which a question is answered from the FAQ answer cache.",
    )
    assistant_cache_max_entries: int = Field(
        1000, gt=0, description="FAQ answers the cache keeps per business; the least recently used go first."
    )
    jwt_secret: SecretStr = Field(SecretStr(DEFAULT_JWT_SECRET), description="HMAC secret for access tokens.")
    access_token_minutes: int = Field(15, gt=0, description="Lifetime of an access token.")
    refresh_token_days: int = Field(30, gt=0, description="Lifetime of a refresh token family.")
    public_base_url: str = Field(
        "http://127.0.0.1:8000", description="The URL customers and providers reach (webhook signatures)."
    )
    channel_burst_window_s: float = Field(
        1.5, ge=0, description="Seconds to wait for more messages from one sender before one answer to all."
    )
    channel_secrets_key: SecretStr | None = Field(
        None, description="Fernet key for stored channel credentials; unset derives one from the JWT secret."
    )
    outbox_max_attempts: int = Field(
        6, gt=0, description="Delivery tries of a reply before it is dead-lettered."
    )
    outbox_backoff_s: float = Field(
        2.0, gt=0, description="First retry delay of the outbox; doubles per try."
    )
    channel_answer_in_api: bool = Field(
        True,
        description="Run channel turns in the API process; false leaves them to `parley channels work`.",
    )
    channel_poll_s: float = Field(
        1.0, ge=0, description="Seconds between outbox and IMAP polls of the channel worker; 0 turns it off."
    )
    imap_idle_s: float = Field(
        300.0,
        gt=0,
        le=1740,
        description="Seconds one IMAP IDLE waits before it is renewed (RFC 2177: < 29 min).",
    )
    telegram_poll_timeout_s: int = Field(
        25, ge=0, le=50, description="Seconds a Telegram long poll (getUpdates) waits for updates."
    )
    host: str = Field("127.0.0.1", description="Address the API binds to.")
    port: int = Field(8000, description="Port the API binds to.")
    max_body_bytes: int = Field(1_048_576, gt=0, description="Largest request body accepted, in bytes.")
    rate_limit_default: str = Field("600/minute", description="Requests per client on the API.")
    rate_limit_login: str = Field("10/minute", description="Login attempts per client address.")
    seed_demo: bool = Field(
        True, description="Allow seeding the demo business and its public logins (refused in production)."
    )
    log_level: str = Field("INFO", description="Python logging level.")
    jobs_interval_s: float | None = Field(
        None,
        ge=0,
        description="Seconds between runs of the scheduled jobs (quotation expiry, overdue invoices, lapsed "
        "stock holds) in the API process; 0 turns them off; unset means 60, or off in the test environment.",
    )

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment is Environment.PRODUCTION:
            if self.jwt_secret.get_secret_value() == DEFAULT_JWT_SECRET:
                raise ValueError("PARLEY_JWT_SECRET must be set to a secret of your own in production")
            if len(self.jwt_secret.get_secret_value()) < 32:
                raise ValueError("PARLEY_JWT_SECRET must be at least 32 characters in production")
            if self.seed_demo:
                raise ValueError("PARLEY_SEED_DEMO must be false in production: demo logins are public")
        return self

    @cached_property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to a SQLite file and normalised to an async driver."""
        url = self.database_url or f"sqlite+aiosqlite:///{(self.data_dir / 'parley.db').as_posix()}"
        for plain, driver in (
            ("postgresql://", "postgresql+asyncpg://"),
            ("postgres://", "postgresql+asyncpg://"),
        ):
            if url.startswith(plain):
                return driver + url.removeprefix(plain)
        if url.startswith("sqlite:///"):
            return "sqlite+aiosqlite:///" + url.removeprefix("sqlite:///")
        return url

    @property
    def scheduled_jobs_interval(self) -> float | None:
        """Seconds between scheduled-job runs, or None when the API process must not run them."""
        if self.jobs_interval_s is None:
            return None if self.environment is Environment.TEST else 60.0
        return self.jobs_interval_s or None

    @property
    def is_production(self) -> bool:
        """Whether demo shortcuts must stay off."""
        return self.environment is Environment.PRODUCTION
