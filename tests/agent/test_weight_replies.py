"""What the offline engine says when asked a product's weight: the catalog's figure, or that it has none."""

from __future__ import annotations

from typing import Any

import pytest

from parley.agent.offline.planner import _weight_parts
from parley.agent.offline.templates import Templates

_PLATE = {
    "name": "Aluminium plate 6061-T6 10 mm 500x500",
    "sku": "AL-6061-10-500x500",
    "description": "6061-T6 aluminium plate, 10 mm thick.",
}


def _said(product: dict[str, Any], language: str = "en") -> str:
    templates = Templates()
    return " ".join(templates.render(p["key"], language, **p["values"]) for p in _weight_parts(product))


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
