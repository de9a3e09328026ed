import pytest

from parley.guardrails.grounding import check_grounding
from parley.guardrails.profile import GroundingConfig
from parley.guardrails.verdict import Action

QUOTE = {
    "quote_id": "Q-4711",
    "lines": [
        {
            "sku": "HB-M8X40",
            "name": "Hex bolt M8x40 DIN 933",
            "qty": 40,
            "unit_price": 0.32,
            "line_total": 12.8,
        },
        {
            "sku": "BB-6204",
            "name": "Ball bearing 6204-2RS",
            "qty": 4,
            "unit_price": 7.125,
            "line_total": 28.5,
        },
    ],
    "net_total": 1234.5,
    "vat_rate": 0.19,
    "vat_amount": 234.56,
    "gross_total": 1469.06,
    "currency": "EUR",
    "discount": {"rate": 0.15, "amount": 12.0},
    "estimated_delivery": "2026-03-12",
    "delivery_window": "3-5 business days",
}


@pytest.mark.parametrize(
    "reply",
    [
        "Your net total is €1,234.50, VAT (19%) is € 234.56, so you pay 1469.06 EUR.",
        "Net 1234.5 EUR; gross EUR 1,469.06.",
        "The 15% discount saves you €12.00, or 12 EUR.",
        "The discount rate is 0.15.",
        "You get 40 pcs of Hex bolt M8x40 DIN 933 and 4 bearings at €7.13 each.",
        "It should arrive on 12 March 2026 (2026-03-12), i.e. Thursday, March 12th, in 3-5 business days.",
        "Your quote Q-4711 has 2 lines.",
        "1. Confirm the quote.\n2. Pay the invoice.\nThat is 1 item less to worry about.",
    ],
)
def test_correct_replies_pass_whatever_the_formatting(reply):
    verdict = check_grounding(reply, [QUOTE])
    assert verdict.action == Action.PASS, verdict.details["ungrounded"]


@pytest.mark.parametrize(
    ("reply", "wrong"),
    [
        ("Your net total is €1,243.50.", "€1,243.50"),
        ("VAT is 20%.", "20%"),
        ("You get 45 pcs of the M8x40 bolts.", "45 pcs"),
        ("It should arrive on 13 March 2026.", "13 March 2026"),
        ("The bearing costs €7.00 each.", "€7.00"),
        ("The bolts cost €0.33 each.", "€0.33"),
    ],
)
def test_one_altered_number_blocks_the_reply_and_is_listed(reply, wrong):
    verdict = check_grounding(reply, [QUOTE])
    assert verdict.action == Action.BLOCK
    assert [u["text"] for u in verdict.details["ungrounded"]] == [wrong]


def test_a_whole_number_must_match_exactly_not_by_rounding():
    assert check_grounding("The bearing costs €7 each.", [QUOTE]).stops
    assert not check_grounding("The bearing costs €7.13 each.", [QUOTE]).stops


def test_a_price_in_another_currency_is_ungrounded():
    verdict = check_grounding("The total is $1,469.06.", [QUOTE])
    assert verdict.stops
    assert "EUR" in verdict.details["ungrounded"][0]["reason"]


def test_a_decimal_with_four_places_in_a_product_name_grounds_the_same_figure_in_the_reply():
    product = {"name": "Round bar stainless steel 1.4301 (304) 40 mm x 1000 mm", "sku": "RB-14301-40-1000"}
    reply = "Yes, we have Round bar stainless steel 1.4301 (304) 40 mm x 1000 mm (SKU RB-14301-40-1000)."
    assert check_grounding(reply, [product]).action == Action.PASS
    assert check_grounding(reply.replace("1.4301", "1.4404"), [product]).action == Action.BLOCK


def test_digits_inside_an_identifier_ground_nothing():
    product = {"id": "2c3b1f4d-0512-4d7c-8b6a-aa00bb00cc00", "name": "Collet ER32", "price": 18.5}
    assert (
        check_grounding("The collet costs 18.50 EUR.", [product, {"currency": "EUR"}]).action == Action.PASS
    )
    verdict = check_grounding("We have 512 in stock.", [product])
    assert [u["text"] for u in verdict.details["ungrounded"]] == ["512 in stock"]


def test_a_timestamp_grounds_its_date_but_not_its_day_hour_or_minute_as_counts():
    stock = {"available": 229, "updated_at": "2026-11-25T12:33:07.123456+00:00", "counted_on": "2026-11-20"}
    assert check_grounding("229 boxes were in stock on 25 November 2026.", [stock]).action == Action.PASS
    for made_up in ("25 boxes", "33 boxes", "20 boxes"):
        verdict = check_grounding(f"We have {made_up} in stock.", [stock])
        assert [u["text"] for u in verdict.details["ungrounded"]] == [made_up]


def test_small_bare_integers_are_ordinary_words_up_to_the_limit():
    reply = "There are 6 ways to pay and 17 colours to choose from."
    assert [u["text"] for u in check_grounding(reply, [QUOTE]).details["ungrounded"]] == ["17"]
    strict = check_grounding(reply, [QUOTE], config=GroundingConfig(small_integer_limit=0))
    assert [u["text"] for u in strict.details["ungrounded"]] == ["6", "17"]


def test_quantities_the_customer_asked_for_are_grounded_but_prices_they_named_are_not():
    user = "Can I have 250 pcs for 10 EUR?"
    assert not check_grounding("You asked for 250 pcs.", [QUOTE], user_message=user).stops
    assert check_grounding("Yes, 250 pcs for 10 EUR.", [QUOTE], user_message=user).stops


def test_a_reply_without_tool_results_may_not_state_prices():
    assert check_grounding("That costs €12.80.", []).stops


def test_a_disabled_check_passes_everything():
    assert check_grounding("€99", [], config=GroundingConfig(enabled=False)).code == "grounding.disabled"


def test_a_permissive_profile_only_warns():
    verdict = check_grounding("€99", [], config=GroundingConfig(action=Action.WARN))
    assert verdict.action == Action.WARN
