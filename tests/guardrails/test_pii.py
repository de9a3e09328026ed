import pytest

from parley.guardrails.pii import check_pii, find_pii, iban_is_valid, luhn_is_valid
from parley.guardrails.profile import PiiConfig
from parley.guardrails.verdict import Action


def test_an_email_address_in_a_benign_order_question_is_redacted_not_blocked():
    verdict = check_pii("Hi, my email is jane.doe@example.com - where is order 100234?")
    assert verdict.action == Action.MODIFY
    assert verdict.modified_text == "Hi, my email is [EMAIL] - where is order 100234?"


def test_verdict_details_never_hold_the_raw_value():
    verdict = check_pii("Card 4111 1111 1111 1111, mail jane.doe@example.com")
    assert "4111 1111 1111 1111" not in str(verdict.details)
    assert "jane.doe" not in str(verdict.details)
    assert {f["kind"] for f in verdict.details["found"]} == {"card", "email"}


def test_a_valid_card_number_is_redacted():
    verdict = check_pii("Please charge 4111-1111-1111-1111 for the bearings")
    assert verdict.modified_text == "Please charge [CARD] for the bearings"


def test_a_card_number_failing_luhn_is_not_flagged_as_a_card():
    assert not luhn_is_valid("4111111111111112")
    assert [m.kind for m in find_pii("my card 4111 1111 1111 1112")] == []


def test_a_sixteen_digit_number_without_a_card_prefix_is_not_a_card():
    assert luhn_is_valid("1234567812345670")
    assert find_pii("batch 1234567812345670") == []


def test_a_valid_iban_is_redacted_even_with_words_after_it():
    assert iban_is_valid("DE89 3704 0044 0532 0130 00")
    verdict = check_pii("Refund to DE89 3704 0044 0532 0130 00 please")
    assert verdict.modified_text == "Refund to [IBAN] please"


def test_an_iban_with_a_wrong_check_digit_is_not_flagged_as_anything():
    assert not iban_is_valid("DE89 3704 0044 0532 0130 01")
    assert [m.kind for m in find_pii("IBAN DE89 3704 0044 0532 0130 01")] == []


@pytest.mark.parametrize(
    "text",
    [
        "call me at +49 171 1234567",
        "my number: 0171 1234567",
        "phone (555) 123-4567",
        "whatsapp 01711234567",
    ],
)
def test_phone_numbers_are_redacted(text):
    assert [m.kind for m in find_pii(text)] == ["phone"]


@pytest.mark.parametrize(
    "text",
    [
        "my order number is 12345678",
        "I need 40 pcs of M8 bolts, part 1234567",
        "delivery on 12.03.2026 for € 1,234.50",
        "invoice no. 20260412 was paid",
    ],
)
def test_order_numbers_dates_and_prices_are_not_phone_numbers(text):
    assert find_pii(text) == []


def test_a_profile_can_block_card_numbers_instead_of_redacting_them():
    verdict = check_pii("my card is 4111 1111 1111 1111", PiiConfig(block_on=frozenset({"card"})))
    assert verdict.action == Action.BLOCK
    assert verdict.code == "pii.blocked"


def test_only_the_configured_kinds_are_looked_for():
    verdict = check_pii("jane@example.com, +49 171 1234567", PiiConfig(kinds=frozenset({"phone"})))
    assert verdict.modified_text == "jane@example.com, [PHONE]"


def test_a_message_without_personal_data_passes_unchanged():
    verdict = check_pii("Do you sell 6204-2RS bearings?")
    assert verdict.action == Action.PASS
    assert verdict.modified_text is None
