"""What the offline engine says when asked a product's weight or origin: the catalog's word, or that it has none."""

from __future__ import annotations

from typing import Any

import pytest

from parley.agent.offline.entities import extract_entities
from parley.agent.offline.planner import _origin_parts, _weight_parts
from parley.agent.offline.templates import Templates

_PLATE = {
    "name": "Aluminium plate 6061-T6 10 mm 500x500",
    "sku": "AL-6061-10-500x500",
    "description": "6061-T6 aluminium plate, 10 mm thick.",
}


def _said(product: dict[str, Any], language: str = "en", *, parts: Any = _weight_parts) -> str:
    templates = Templates()
    return " ".join(templates.render(p["key"], language, **p["values"]) for p in parts(product))


@pytest.mark.parametrize(
    ("attributes", "weighs"),
    [
        ({"weight_kg": "6.75"}, "weighs 6.75 kg"),
        ({"weight": "6.75 kg"}, "weighs 6.75 kg"),
        ({"net_weight_g": "900"}, "weighs 900 g"),
    ],
)
def test_the_weight_the_catalog_gives_is_said_with_its_unit(attributes: dict[str, str], weighs: str) -> None:
    assert weighs in _said({**_PLATE, "attributes": attributes})


def test_without_a_weight_in_the_catalog_none_is_made_up_and_a_colleague_is_offered() -> None:
    reply = _said({**_PLATE, "attributes": {"alloy": "6061-T6", "thickness_mm": "10"}})
    assert "AL-6061-10-500x500" in reply
    assert "doesn't give its weight" in reply
    assert "kg" not in reply
    assert "Soll ich einen Kollegen" in _said(_PLATE, "de")


@pytest.mark.parametrize(
    "question",
    [
        "are your bearings made in Germany?",
        "where are they made?",
        "who makes the VC-125?",
        "Wo werden die Spannzangen hergestellt?",
        "¿de qué marca son las brocas?",
        "what's the country of origin?",
    ],
)
def test_a_question_where_or_by_whom_a_product_is_made_is_read_as_such(question: str) -> None:
    assert extract_entities(question).get("asks_origin") is True


@pytest.mark.parametrize("question", ["where is my order?", "who can help me?", "do you have M8 bolts?"])
def test_other_questions_are_not(question: str) -> None:
    assert not extract_entities(question).get("asks_origin")


@pytest.mark.parametrize(
    ("attributes", "said"),
    [
        ({"country_of_origin": "Germany"}, "(AL-6061-10-500x500): Germany."),
        ({"made_in": "Italy", "brand": "Röhm"}, "(AL-6061-10-500x500): Italy, Röhm."),
    ],
)
def test_the_origin_the_catalog_gives_is_said(attributes: dict[str, str], said: str) -> None:
    assert said in _said({**_PLATE, "attributes": attributes}, parts=_origin_parts)


def test_without_an_origin_in_the_catalog_no_yes_or_no_is_made_up_and_a_colleague_is_offered() -> None:
    reply = _said({**_PLATE, "attributes": {"alloy": "6061-T6"}}, parts=_origin_parts)
    assert "doesn't say where it is made" in reply and "colleague" in reply
    assert "Soll ich einen Kollegen" in _said(_PLATE, "de", parts=_origin_parts)
