import pytest

from parley.guardrails.numbers import extract_mentions, parse_dates, parse_number


@pytest.mark.parametrize(
    ("token", "readings"),
    [
        ("1,234.50", ((1234.5, 2),)),
        ("1.234,50", ((1234.5, 2),)),
        ("1234.5", ((1234.5, 1),)),
        ("12,50", ((12.5, 2),)),
        ("1,234", ((1234.0, 0), (1.234, 3))),
        ("1.234.567", ((1234567.0, 0),)),
        ("0.15", ((0.15, 2),)),
        ("40", ((40.0, 0),)),
    ],
)
def test_written_numbers_are_read_every_plausible_way(token, readings):
    assert parse_number(token) == readings


@pytest.mark.parametrize(
    ("text", "kind", "value"),
    [
        ("€ 12.00", "money", 12.0),
        ("12 EUR", "money", 12.0),
        ("12,50 €", "money", 12.5),
        ("$3.99", "money", 3.99),
        ("40 pcs", "quantity", 40.0),
        ("40pcs", "quantity", 40.0),
        ("15%", "percent", 15.0),
        ("15 percent", "percent", 15.0),
        ("0.15", "number", 0.15),
    ],
)
def test_each_kind_of_number_is_recognised(text, kind, value):
    (mention,) = extract_mentions(f"It is {text} now")
    assert mention.kind == kind
    assert mention.values[0][0] == value


@pytest.mark.parametrize(
    "text",
    ["2026-03-12", "12 March 2026", "March 12, 2026", "12th of March 2026", "12.03.2026", "Mar 12, 2026"],
)
def test_dates_are_read_in_every_common_format(text):
    ((_, _, readings),) = parse_dates(f"delivery on {text}.")
    assert (2026, 3, 12) in readings


def test_a_slashed_date_keeps_both_readings():
    ((_, _, readings),) = parse_dates("on 03/04/2026")
    assert set(readings) == {(2026, 4, 3), (2026, 3, 4)}


def test_identifiers_phones_times_and_list_numbers_are_not_claims():
    text = "1. Bolt M8x40, grade A2-70\n2. Call +49 30 1234567 at 14:30 or mail sales@shop24.example"
    assert extract_mentions(text) == []


def test_a_range_gives_two_quantities_with_the_unit():
    mentions = extract_mentions("Delivery takes 3-5 business days.")
    assert [(m.kind, m.values[0][0], m.unit) for m in mentions] == [
        ("quantity", 3.0, "business days"),
        ("quantity", 5.0, "business days"),
    ]
