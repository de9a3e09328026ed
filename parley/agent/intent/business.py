"""A business's own example phrases: the packaged commerce phrases, with the intents it rewrote.

A business replaces the phrases of an intent (per language) through the API; the rest keep the packaged
defaults. They live in ``Tenant.settings["intents"]``, so the agent trains each business's classifier from
exactly what its staff see. The intents themselves are fixed: the planner routes on them.
"""

from __future__ import annotations

import uuid
from functools import lru_cache
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.intent.defaults import COMMERCE_INTENTS, load_phrases, load_training_set
from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.core.errors import NotFound
from parley.identity.models import Tenant
from parley.identity.tenants import get_tenant

__all__ = [
    "IntentDetail",
    "IntentPhrasesIn",
    "IntentSummary",
    "Phrases",
    "business_phrases",
    "get_intent",
    "list_intents",
    "put_intent",
    "reset_intent",
]

_SETTINGS_KEY = "intents"

Phrases = tuple[tuple[str, str, str], ...]
"""(text, intent, language) rows, the classifier's training set."""

Phrase = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
Language = Annotated[str, StringConstraints(pattern=r"^[a-z]{2}(-[A-Za-z]{2})?$")]


class IntentPhrasesIn(BaseModel):
    """The phrases that teach the agent one intent, by language; they replace the packaged ones."""

    model_config = ConfigDict(extra="forbid")

    examples: dict[Language, list[Phrase]] = Field(
        description="Example customer messages per language code, e.g. {'en': ['where is my parcel?']}."
    )

    @field_validator("examples")
    @classmethod
    def _enough_and_not_too_many(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        total = sum(len(phrases) for phrases in value.values())
        if total < 3:
            raise ValueError("give at least 3 example phrases, so the intent can be learned")
        if total > 500:
            raise ValueError("at most 500 example phrases per intent")
        return {language: list(dict.fromkeys(phrases)) for language, phrases in value.items()}


class IntentSummary(BaseModel):
    """One intent in the list: what it means and how many phrases teach it."""

    intent: str
    description: str
    phrases: dict[str, int]
    customized: bool


class IntentDetail(IntentSummary):
    """One intent with its phrases."""

    examples: dict[str, list[str]]


def _known(intent: str) -> str:
    if intent not in COMMERCE_INTENTS:
        raise NotFound(
            f"no intent {intent!r}; the agent routes on: {', '.join(COMMERCE_INTENTS)}",
            details={"intent": intent, "intents": list(COMMERCE_INTENTS)},
        )
    return intent


@lru_cache(maxsize=1)
def _descriptions() -> dict[str, str]:
    return dict(load_training_set().descriptions)


def _defaults() -> dict[str, dict[str, list[str]]]:
    by_intent: dict[str, dict[str, list[str]]] = {}
    for text, intent, language in load_phrases():
        by_intent.setdefault(intent, {}).setdefault(language, []).append(text)
    return by_intent


def _custom(tenant: Tenant) -> dict[str, dict[str, list[str]]]:
    return dict((tenant.settings or {}).get(_SETTINGS_KEY, {}))


def _effective(tenant: Tenant) -> dict[str, dict[str, list[str]]]:
    return {**_defaults(), **_custom(tenant)}


async def business_phrases(session: AsyncSession, tenant_id: uuid.UUID) -> Phrases | None:
    """The business's training phrases, or None when it uses the packaged ones (the shared model)."""
    tenant = await get_tenant(session, tenant_id)
    if not _custom(tenant):
        return None
    return tuple(
        (text, intent, language)
        for intent, by_language in sorted(_effective(tenant).items())
        for language, phrases in sorted(by_language.items())
        for text in phrases
    )


def _detail(tenant: Tenant, intent: str) -> IntentDetail:
    examples = _effective(tenant).get(intent, {})
    return IntentDetail(
        intent=intent,
        description=_descriptions().get(intent, "messages the shop should not try to serve"),
        phrases={language: len(phrases) for language, phrases in examples.items()},
        customized=intent in _custom(tenant),
        examples=examples,
    )


async def list_intents(session: AsyncSession, actor: Actor) -> list[IntentSummary]:
    """Every intent the agent routes on, with phrase counts per language."""
    actor.require("ai:read")
    tenant = await get_tenant(session, actor.tenant_id)
    return [
        IntentSummary.model_validate(_detail(tenant, intent).model_dump(exclude={"examples"}))
        for intent in COMMERCE_INTENTS
    ]


async def get_intent(session: AsyncSession, actor: Actor, intent: str) -> IntentDetail:
    """One intent and its phrases as the agent learns them."""
    actor.require("ai:read")
    return _detail(await get_tenant(session, actor.tenant_id), _known(intent))


async def put_intent(session: AsyncSession, actor: Actor, intent: str, data: IntentPhrasesIn) -> IntentDetail:
    """Replace an intent's phrases for this business; the next turn's classifier learns them."""
    actor.require("ai:write")
    tenant = await get_tenant(session, actor.tenant_id)
    before = _detail(tenant, _known(intent)).examples
    tenant.settings = {**(tenant.settings or {}), _SETTINGS_KEY: {**_custom(tenant), intent: data.examples}}
    await session.flush()
    record_audit(
        session,
        actor,
        action="intent.update",
        entity_type="intent",
        entity_id=intent,
        before=before,
        after=data.examples,
    )
    return _detail(tenant, intent)


async def reset_intent(session: AsyncSession, actor: Actor, intent: str) -> IntentDetail:
    """Go back to the packaged phrases of an intent."""
    actor.require("ai:write")
    tenant = await get_tenant(session, actor.tenant_id)
    before = _detail(tenant, _known(intent)).examples
    custom = {name: examples for name, examples in _custom(tenant).items() if name != intent}
    tenant.settings = {**(tenant.settings or {}), _SETTINGS_KEY: custom}
    await session.flush()
    record_audit(
        session,
        actor,
        action="intent.reset",
        entity_type="intent",
        entity_id=intent,
        before=before,
        after=None,
    )
    return _detail(tenant, intent)
