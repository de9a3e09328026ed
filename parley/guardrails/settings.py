"""A business's guardrail settings, as the API reads and writes them, and the profile they produce.

Businesses think in presets, rules, thresholds, blocked patterns and topics, not in check configurations,
so this is the shape stored in ``Tenant.settings["guardrails"]`` and served by ``/api/v1/ai/guardrails``;
:meth:`GuardrailSettings.profile` turns it into the :class:`GuardrailProfile` the checks run with.
Everything is validated here (bad regular expressions, unknown profiles, thresholds out of range), so a
stored configuration always builds.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic.alias_generators import to_camel

from parley.guardrails.profile import PROFILES, GuardrailProfile
from parley.guardrails.verdict import Action

__all__ = ["RULES", "BlockedPattern", "GuardrailSettings", "RuleSetting", "Thresholds", "diff_settings"]

ProfileName = Literal["strict", "balanced", "permissive", "custom"]

RULES: dict[str, str] = {
    "size": "message size",
    "injection": "prompt injection and jailbreaks",
    "topics": "blocked topics and patterns",
    "pii": "personal data redaction",
    "document_injection": "injection hidden in emails and documents",
    "grounding": "every number in a reply comes from a tool result",
    "promises": "no discount, refund or delivery promise no operation granted",
    "leaks": "no system prompt, internal field or other customer's data",
    "tone": "tone and length of replies",
}
"""Rule name to what it guards; the names match the sections of :class:`GuardrailProfile`."""


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="forbid", frozen=True)


class RuleSetting(_Model):
    """One rule switched on or off, optionally with its own action."""

    enabled: bool = True
    action: Action | None = Field(None, description="What a match does; the profile's choice when absent.")


class Thresholds(_Model):
    """Business limits the agent must respect; above them a person decides.

    ``maxDailyAICost`` is spelled as the API documents it (the camelCase generator would say ``...Ai...``);
    the generated spelling is still read, so settings stored before stay valid.
    """

    max_discount_percent: float = Field(10, ge=0, le=100)
    max_order_value: float = Field(10_000, ge=0)
    min_confidence_for_auto: float = Field(0.45, ge=0, le=1)
    max_daily_ai_cost: float = Field(
        50,
        ge=0,
        validation_alias=AliasChoices("maxDailyAICost", "maxDailyAiCost", "max_daily_ai_cost"),
        serialization_alias="maxDailyAICost",
        description="USD of LLM cost per day (UTC); once reached, turns use the offline engine.",
    )
    max_messages_per_conversation: int = Field(200, ge=1, le=100_000)


class BlockedPattern(_Model):
    """Something customers' messages may not contain: a word, a regular expression or a meaning."""

    type: Literal["regex", "keyword", "semantic"]
    value: str = Field(min_length=1, max_length=500)

    @model_validator(mode="after")
    def _compiles(self) -> BlockedPattern:
        if self.type == "regex":
            try:
                re.compile(self.value)
            except re.error as exc:
                raise ValueError(f"invalid regular expression {self.value!r}: {exc}") from None
        return self


class GuardrailSettings(_Model):
    """One business's guardrails: a preset, per-rule switches, thresholds, patterns and topics."""

    profile: ProfileName = "balanced"
    rules: dict[str, RuleSetting] = Field(default_factory=dict)
    thresholds: Thresholds = Thresholds()
    blocked_patterns: list[BlockedPattern] = Field(default_factory=list, max_length=200)
    allowed_topics: list[str] = Field(default_factory=list, max_length=100)
    blocked_topics: list[str] = Field(default_factory=list, max_length=100)

    @field_validator("rules")
    @classmethod
    def _known_rules(cls, rules: dict[str, RuleSetting]) -> dict[str, RuleSetting]:
        unknown = sorted(set(rules) - set(RULES))
        if unknown:
            raise ValueError(f"unknown rules {unknown}; choose from {sorted(RULES)}")
        return rules

    def profile_config(self) -> GuardrailProfile:
        """The check configuration: the preset (balanced for custom) with this business's changes."""
        base = PROFILES["balanced" if self.profile == "custom" else self.profile]
        sections: dict[str, Any] = {}
        for name, rule in self.rules.items():
            change: dict[str, Any] = {"enabled": rule.enabled}
            if rule.action is not None:
                change["action"] = rule.action
            sections[name] = getattr(base, name).model_copy(update=change)
        topics = sections.get("topics", base.topics)
        semantic = {f"blocked: {t}": (t,) for t in self.blocked_topics}
        semantic |= {f"pattern: {p.value}": (p.value,) for p in self.blocked_patterns if p.type == "semantic"}
        sections["topics"] = topics.model_copy(
            update={
                "keywords": (
                    *topics.keywords,
                    *(p.value for p in self.blocked_patterns if p.type == "keyword"),
                ),
                "patterns": (
                    *topics.patterns,
                    *(p.value for p in self.blocked_patterns if p.type == "regex"),
                ),
                "topics": {**topics.topics, **semantic},
            }
        )
        return base.model_copy(update={"name": self.profile, **sections})

    def public(self) -> dict[str, Any]:
        """The JSON the API shows and the tenant's settings store (camelCase keys)."""
        return self.model_dump(mode="json", by_alias=True)


def _flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, dict):
        flat: dict[str, Any] = {}
        for key, item in value.items():
            flat |= _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return flat
    return {prefix: value}


def diff_settings(before: GuardrailSettings, after: GuardrailSettings) -> list[dict[str, Any]]:
    """What changed, field by field (dotted camelCase paths), for the change list and the audit log."""
    old, new = _flatten(before.public()), _flatten(after.public())
    return [
        {"field": key, "before": old.get(key), "after": new.get(key)}
        for key in sorted(old.keys() | new.keys())
        if old.get(key) != new.get(key)
    ]
