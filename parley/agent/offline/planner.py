"""The offline engine's plan for a turn: which tools to call for the intent, and which templates answer.

The result is a list of parts, each a template key and the values it is filled with. Every number in
those values comes from a tool result of this turn (or is the customer's own quantity).
"""

from __future__ import annotations

import re
from typing import Any

from parley.agent.offline.entities import AFFIRMATION, THANKS, compares_prices
from parley.agent.offline.language import detect_language
from parley.agent.offline.products import (
    NEAREST_KINDS,
    attribute_words,
    described_as,
    named_by,
    package_size,
    packages_for,
)
from parley.agent.offline.templates import counted_unit, listed, money
from parley.agent.toolbox import ToolBox

__all__ = [
    "PRODUCT_INTENTS",
    "Plan",
    "also_part",
    "answer_parts",
    "asks_for_quotation",
    "asks_for_the_file",
    "asks_price_or_stock",
    "available_stock",
    "find_quotation",
    "part",
    "plan_turn",
    "quote_plan",
]

PRODUCT_INTENTS = frozenset({"product_question", "price_quote", "stock_check"})
#: Equally good matches whose stock is checked when the chosen product is sold out.
ALTERNATIVES_CHECKED = 2
_PRICE_WORDS = re.compile(
    r"\b(cost|costs|price|prices|quote|how much|kostet|kosten|preis|cuesta|precio|cuánto)\b", re.I
)
_STOCK_WORDS = re.compile(
    r"\b(have|stock|available|in stock|how many|lager|haben|habt|wie viele|tienen|hay|disponible|disponibles|"
    r"vorrätig|verfügbar|lieferbar|existencias|quedan|cuántos|cuántas)\b",
    re.I,
)
_SIMPLE = {"greeting": "greeting", "goodbye": "goodbye", "out_of_scope": "out_of_scope"}
#: Asking for the prices as a document: "could you send me a quote for that?", "ein Angebot", "un presupuesto".
_WRITTEN_QUOTE = re.compile(
    r"\b(quotation|formal\s+quote|written\s+quote|send\s+(?:me\s+|us\s+)?(?:a\s+|an\s+|the\s+)?(?:quote|offer)|"
    r"(?:want|need|like|get|request|prepare|make)\s+(?:me\s+|us\s+)?(?:a|an)\s+(?:quote|offer)|"
    r"angebot|presupuesto|cotización|cotizacion)\b",
    re.I,
)


#: Asking for a document as a file: "can you send that as a pdf?", "per E-Mail", "por correo".
_AS_A_FILE = re.compile(
    r"\b(?:pdf|(?:by|per|via)\s+e-?mail|e-?mail\s+(?:it|that|this)|por\s+(?:correo|e-?mail))\b", re.I
)


def asks_for_the_file(text: str) -> bool:
    """Whether the customer asks for a document as a file or by e-mail ("can you send that as a pdf?")."""
    return bool(_AS_A_FILE.search(text))


def asks_for_quotation(text: str) -> bool:
    """Whether the customer asks for the prices as a document ("can you send me an offer?")."""
    return bool(_WRITTEN_QUOTE.search(text))


def asks_price_or_stock(text: str) -> str | None:
    """``price_quote`` or ``stock_check`` when the wording asks for one ("Ist der auf Lager?"), else None."""
    if _PRICE_WORDS.search(text):
        return "price_quote"
    return "stock_check" if _STOCK_WORDS.search(text) else None


class Plan(dict[str, Any]):
    """``parts`` (template key + values), ``status``, ``reason`` and the remembered product."""


def part(key: str, **values: Any) -> dict[str, Any]:
    """One piece of the reply: a template key and the values it is filled with."""
    return {"key": key, "values": values}


def _named_skus(products: list[dict[str, Any]]) -> str:
    """How the replies list products: "name (SKU), name (SKU)"."""
    return ", ".join(f"{p['name']} ({p['sku']})" for p in products)


