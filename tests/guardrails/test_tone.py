from parley.guardrails.profile import ToneConfig
from parley.guardrails.tone import check_tone
from parley.guardrails.verdict import Action


def test_a_calm_short_reply_passes():
    assert check_tone("Your bolts ship today. Thanks for ordering with us!").action == Action.PASS


def test_a_too_long_reply_warns_by_default():
    verdict = check_tone("word " * 300)
    assert verdict.action == Action.WARN
    assert verdict.code == "tone.too_long"


def test_a_rude_phrase_is_reported_first():
    verdict = check_tone("That is a dumb question, read the manual.")
    assert verdict.code == "tone.rude"


def test_shouting_is_flagged_but_abbreviations_are_not():
    assert check_tone("PLEASE READ THE MANUAL BEFORE ORDERING").code == "tone.shouting"
    assert check_tone("Prices include VAT; the DIN 933 bolts are listed in EUR.").action == Action.PASS


def test_too_many_exclamation_marks_are_flagged():
    assert check_tone("Great!!! Thanks!!").code == "tone.exclamations"


def test_a_strict_tone_config_blocks():
    assert check_tone("word " * 300, ToneConfig(action=Action.BLOCK)).action == Action.BLOCK
