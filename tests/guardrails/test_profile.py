import pytest

from parley.guardrails.injection_model import load_injection_model
from parley.guardrails.profile import PROFILES, GuardrailProfile, get_profile
from parley.guardrails.verdict import Action


def test_the_three_presets_exist():
    assert set(PROFILES) == {"strict", "balanced", "permissive"}


def test_an_unknown_profile_name_lists_the_presets():
    with pytest.raises(KeyError, match="balanced"):
        get_profile("paranoid")


def test_strict_flags_more_injections_than_balanced_and_balanced_more_than_permissive():
    thresholds = load_injection_model().message_thresholds
    points = [PROFILES[name].injection.operating_point for name in ("strict", "balanced", "permissive")]
    assert thresholds[points[0]] < thresholds[points[1]] < thresholds[points[2]]


def test_permissive_warns_where_balanced_blocks_ungrounded_numbers():
    assert PROFILES["balanced"].grounding.action == Action.BLOCK
    assert PROFILES["permissive"].grounding.action == Action.WARN


def test_a_profile_survives_a_json_round_trip():
    profile = PROFILES["strict"]
    assert GuardrailProfile.model_validate_json(profile.model_dump_json()) == profile


def test_a_profile_rejects_unknown_settings():
    with pytest.raises(ValueError):
        GuardrailProfile.model_validate({"name": "x", "injection": {"treshold": 0.5}})