def missing_product_part(
    facts: dict[str, Any], entities: dict[str, Any], language: str, *, otherwise: str
) -> dict[str, Any]:
    """What to say when no product matched: the nearest sizes or part numbers, else what was not found.

    ``otherwise`` is the template that asks for a product when the message named none.
    """
    for nearest in NEAREST_KINDS:
        if facts.get(nearest):
            return part(nearest, query=facts.get("product_query", ""), names=_named_skus(facts["others"]))
    # The part number as the customer typed it reads better than the search terms made of it.
    query = next(iter(entities.get("skus") or []), facts.get("product_query", ""))
    if query and facts.get("sold_instead"):
        return part("product_not_found_sold", query=query, categories=listed(facts["sold_instead"], language))
    return part("product_not_found", query=query) if query else part(otherwise)


def also_part(others: list[dict[str, Any]]) -> dict[str, Any]:
    """The equally good matches named after the chosen product: "Also available: ... (SKU), ..."."""
    return part("also", names=_named_skus(others))


def _singular(unit: str) -> str:
    return unit[:-1] if unit.endswith("s") and len(unit) > 3 else unit


async def available_stock(tools: ToolBox, product: dict[str, Any]) -> int | None:
    """What can be sold now (on hand less reserved), or None when the stock look-up failed."""
    result = await tools.call("check_stock", product_id=str(product["id"]))
    return int(result.data.get("available", 0)) if result.ok else None


async def _in_stock_instead(
    tools: ToolBox, others: list[dict[str, Any]], language: str
) -> list[dict[str, Any]]:
    """The first of the equally good matches that is in stock, when the chosen one is not."""
    for other in others[:ALTERNATIVES_CHECKED]:
        available = await available_stock(tools, other)
        if available:
            unit = counted_unit(available, other.get("unit", "pcs"), language)
            return [
                part("in_stock_instead", name=other["name"], sku=other["sku"], available=available, unit=unit)
            ]
    return []


def count_of_sale(
    state: dict[str, Any], product: dict[str, Any], language: str, *, remembered: bool
) -> tuple[int | None, dict[str, Any] | None]:
    """The count asked for in units of sale, and the note when it was counted in pieces of a boxed product.

    Without a count in the message, the last one asked for stands when ``remembered`` (the same product
    again, or "and the first one?" after "price for 5?").
    """
    entities, memory = state.get("entities", {}), state.get("memory", {})
    quantity, pieces = entities.get("quantity"), bool(entities.get("counts_pieces"))
    if quantity is None and remembered:
        quantity, pieces = memory.get("last_quantity"), bool(memory.get("last_counts_pieces"))
    if not quantity or not pieces:
        return quantity, None
    return _in_packages(int(quantity), product, language, said=state["text"])


def _in_packages(
    pieces: int, product: dict[str, Any], language: str, *, said: str
) -> tuple[int, dict[str, Any] | None]:
    """A count of the things themselves as units of sale, and the note that says so.

    "100 hex nuts" of nuts sold in boxes of 100 is one box, not 100 boxes; 250 are three. A product sold one
    by one keeps the count and gets no note. The note repeats the customer's count, so it comes only when the
    message ``said`` it: a reply's numbers come from tool results or the customer's own message.
    """
    size = package_size(product)
    if size is None:
        return pieces, None
    boxes = packages_for(pieces, size)
    if not re.search(rf"(?<!\d){pieces}(?!\d)", said):
        return boxes, None
    return boxes, _packages_note(pieces, boxes, product, language)


def _packages_note(pieces: int, boxes: int, product: dict[str, Any], language: str) -> dict[str, Any]:
    """The note that turns the customer's pieces into units of sale ("250 pcs come to 3 boxes of 100")."""
    unit = counted_unit(boxes, product.get("unit", "pcs"), language)
    return part("in_packages", pieces=pieces, packages=boxes, unit=unit, size=package_size(product))


