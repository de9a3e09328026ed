"""Request and response shapes of the knowledge-base API."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ArticleIn", "ArticleOut", "ArticlePatch", "FaqIn", "FaqOut", "FaqPatch", "IngestJobOut"]

ArticleStatus = Literal["draft", "published", "archived"]
Tag = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[\w][\w .-]*$")]
Language = Field("en", min_length=2, max_length=8, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")


class ArticleIn(BaseModel):
    """A new article."""

    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=300)
    content: str = Field(min_length=1, max_length=200_000, description="Markdown.")
    category: str | None = Field(None, max_length=100)
    tags: list[Tag] = Field(default_factory=list, max_length=30)
    status: ArticleStatus = "draft"
    language: str = Language


class ArticlePatch(BaseModel):
    """Changes to an article; omitted fields stay."""

    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(None, min_length=1, max_length=300)
    content: str | None = Field(None, min_length=1, max_length=200_000)
    category: str | None = Field(None, max_length=100)
    tags: list[Tag] | None = Field(None, max_length=30)
    status: ArticleStatus | None = None
    language: str | None = Field(None, min_length=2, max_length=8, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")


class ArticleOut(BaseModel):
    """An article as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    title: str
    content: str
    category: str | None
    tags: list[str]
    status: str
    language: str
    source: str | None
    created_at: datetime
    updated_at: datetime


class FaqIn(BaseModel):
    """A new FAQ."""

    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=3, max_length=500)
    answer: str = Field(min_length=1, max_length=20_000)
    variants: list[str] = Field(default_factory=list, max_length=50, description="Other phrasings.")
    category: str | None = Field(None, max_length=100)
    status: ArticleStatus = "published"
    language: str = Language


class FaqPatch(BaseModel):
    """Changes to an FAQ; omitted fields stay."""

    model_config = ConfigDict(extra="forbid")

    question: str | None = Field(None, min_length=3, max_length=500)
    answer: str | None = Field(None, min_length=1, max_length=20_000)
    variants: list[str] | None = Field(None, max_length=50)
    category: str | None = Field(None, max_length=100)
    status: ArticleStatus | None = None
    language: str | None = Field(None, min_length=2, max_length=8, pattern=r"^[a-z]{2}(-[A-Z]{2})?$")


class FaqOut(BaseModel):
    """An FAQ as the API shows it."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    question: str
    answer: str
    variants: list[str]
    category: str | None
    status: str
    language: str
    created_at: datetime
    updated_at: datetime


class IngestJobOut(BaseModel):
    """An ingestion job with what happened to each file."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    status: str
    total: int
    done: int
    failed: int
    results: list[dict[str, object]]
    created_at: datetime
    finished_at: datetime | None
