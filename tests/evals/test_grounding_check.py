"""The scenarios' grounding check: a number of the reply comes from a tool call or the customer, never by chance."""

from __future__ import annotations

import uuid

import pytest

from parley.agent.conversations.schemas import TurnOut
from parley.evals.checks import grounding_problems

_STOCK = {
    "name": "check_stock",
    "arguments": {"product_id": "3f2a9c1e-7b4d-4e8a-9c1f-07d3b2a1e5f4"},
    "result": {
        "product_id": "3f2a9c1e-7b4d-4e8a-9c1f-07d3b2a1e5f4",
        "available": 229,
        "updated_at": "2026-11-25T12:33:07+00:00",
    },
}
_NUTS = {
    "name": "search_products",
    "arguments": {},
    "result": {"items": [{"name": "Hex nut M8, box of 100"}]},
}


def _turn(response: str) -> TurnOut:
    ids = uuid.uuid4()
    return TurnOut(
        conversation_id=ids,
        message_id=ids,
        reply_to_id=ids,
        response=response,
        intent="stock_check",
        confidence=0.9,
        entities={},
        tool_calls=[_NUTS, _STOCK],
        guardrails={},
        status="answered",
        metrics={},
    )


@pytest.mark.parametrize(
    "reply",
    [
        "700 pcs come to 7 boxes of 100. 229 boxes are in stock.",
        "700 Stück sind 7 Schachteln zu je 100. 229 Schachteln sind auf Lager.",
        "The stock was counted on 2026-11-25: 229 boxes.",
    ],
)
def test_numbers_from_the_tools_the_customer_and_the_pack_arithmetic_are_grounded(reply: str) -> None:
    assert grounding_problems(_turn(reply), "do you have 700 M8 nuts?") == []


@pytest.mark.parametrize(
    ("reply", "loose"),
    [
        ("700 pcs come to 9 boxes of 100.", "9"),  # the arithmetic is wrong
        ("We have 7 boxes.", "7"),  # only a UUID has "-7b4d"
        ("33 boxes are in stock.", "33"),  # only the timestamp has minute 33
        ("700 pcs come to 7 boxes of 50.", "50, 7"),  # no tool gave a pack of 50
    ],
)
def test_a_number_only_an_identifier_or_a_timestamp_holds_is_not(reply: str, loose: str) -> None:
    assert grounding_problems(_turn(reply), "do you have 700 M8 nuts?") == [
        f"numbers not from any tool result: {loose}"
    ]