async def _stock_parts(
    tools: ToolBox, product: dict[str, Any], quantity: int | None, language: str, others: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    available = await available_stock(tools, product)
    if available is None:
        return []
    if available <= 0:
        return [part("out_of_stock"), *await _in_stock_instead(tools, others, language)]
    unit = counted_unit(available, product.get("unit", "pcs"), language)
    parts = [part("stock", available=available, unit=unit)]
    if quantity is not None and quantity > available:
        parts.append(part("short_stock", available=available, unit=unit, quantity=quantity))
    return parts


async def _price_parts(
    tools: ToolBox, product: dict[str, Any], quantity: int | None, customer_id: Any, language: str
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    unit = product.get("unit", "pcs")
    if tools.has("calculate_price"):
        arguments: dict[str, Any] = {"lines": [{"product_id": str(product["id"]), "quantity": quantity or 1}]}
        if customer_id is not None:
            arguments["customer_id"] = str(customer_id)
        result = await tools.call("calculate_price", **arguments)
        if result.ok and result.data.get("lines"):
            line = result.data["lines"][0]
            values = {
                "quantity": line["quantity"],
                "unit": counted_unit(int(line["quantity"]), unit, language),
                "currency": result.data["currency"],
                "unit_net_price": money(line["unit_net_price"], language),
                "total_net": money(result.data["total_net"], language),
                "total_gross": money(result.data["total_gross"], language),
            }
            return [part("price", **values)], {"price": result.data}
    values = {
        "price": money(product["price"], language),
        "currency": product.get("currency", ""),
        "unit_single": _singular(unit),
    }
    return [part("list_price", **values)], {"list_price": product["price"]}


async def _stock_lines_plan(lines: list[dict[str, Any]], tools: ToolBox, language: str) -> Plan:
    """The stock of each product the customer listed with a count, with a note where it falls short."""
    parts = []
    for line in lines:
        product = line["product"]
        if not product:
            parts.append(part("product_not_found", query=line["query"]))
            continue
        available = await available_stock(tools, product)
        if available is None:
            continue
        if available <= 0:
            parts.append(part("out_of_stock_line", name=product["name"], sku=product["sku"]))
            continue
        unit = counted_unit(available, product.get("unit", "pcs"), language)
        parts.append(
            part("stock_line", name=product["name"], sku=product["sku"], available=available, unit=unit)
        )
        if line["quantity"] > available:
            parts.append(part("short_stock", available=available, unit=unit, quantity=line["quantity"]))
    return Plan(parts=parts or [part("need_product")])


async def quote_plan(lines: list[dict[str, Any]], tools: ToolBox, customer_id: Any, language: str) -> Plan:
    """One priced line per product found, the totals, and what was not found, named as the customer wrote it."""
    found = [line for line in lines if line["product"]]
    missing = [part("product_not_found", query=line["query"]) for line in lines if not line["product"]]
    if not found or not tools.has("calculate_price"):
        return Plan(parts=missing or [part("need_product")])
    arguments: dict[str, Any] = {
        "lines": [{"product_id": str(line["product"]["id"]), "quantity": line["quantity"]} for line in found]
    }
    if customer_id is not None:
        arguments["customer_id"] = str(customer_id)
    result = await tools.call("calculate_price", **arguments)
    if not result.ok:
        return Plan(parts=missing or [part("need_product")])
    currency = result.data["currency"]
    parts = []
    for line, priced in zip(found, result.data["lines"], strict=True):
        unit = counted_unit(int(priced["quantity"]), line["product"].get("unit", "pcs"), language)
        if line.get("pieces"):
            parts.append(_packages_note(line["pieces"], int(priced["quantity"]), line["product"], language))
        parts.append(
            part(
                "quote_line",
                quantity=priced["quantity"],
                unit=unit,
                name=priced["name"],
                sku=priced["sku"],
                unit_net_price=money(priced["unit_net_price"], language),
                line_net=money(priced["line_net"], language),
                currency=currency,
            )
        )
    totals = {
        "total_net": money(result.data["total_net"], language),
        "total_gross": money(result.data["total_gross"], language),
    }
    parts.append(part("quote_total", currency=currency, **totals))
    return Plan(parts=parts + missing, facts={"price": result.data})


def _described(product: dict[str, Any]) -> dict[str, Any]:
    return part("compared", **_named_with_description(product))


async def _attribute_parts(
    tools: ToolBox, state: dict[str, Any], found: dict[str, Any], asked_of: dict[str, Any]
) -> list[dict[str, Any]]:
    """Whether the product asked about has the feature, from its own catalog text, never a bare "yes".

    "does it have seals?" of the 608-ZZ found the sealed 608-2RS: said as "Yes, we have the 608-2RS", it
    read as a yes for the ZZ. The one asked about answers when its text says so; else the other of its kind
    that does, named as another product, or that the catalog does not say.
    """
    words = attribute_words(state["text"], state["entities"])
    if (state.get("facts") or {}).get("attribute_named"):
        # "is the 5083 plate weldable?" asks "weldable" of the plate it names
        words = [word for word in words if not named_by(found, word)]
    asked = " ".join(words)
    product = found
    if str(found.get("id")) != str(asked_of["id"]):  # the one found is the one asked about, already read
        fresh = await tools.call("get_product", product_id=str(asked_of["id"]))
        product = fresh.data if fresh.ok else found
    if described_as(product, words):
        return [part("attribute_stated", **_named_with_description(product))]
    if found.get("sku") != product.get("sku") and described_as(found, words):
        of = {"of_name": product["name"], "of_sku": product["sku"]}
        return [part("attribute_elsewhere", **of, asked=asked, **_named_with_description(found))]
    return [part("attribute_not_stated", asked=asked, **_named_with_description(product))]


def _named_with_description(product: dict[str, Any]) -> dict[str, Any]:
    description = (product.get("description") or "").strip().rstrip(".")
    return {"name": product["name"], "sku": product["sku"], "description": description or product["name"]}


def _package_part(product: dict[str, Any], language: str) -> dict[str, Any]:
    """What one unit of sale of the product holds: "comes in boxes of 100", or sold one by one."""
    size, named = package_size(product), {"name": product["name"], "sku": product["sku"]}
    if size is None:
        return part("sold_singly", **named)
    unit = counted_unit(size, str(product.get("unit") or "pcs"), language)
    return part("package_size", **named, unit=unit, size=size)


def _cheaper_part(cheaper: dict[str, Any], language: str) -> dict[str, Any]:
    """The cheaper products of a kind, each with its list price, or that the product is the cheapest."""
    than = cheaper["than"]
    named = {"name": than["name"], "sku": than["sku"]}
    if not cheaper["products"]:
        return part("cheapest_already", **named)
    currency = than.get("currency") or "EUR"
    names = ", ".join(
        f"{p['name']} ({p['sku']}) {money(p['price'], language)} {p.get('currency') or currency}"
        for p in cheaper["products"]
    )
    return part("cheaper_than", **named, price=f"{money(than['price'], language)} {currency}", names=names)


_WEIGHT_UNITS = {"kg": "kg", "g": "g", "lb": "lb", "lbs": "lb"}


def _weight_parts(product: dict[str, Any]) -> list[dict[str, Any]]:
    """The weight the catalog gives for the product (an attribute such as ``weight_kg``), or that it gives none.

    A weight worked out from sizes and density would be a number no record holds; a person looks it up instead.
    """
    named = {"name": product["name"], "sku": product["sku"]}
    for key, value in (product.get("attributes") or {}).items():
        name, _, unit = str(key).lower().rpartition("_")
        if "weight" in (name or unit) and str(value).strip():
            suffix = f" {_WEIGHT_UNITS[unit]}" if name and unit in _WEIGHT_UNITS else ""
            return [part("weight_listed", **named, weight=f"{value}{suffix}")]
    return [_described(product), part("weight_unknown")]


_ORIGIN_KEYS = ("origin", "country", "made_in", "manufacturer", "maker", "brand")


def _origin_parts(product: dict[str, Any]) -> list[dict[str, Any]]:
    """Where the product is made or who makes it, as its attributes give it, or that the catalog does not say.

    "are your bearings made in Germany?": a yes or a no that no record holds would be made up.
    """
    attributes = product.get("attributes") or {}
    given = [
        f"{value}" for key, value in attributes.items() if any(k in str(key).lower() for k in _ORIGIN_KEYS)
    ]
    if given := [value for value in given if value.strip()]:
        return [part("origin_listed", name=product["name"], sku=product["sku"], origin=", ".join(given))]
    return [_described(product), part("origin_unknown")]


async def _product_plan(state: dict[str, Any], tools: ToolBox, customer_id: Any) -> Plan:
    facts = state.get("facts", {})
    language = state.get("language") or "en"
    if "categories" in facts:
        # "what do you sell?": the categories retrieve found; a catalog without any asks which product instead
        names = facts["categories"]
        return Plan(
            parts=[part("catalog", categories=listed(names, language)) if names else part("need_product")]
        )
    if "cheaper" in facts:
        return Plan(parts=[_cheaper_part(facts["cheaper"], language)])
    if facts.get("compared"):
        # "what's the difference between the 125 and the 160?": each described, in the catalog's own words
        return Plan(parts=[_described(product) for product in facts["compared"]])
    if facts.get("lines") and state["intent"] == "stock_check":
        return await _stock_lines_plan(facts["lines"], tools, language)
    if facts.get("lines"):
        return await quote_plan(facts["lines"], tools, customer_id, language)
    product = facts.get("product")
    intent, text = state["intent"], state["text"]
    if product is None:
        return Plan(
            parts=[missing_product_part(facts, state["entities"], language, otherwise="need_product")]
        )
    if facts.get("remembered"):
        fresh = await tools.call("get_product", product_id=str(product["id"]))
        if not fresh.ok:
            return Plan(parts=[part("need_product")])
        product = fresh.data
    if state["entities"].get("package_question"):
        return Plan(parts=[_package_part(product, language)])
    if state["entities"].get("asks_weight") and intent == "product_question":
        return Plan(parts=_weight_parts(product))
    if state["entities"].get("asks_origin") and intent == "product_question":
        return Plan(parts=_origin_parts(product))
    if asked_of := facts.get("attribute_of"):
        return Plan(parts=await _attribute_parts(tools, state, product, asked_of))
    parts: list[dict[str, Any]] = []
    # "and the first one?", "which one is cheaper?" after "price for 5?": for 5 again
    remembered = bool(facts.get("follow_up") or facts.get("remembered"))
    quantity, packing = count_of_sale(state, product, language, remembered=remembered)
    if intent == "product_question" or not facts.get("remembered"):
        description = (
            (product.get("description") or "").split(". ")[0].rstrip(".") + "."
            if intent == "product_question" and product.get("description")
            else ""
        )
        parts.append(part("product", name=product["name"], sku=product["sku"], description=description))
        others = facts.get("others") or []
        if others:
            parts.append(also_part(others))
    if packing:
        parts.append(packing)
    wants_price = intent == "price_quote" or bool(
        _PRICE_WORDS.search(text) or compares_prices(state["entities"])
    )
    wants_stock = intent in ("stock_check", "product_question") or bool(_STOCK_WORDS.search(text))
    # The boxes worked out from a count of pieces are a fact of the turn, as a price is: the reply may say them
    extra: dict[str, Any] = {"in_packages": packing["values"]} if packing else {}
    if wants_stock or quantity is not None:
        parts += await _stock_parts(tools, product, quantity, language, facts.get("others") or [])
    if wants_price:
        # "how much for 10 and 20?": a price for each count
        for count in state["entities"].get("counts") or [quantity]:
            price_parts, priced = await _price_parts(tools, product, count, customer_id, language)
            parts += price_parts
            extra.update(priced)
    if state["entities"].get("asks_origin"):
        # "do you have bearings made in Germany?": which ones it has, and what the catalog says of the origin
        parts.append(_origin_parts(product)[-1])
    return Plan(parts=parts, facts=extra)


async def _written_quotation(plan: Plan, tools: ToolBox, customer_id: Any) -> Plan:
    """The prices just worked out as a draft quotation for the customer, which staff send.

    A visitor has no customer record to quote for, and a plan without prices has nothing to put in it: both
    get the prices only.
    """
    price = plan.get("facts", {}).get("price")
    if not price or customer_id is None or not tools.has("create_quotation"):
        return plan
    lines = [{"product_id": str(line["product_id"]), "quantity": line["quantity"]} for line in price["lines"]]
    made = await tools.call("create_quotation", customer_id=str(customer_id), lines=lines)
    if not made.ok:
        return plan
    parts = [*plan.get("parts", []), part("quotation_made", number=made.data["number"])]
    return Plan({**plan, "parts": parts, "facts": {**plan.get("facts", {}), "quotation": made.data}})


async def find_quotation(tools: ToolBox, number: str) -> dict[str, Any] | None:
    """The quotation with exactly this number, as ``search_quotations`` gives it, or None."""
    if not tools.has("search_quotations"):
        return None
    found = await tools.call("search_quotations", search=number)
    items = found.data.get("items", []) if found.ok and isinstance(found.data, dict) else []
    return next((q for q in items if q.get("number") == number), None)


async def _quotation_file(number: str, tools: ToolBox) -> Plan:
    """The quotation made earlier in the conversation, as the file a colleague sends, not a new one."""
    quotation = await find_quotation(tools, number)
    if quotation is None:
        return Plan(parts=[], status="handed_over", reason=f"quotation {number} was not found")
    return Plan(parts=[part("quotation_file", number=number)], facts={"quotation": quotation})


def answer_parts(
    answer: str, state: dict[str, Any], key: str = "faq_answer", **values: Any
) -> list[dict[str, Any]]:
    """The business's answer as a reply part, said to be in English when the customer writes another language.

    A German or Spanish question falls back to the English texts when the business wrote none in its
    language; the customer is told why the answer switches language rather than left to wonder.
    """
    answer_part = part(key, answer=answer, **values)
    language = state.get("language") or "en"
    if language != "en" and detect_language(answer) == "en":
        return [part("answer_in_english"), answer_part]
    return [answer_part]


def with_policy_answer(plan: Plan, state: dict[str, Any]) -> Plan:
    """The plan with the business's answer to a policy asked about in the same message, if any.

    "... and can you deliver them to France?" after a product, "I need 10 plates for friday" with an order.
    """
    answer = state.get("facts", {}).get("answer")
    if not answer or plan.get("status") == "handed_over":
        return plan
    return Plan({**plan, "parts": [*plan.get("parts", []), *answer_parts(answer, state)]})


async def plan_turn(state: dict[str, Any], tools: ToolBox, *, customer_id: Any) -> Plan:
    """Decide the tool calls and the reply parts of the offline engine for this turn."""
    intent = state["intent"]
    if (
        intent in ("greeting", "goodbye")
        and AFFIRMATION.search(state["text"])
        and not THANKS.search(state["text"])
        and (state.get("memory") or {}).get("turns")
    ):
        # A "yes" with nothing open to confirm, mid-conversation: not a hello or a goodbye ("ok, thanks" is one)
        # but a question what it means
        return Plan(parts=[part("clarify")])
    if intent in _SIMPLE:
        return Plan(parts=[part(_SIMPLE[intent])])
    quotation = state.get("entities", {}).get("quotation_file")
    if quotation and tools.has("search_quotations"):
        return await _quotation_file(quotation, tools)
    if intent in PRODUCT_INTENTS:
        plan = await _product_plan(state, tools, customer_id)
        if intent == "price_quote" and asks_for_quotation(state["text"]):
            plan = await _written_quotation(plan, tools, customer_id)
        return with_policy_answer(plan, state)
    if intent == "faq":
        facts = state.get("facts", {})
        answer = facts.get("answer")
        if answer and facts.get("answer_not_carried"):
            product = facts["answer_not_carried"]
            return Plan(parts=answer_parts(answer, state, "faq_answer_not_carried", product=product))
        if answer and facts.get("answer_not_for"):
            product = facts["answer_not_for"]
            return Plan(parts=answer_parts(answer, state, "faq_answer_other_kind", product=product))
        if answer:
            return Plan(parts=answer_parts(answer, state))
        return Plan(parts=[], status="handed_over", reason="no answer in the knowledge base")
    if intent == "order_status":
        from parley.agent.offline.orders import order_plan

        return Plan(**await order_plan(state, tools, customer_id=customer_id))
    return Plan(parts=[], status="handed_over", reason=f"{intent} needs a person")
