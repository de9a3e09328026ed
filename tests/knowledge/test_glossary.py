"""What a question asks for (a cost, a time) and whether an answer states it, in English, German and Spanish."""

from __future__ import annotations

import pytest

from parley.knowledge.glossary import asks_for, states


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Was kostet die Lieferung?", "cost"),
        ("how much is shipping to Austria?", "cost"),
        ("Hi, what does delivery cost?", "cost"),
        ("¿Cuánto cuesta el envío?", "cost"),
        ("how long does delivery take?", "duration"),
        ("Wie lange dauert der Versand?", "duration"),
        ("¿Cuánto tarda el envío?", "duration"),
        ("do you ship to Austria?", None),
    ],
)
def test_what_a_question_asks_for(question: str, kind: str | None) -> None:
    assert asks_for(question) == kind


@pytest.mark.parametrize(
    ("answer", "cost", "duration"),
    [
        ("Within Germany 9.90 EUR per order, free from 250 EUR net.", True, False),
        ("Innerhalb Deutschlands 9,90 € pro Bestellung.", True, False),
        ("Orders before 14:00 ship the same day: 1-2 working days in Germany.", False, True),
        ("Bestellungen bis 14:00 Uhr: 1-2 Werktage in Deutschland, 2-5 in der EU.", False, True),
        ("Los pedidos salen el mismo día: 1-2 días laborables en Alemania.", False, True),
        ("We ship with DHL and UPS.", False, False),
    ],
)
def test_whether_an_answer_states_a_cost_or_a_time(answer: str, cost: bool, duration: bool) -> None:
    assert states(answer, "cost") is cost and states(answer, "duration") is duration
