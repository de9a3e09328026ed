"""Per-business reply templates: CRUD over overrides of the packaged defaults. No FastAPI here."""

from __future__ import annotations

import uuid
from string import Formatter
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.conversations.models import ReplyTemplate
from parley.agent.offline.language import LANGUAGES
from parley.agent.offline.templates import Templates, default_templates, placeholders
from parley.core.actor import Actor
from parley.core.errors import Conflict, NotFound, ValidationFailed
from parley.identity.tenants import touch_tenant

__all__ = [
    "TemplateIn",
    "TemplateOut",
    "TemplatePatch",
    "create_template",
    "delete_template",
    "get_template",
    "list_templates",
    "load_templates",
    "update_template",
]


class TemplateIn(BaseModel):
    """A business's wording of one reply (its placeholders must be those of the default)."""

    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=64)
    language: str = Field(min_length=2, max_length=8)
    text: str = Field(min_length=1, max_length=2000)

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
        return value


class TemplatePatch(BaseModel):
    """New wording for an override."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=2000)


class TemplateOut(BaseModel):
    """A template override, or a default (``id`` null, ``default`` true)."""

    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID | None = None
    key: str
    language: str
    text: str
    default: bool = False
    placeholders: list[str] = Field(default_factory=list)


def _plain_fields(text: str) -> set[str]:
    """The template's ``{name}`` fields, refused unless plain.

    The engine fills a template with ``format_map`` in the middle of a customer's turn, where a stray brace or a
    bare ``{}`` would fail and a format spec such as ``{names:>99999}`` would bloat the reply.
    """
    try:
        fields = [(name, spec, conversion) for _lit, name, spec, conversion in Formatter().parse(text)]
    except ValueError as exc:
        raise ValidationFailed(
            f"the text is not a valid template ({exc}); write {{{{ or }}}} for a brace itself", field="text"
        ) from exc
    if any(name == "" or spec or conversion for name, spec, conversion in fields if name is not None):
        raise ValidationFailed("placeholders are plain names in braces, such as {names}", field="text")
    return {name for name, _spec, _conversion in fields if name}


def _check_placeholders(key: str, text: str) -> None:
    fields = _plain_fields(text)
    defaults = default_templates().get(key)
    if defaults is None:
        raise ValidationFailed(
            f"unknown template key {key!r}", field="key", details={"allowed": sorted(default_templates())}
        )
    allowed = set().union(*(placeholders(t) for t in defaults.values()))
    extra = fields - allowed
    if extra:
        raise ValidationFailed(
            f"placeholders {sorted(extra)} are not filled for {key!r}",
            field="text",
            details={"allowed": sorted(allowed)},
        )


def _out(row: ReplyTemplate) -> TemplateOut:
    return TemplateOut(
        id=row.id,
        key=row.key,
        language=row.language,
        text=row.text,
        placeholders=sorted(placeholders(row.text)),
    )


async def list_templates(
    session: AsyncSession, actor: Actor, *, include_defaults: bool = True
) -> list[TemplateOut]:
    """The business's overrides, and the defaults they do not override."""
    actor.require("ai:read")
    rows = list(
        await session.scalars(select(ReplyTemplate).order_by(ReplyTemplate.key, ReplyTemplate.language))
    )
    found = [_out(row) for row in rows]
    if include_defaults:
        taken = {(row.key, row.language) for row in rows}
        for key, texts in default_templates().items():
            for language, text in texts.items():
                if (key, language) not in taken:
                    found.append(
                        TemplateOut(
                            key=key,
                            language=language,
                            text=text,
                            default=True,
                            placeholders=sorted(placeholders(text)),
                        )
                    )
    return sorted(found, key=lambda t: (t.key, t.language))


async def get_template(session: AsyncSession, template_id: uuid.UUID) -> ReplyTemplate:
    """One override (404 otherwise)."""
    row = await session.scalar(select(ReplyTemplate).where(ReplyTemplate.id == template_id))
    if row is None:
        raise NotFound("no such template")
    return row


async def create_template(session: AsyncSession, actor: Actor, *, data: TemplateIn) -> TemplateOut:
    """Override a default for one language."""
    actor.require("ai:write")
    _check_placeholders(data.key, data.text)
    existing = await session.scalar(
        select(ReplyTemplate).where(ReplyTemplate.key == data.key, ReplyTemplate.language == data.language)
    )
    if existing is not None:
        raise Conflict(
            "this template is overridden already; change it instead", details={"id": str(existing.id)}
        )
    row = ReplyTemplate(key=data.key, language=data.language, text=data.text)
    session.add(row)
    await touch_tenant(session, actor.tenant_id)
    await session.flush()
    return _out(row)


async def update_template(
    session: AsyncSession, actor: Actor, template_id: uuid.UUID, *, data: TemplatePatch
) -> TemplateOut:
    """Change an override's wording."""
    actor.require("ai:write")
    row = await get_template(session, template_id)
    _check_placeholders(row.key, data.text)
    row.text = data.text
    await touch_tenant(session, actor.tenant_id)
    await session.flush()
    return _out(row)


async def delete_template(session: AsyncSession, actor: Actor, template_id: uuid.UUID) -> dict[str, Any]:
    """Remove an override: the default applies again."""
    actor.require("ai:write")
    row = await get_template(session, template_id)
    await session.delete(row)
    await touch_tenant(session, actor.tenant_id)
    return {"id": str(template_id), "deleted": True}


async def load_templates(session: AsyncSession) -> Templates:
    """The templates the business's agent uses now."""
    rows = await session.scalars(select(ReplyTemplate))
    return Templates({(row.key, row.language): row.text for row in rows})
