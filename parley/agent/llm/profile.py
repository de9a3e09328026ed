"""A business's voice for the agent: the omnichannel spec's ai-config.

System prompt instructions, tone, language, prohibited topics, fallback message, history budget and model,
stored in ``Tenant.settings["assistant"]``. No FastAPI here.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.ext.asyncio import AsyncSession

from parley.agent.offline.language import LANGUAGES
from parley.agent.offline.templates import Templates
from parley.core.actor import Actor
from parley.core.audit import record_audit
from parley.identity.models import Tenant
from parley.identity.tenants import get_tenant

__all__ = [
    "INTENT_TOOLS",
    "BusinessProfile",
    "ProfileIn",
    "ProfileOut",
    "get_config",
    "load_profile",
    "put_config",
    "system_prompt",
    "with_fallback",
]

INTENT_TOOLS: dict[str, tuple[str, ...]] = {
    "product_question": ("find_products", "search_products", "list_categories", "get_product", "check_stock"),
    "price_quote": ("find_products", "search_products", "get_product", "calculate_price"),
    "stock_check": ("find_products", "search_products", "check_stock"),
    "order_status": ("get_order",),
}
"""Only the tools an intent needs are offered to the model: fewer choices, fewer wrong calls, fewer tokens.

``find_products`` is the knowledge index's product search (what the customer means); ``search_products``
filters the catalogue (exact SKU, category, price). Orders are looked up by id only: a search by number
would let the model read another customer's order, so order status by number stays with the offline
planner, which filters by the conversation's customer."""

_SETTINGS_KEY = "assistant"


@dataclass(frozen=True)
class BusinessProfile:
    """How the agent speaks for one business (defaults suit the demo shop)."""

    name: str = "our shop"
    tone: str = "friendly, brief and precise"
    language: str = "the customer's language"
    prohibited_topics: tuple[str, ...] = ("politics", "medical or legal advice", "competitors' prices")
    fallback_message: str = "I'm passing this to a colleague, who will answer you here shortly."
    instructions: str = ""
    history_token_budget: int = 1500
    llm_model: str | None = None

    @property
    def has_own_fallback(self) -> bool:
        """Whether the business wrote its own hand-over message (it then replaces the packaged one)."""
        return self.fallback_message != BusinessProfile.fallback_message


def system_prompt(profile: BusinessProfile) -> str:
    """The system prompt: who the agent is, how it speaks, and the rule that numbers come from tools."""
    prohibited = ", ".join(profile.prohibited_topics) or "none"
    return (
        f"You are the customer assistant of {profile.name}. Be {profile.tone}; answer in {profile.language}.\n"
        "Use the tools for every product, price, stock level and order: never state a number, price, quantity "
        "or date that a tool did not return in this conversation. If a tool refuses, say so plainly and offer a "
        f"colleague. Do not discuss: {prohibited}. When you cannot help, say: {profile.fallback_message}\n"
        f"{profile.instructions}".strip()
    )


def with_fallback(templates: Templates, profile: BusinessProfile) -> Templates:
    """The templates with the business's own hand-over message, wherever it kept the packaged one.

    Both engines hand over through the ``handoff`` template; a per-language template override stays the
    more specific choice.
    """
    if not profile.has_own_fallback:
        return templates
    handoff = {("handoff", language): profile.fallback_message for language in LANGUAGES}
    return Templates({**handoff, **templates.overrides})


_DEFAULT = BusinessProfile()
_Topic = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class ProfileIn(BaseModel):
    """The business's AI configuration; a PUT replaces all of it, omitted fields take their defaults."""

    model_config = ConfigDict(extra="forbid")

    instructions: str = Field(
        _DEFAULT.instructions, max_length=4000, description="Extra system prompt instructions for the LLM."
    )
    tone: str = Field(_DEFAULT.tone, min_length=1, max_length=200)
    language: str = Field(_DEFAULT.language, min_length=1, max_length=64)
    prohibited_topics: list[_Topic] = Field(list(_DEFAULT.prohibited_topics), max_length=50)
    fallback_message: str = Field(
        _DEFAULT.fallback_message,
        min_length=1,
        max_length=1000,
        description="What the customer is told when the agent hands the conversation to a person.",
    )
    history_token_budget: int = Field(
        _DEFAULT.history_token_budget, ge=200, le=32_000, description="Tokens of earlier turns the LLM sees."
    )
    llm_model: str | None = Field(
        None,
        min_length=1,
        max_length=100,
        pattern=r"^[\w.:/-]+$",
        description="Model name sent to the LLM endpoint; null means the server's PARLEY_LLM_MODEL.",
    )


class ProfileOut(ProfileIn):
    """The configuration and the system prompt it produces."""

    system_prompt: str


def _profile(tenant: Tenant) -> BusinessProfile:
    config = ProfileIn.model_validate((tenant.settings or {}).get(_SETTINGS_KEY, {}))
    values = config.model_dump()
    return BusinessProfile(
        name=tenant.name, **{**values, "prohibited_topics": tuple(values["prohibited_topics"])}
    )


def _out(profile: BusinessProfile) -> ProfileOut:
    values: dict[str, Any] = asdict(profile)
    values.pop("name")
    return ProfileOut(
        **{**values, "prohibited_topics": list(profile.prohibited_topics)},
        system_prompt=system_prompt(profile),
    )


async def load_profile(session: AsyncSession, tenant_id: uuid.UUID) -> BusinessProfile:
    """The profile a turn of this business runs with (the defaults until the business sets its own)."""
    return _profile(await get_tenant(session, tenant_id))


async def get_config(session: AsyncSession, actor: Actor) -> ProfileOut:
    """The business's AI configuration."""
    actor.require("ai:read")
    return _out(await load_profile(session, actor.tenant_id))


async def put_config(session: AsyncSession, actor: Actor, *, data: ProfileIn) -> ProfileOut:
    """Replace the business's AI configuration; the next turn uses it. Admins only: it is the agent's voice."""
    actor.require("admin:settings")
    tenant = await get_tenant(session, actor.tenant_id)
    before = _out(_profile(tenant)).model_dump(exclude={"system_prompt"})
    tenant.settings = {**(tenant.settings or {}), _SETTINGS_KEY: data.model_dump()}
    await session.flush()
    record_audit(
        session,
        actor,
        action="assistant_config.update",
        entity_type="tenant",
        entity_id=tenant.id,
        before=before,
        after=data.model_dump(),
    )
    return _out(_profile(tenant))
