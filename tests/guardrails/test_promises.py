import pytest

from parley.guardrails.promises import check_promises, granted_kinds
from parley.guardrails.verdict import Action


@pytest.mark.parametrize(
    ("reply", "code"),
    [
        ("I can give you a 10% discount on this order.", "promise.discount"),
        ("As an apology, we'll take 15% off your invoice.", "promise.discount"),
        ("You'll get a full refund within 5 days.", "promise.refund"),
        ("Your parcel will arrive tomorrow.", "promise.delivery"),
        ("It will be delivered on 12 March 2026.", "promise.delivery"),
    ],
)
def test_promises_no_tool_granted_are_blocked(reply, code):
    verdict = check_promises(reply, [{"order_id": "ORD-1", "status": "processing"}])
    assert verdict.action == Action.BLOCK
    assert verdict.code == code


@pytest.mark.parametrize(
    "reply",
    [
        "I can't offer a discount on this item, sorry.",
        "I'll ask my colleague whether a refund is possible.",
        "You may be eligible for a refund once the return arrives.",
        "Discounts are available for orders over 500 pcs on request.",
        "We ship to Germany, Austria and Switzerland.",
        "The delivery address on file is Hauptstrasse 5.",
    ],
)
def test_hedged_or_general_statements_are_not_promises(reply):
    assert check_promises(reply, []).action == Action.PASS


def test_a_refund_granted_by_a_tool_may_be_promised():
    tools = [{"refund_id": "R-7", "refund_status": "approved", "refund_amount": 20.0}]
    assert check_promises("You'll get a full refund.", tools).action == Action.PASS


def test_a_refused_refund_grants_nothing():
    tools = [{"refund_status": "rejected", "refund_amount": 20.0}]
    assert granted_kinds(tools) == set()
    assert check_promises("You'll get a full refund.", tools).stops


def test_a_delivery_estimate_from_a_tool_allows_a_delivery_date():
    tools = [{"order_id": "ORD-1", "estimated_delivery": "2026-03-12"}]
    assert check_promises("Your parcel will arrive on 12 March 2026.", tools).action == Action.PASS


def test_a_zero_discount_is_not_a_granted_discount():
    assert check_promises("Here is a voucher for your next order.", [{"discount": 0}]).stops


POLICY = "Orders before 14:00 ship the same day from stock: 1-2 working days in Germany, 2-5 in the EU."


def test_a_delivery_policy_quoted_from_the_business_own_text_is_not_a_promise():
    assert check_promises(POLICY, [], published=[f"# Shipping\n\n{POLICY}"]).action == Action.PASS
    assert check_promises(POLICY, []).code == "promise.delivery"


def test_a_promise_beyond_the_published_policy_is_still_blocked():
    reply = f"{POLICY} Yours will arrive tomorrow."
    verdict = check_promises(reply, [], published=[POLICY])
    assert verdict.code == "promise.delivery"
    assert [p["sentence"] for p in verdict.details["promises"]] == ["Yours will arrive tomorrow."]
