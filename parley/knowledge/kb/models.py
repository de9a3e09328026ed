"""Knowledge-base tables: articles, FAQs and ingestion jobs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from parley.core.db import Base, TimestampMixin, UUIDPrimaryKey
from parley.core.tenancy import TenantScoped
from parley.core.types import UTCDateTime

__all__ = ["Article", "Faq", "IngestJob"]


class Article(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """A help article in Markdown; only published ones are shown to customers."""

    __tablename__ = "kb_articles"
    __table_args__ = (UniqueConstraint("tenant_id", "source", name="uq_kb_articles_tenant_source"),)

    title: Mapped[str] = mapped_column(String(300))
    content: Mapped[str] = mapped_column(Text)
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="draft", index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")
    source: Mapped[str | None] = mapped_column(String(500))
    content_hash: Mapped[str] = mapped_column(String(64))


class Faq(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """A question with its answer and the other ways customers ask it."""

    __tablename__ = "kb_faqs"

    question: Mapped[str] = mapped_column(String(500))
    answer: Mapped[str] = mapped_column(Text)
    variants: Mapped[list[str]] = mapped_column(JSON, default=list)
    category: Mapped[str | None] = mapped_column(String(100), index=True)
    status: Mapped[str] = mapped_column(String(16), default="published", index=True)
    language: Mapped[str] = mapped_column(String(8), default="en")


class IngestJob(UUIDPrimaryKey, TimestampMixin, TenantScoped, Base):
    """One upload of files to ingest, with a result per file so one bad file never hides the rest."""

    __tablename__ = "kb_ingest_jobs"

    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)
    results: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
