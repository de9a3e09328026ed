"""Business settings become the profile the checks run with; changes are listed field by field."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from parley.guardrails.settings import GuardrailSettings, diff_settings
from parley.guardrails.verdict import Action


def test_a_custom_profile_applies_rules_patterns_and_topics_to_the_balanced_preset() -> None:
    settings = GuardrailSettings.model_validate(
        {
            "profile": "custom",
            "rules": {"tone": {"enabled": False}, "grounding": {"action": "escalate"}},
            "blockedPatterns": [
                {"type": "keyword", "value": "lawsuit"},
                {"type": "regex", "value": "crypto\\w*"},
                {"type": "semantic", "value": "medical advice"},
            ],
            "blockedTopics": ["politics"],
        }
    )
    profile = settings.profile_config()
    assert profile.name == "custom" and not profile.tone.enabled
    assert profile.grounding.action == Action.ESCALATE
    assert profile.topics.keywords == ("lawsuit",) and profile.topics.patterns == ("crypto\\w*",)
    assert set(profile.topics.topics) == {"blocked: politics", "pattern: medical advice"}


def test_a_preset_keeps_its_own_strictness() -> None:
    assert GuardrailSettings(profile="strict").profile_config().injection.operating_point == "strict"


def test_a_bad_regular_expression_is_refused_with_the_reason() -> None:
    with pytest.raises(ValidationError, match="invalid regular expression"):
        GuardrailSettings.model_validate({"blockedPatterns": [{"type": "regex", "value": "[a-"}]})


def test_the_change_list_names_each_changed_field() -> None:
    before = GuardrailSettings()
    after = GuardrailSettings.model_validate({"thresholds": {"maxOrderValue": 500}, "blockedTopics": ["x"]})
    changes = diff_settings(before, after)
    assert {"field": "thresholds.maxOrderValue", "before": 10000, "after": 500} in changes
    assert {c["field"] for c in changes} == {"thresholds.maxOrderValue", "blockedTopics"}
