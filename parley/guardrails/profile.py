"""Guardrail profiles: which checks run and how sensitive each one is.

A profile is plain data (a pydantic model), so an operator can store it per tenant or channel and the REST
API can read and write it as JSON. Three presets cover most businesses: ``strict`` (flag more, block
more), ``balanced`` (the default; thresholds calibrated for about 2% false alarms on held-out benign
messages) and ``permissive`` (warn rather than block where a false alarm costs more than a miss).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from parley.guardrails.topic_presets import HARMFUL_TOPICS
from parley.guardrails.verdict import Action

__all__ = [
    "DEFAULT_INTERNAL_FIELDS",
    "PROFILES",
    "DocumentInjectionConfig",
    "GroundingConfig",
    "GuardrailProfile",
    "InjectionConfig",
    "LeakConfig",
    "MessageSizeConfig",
    "OperatingPoint",
    "PiiConfig",
    "PiiKind",
    "PromiseConfig",
    "ToneConfig",
    "TopicConfig",
    "get_profile",
]

OperatingPoint = Literal["strict", "balanced", "permissive"]
PiiKind = Literal["email", "phone", "iban", "card"]

DEFAULT_INTERNAL_FIELDS = (
    "cost_price",
    "purchase_price",
    "supplier_price",
    "margin",
    "tenant_id",
    "password_hash",
    "password",
    "api_key",
    "secret",
    "access_token",
    "refresh_token",
    "internal_note",
    "internal_notes",
    "system_prompt",
)


class _Config(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class InjectionConfig(_Config):
    """Prompt-injection screening of customer messages."""

    enabled: bool = True
    operating_point: OperatingPoint = "balanced"
    threshold: float | None = Field(None, ge=0, le=1, description="Overrides the operating point.")
    use_patterns: bool = True
    screen_harmful_requests: bool = Field(
        True,
        description="Also block plain requests for harmful content (weapons, malware, fraud, hate...), which "
        "are no injection but no business wants its assistant to take on.",
    )
    classify_unreadable_scripts: bool = Field(
        False,
        description="Run the embedding classifier (trained on English and German) on text mostly in scripts "
        "it cannot read (Chinese, Cyrillic...) or in Spanish, French, Italian or Portuguese; when false only "
        "the multilingual patterns judge such text.",
    )
    action: Action = Action.BLOCK


class DocumentInjectionConfig(_Config):
    """Indirect injection screening of emails and retrieved documents before the model reads them."""

    enabled: bool = True
    operating_point: OperatingPoint = "balanced"
    threshold: float | None = Field(None, ge=0, le=1)
    action: Action = Action.BLOCK


class PiiConfig(_Config):
    """Detection and redaction of personal data in customer messages."""

    enabled: bool = True
    kinds: frozenset[PiiKind] = frozenset({"email", "phone", "iban", "card"})
    action: Action = Action.MODIFY
    block_on: frozenset[PiiKind] = Field(
        frozenset(), description="Kinds that block the message instead of being redacted."
    )


class TopicConfig(_Config):
    """Topics the business does not discuss: words, regular expressions and semantic descriptions."""

    enabled: bool = True
    keywords: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    topics: dict[str, tuple[str, ...]] = Field(
        default_factory=dict, description="Topic name to short descriptions, matched by cosine similarity."
    )
    similarity_threshold: float = Field(
        0.45, ge=0, le=1, description="Cosine to the closest description; calibrate on your own messages."
    )
    action: Action = Action.BLOCK


class MessageSizeConfig(_Config):
    """The longest customer message accepted, in characters."""

    enabled: bool = True
    max_chars: int = Field(4000, gt=0)
    action: Action = Action.BLOCK


class GroundingConfig(_Config):
    """Every number in a reply must come from a tool result of the same turn."""

    enabled: bool = True
    small_integer_limit: int = Field(
        10,
        ge=0,
        description="Bare integers up to this value with no unit, currency or quantity word ('1 item', "
        "'step 2') are ordinary words, not claims; set 0 to check them all.",
    )
    action: Action = Action.BLOCK


class PromiseConfig(_Config):
    """No discount, refund or delivery date promised unless a tool result granted it."""

    enabled: bool = True
    action: Action = Action.BLOCK


class LeakConfig(_Config):
    """System prompt fragments, internal field names and other customers' emails stay out of replies."""

    enabled: bool = True
    internal_fields: tuple[str, ...] = DEFAULT_INTERNAL_FIELDS
    system_prompt_min_words: int = Field(
        8, ge=3, description="A run of this many words copied from the system prompt counts as a leak."
    )
    allowed_email_domains: tuple[str, ...] = Field(
        (), description="The business's own domains; addresses there may appear in replies."
    )
    action: Action = Action.BLOCK


class ToneConfig(_Config):
    """Replies stay short, calm and polite."""

    enabled: bool = True
    max_chars: int = Field(1200, gt=0)
    max_exclamations: int = Field(3, ge=0)
    max_caps_ratio: float = Field(0.3, ge=0, le=1, description="Share of shouted (all-caps) words.")
    banned_phrases: tuple[str, ...] = (
        "shut up",
        "stupid",
        "idiot",
        "dumb question",
        "not my problem",
        "calm down",
        "whatever",
    )
    action: Action = Action.WARN


class GuardrailProfile(_Config):
    """Which checks run and their thresholds; see :data:`PROFILES` for the presets."""

    name: str
    injection: InjectionConfig = InjectionConfig()
    document_injection: DocumentInjectionConfig = DocumentInjectionConfig()
    pii: PiiConfig = PiiConfig()
    topics: TopicConfig = TopicConfig()
    size: MessageSizeConfig = MessageSizeConfig()
    grounding: GroundingConfig = GroundingConfig()
    promises: PromiseConfig = PromiseConfig()
    leaks: LeakConfig = LeakConfig()
    tone: ToneConfig = ToneConfig()


PROFILES: dict[str, GuardrailProfile] = {
    "strict": GuardrailProfile(
        name="strict",
        injection=InjectionConfig(operating_point="strict", classify_unreadable_scripts=True),
        document_injection=DocumentInjectionConfig(operating_point="strict"),
        pii=PiiConfig(block_on=frozenset({"card"})),
        topics=TopicConfig(topics=HARMFUL_TOPICS, similarity_threshold=0.5),
        size=MessageSizeConfig(max_chars=2000),
        grounding=GroundingConfig(small_integer_limit=3),
        tone=ToneConfig(max_chars=800, max_exclamations=1, action=Action.BLOCK),
    ),
    "balanced": GuardrailProfile(name="balanced"),
    "permissive": GuardrailProfile(
        name="permissive",
        injection=InjectionConfig(operating_point="permissive"),
        document_injection=DocumentInjectionConfig(operating_point="permissive", action=Action.WARN),
        size=MessageSizeConfig(max_chars=8000),
        grounding=GroundingConfig(small_integer_limit=20, action=Action.WARN),
        promises=PromiseConfig(action=Action.ESCALATE),
        tone=ToneConfig(max_chars=2000, max_exclamations=5, enabled=False),
    ),
}


def get_profile(name: str) -> GuardrailProfile:
    """A preset by name; raises ``KeyError`` naming the presets for an unknown one."""
    try:
        return PROFILES[name]
    except KeyError:
        raise KeyError(f"unknown guardrail profile {name!r}; choose one of {sorted(PROFILES)}") from None
