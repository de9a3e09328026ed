"""What patterns find in a message: quantities, SKUs, order and invoice numbers, e-mails, phone numbers."""

from __future__ import annotations

import pytest

from parley.agent.nodes.intent import _catalog_follow_up, _cheaper_follow_up, _product_follow_up
from parley.agent.offline.entities import (
    ABOUT_OWN_ORDER,
    AFFIRMATION,
    ARRIVAL_QUESTION,
    ASKS_COST_OR_TIME,
    ASKS_WHAT_IS_SOLD,
    CHANGES_IT,
    CUT_TO_SIZE,
    NEEDS_A_KIND,
    STATES_A_NEED,
    THAT_ONE,
    asks_the_same_of,
    counts_packages,
    extract_entities,
    search_terms,
    thanks_only,
    without_and_then,
)
from parley.agent.offline.language import detect_language
from parley.agent.offline.planner import asks_for_the_file, asks_price_or_stock
from parley.agent.offline.products import (
    attribute_words,
    compared_skus,
    described_as,
    names_a_kind_in_translation,
)
from parley.agent.offline.templates import Templates, counted_unit, listed, money, order_status_word


@pytest.mark.parametrize(
    ("text", "quantity"),
    [
        ("40 pieces please", 40),
        ("ok, put 10 in an order", 10),
        ("add 5 to my cart", 5),
        ("need 40 pcs", 40),
        ("AL-6061 x40", 40),
        ("12x of those", 12),
        ("10 mm plate", None),
        ("how much for 5 EM-C06-2F?", 5),
        ("price for 12 boxes of HB-M8x40-88Z please", 12),
        ("quote me 3 CL-20L cans", 3),
        ("what would 100 of them cost?", 100),
        ("what's the price of BR-6305-ZZ? I need 4", 4),
        ("and for 25?", 25),
        ("price for 6061 aluminium plate 10 mm", None),
        ("do you have 10 mm plate for 500x500?", None),
        ("where is my 2nd order ORD-2026-00001?", None),
        ("how much are 25 of the ER32-10?", 25),
        ("Was kosten 3 Platten AL-6061-10-500x500?", 3),
        ("¿Cuánto cuestan 4 placas de 10 mm?", 4),
        ("how much for forty?", 40),
        ("a hundred pieces please", 100),
        ("twenty-five boxes of M8 nuts", 25),
        ("two dozen pcs", 24),
        ("Und zwanzig Stück?", 20),
        ("¿y cuarenta?", 40),
        ("I need a box of M8 nuts", None),
        ("one more question about the 12 mm one", None),
        ("and 1000?", 1000),
        ("price of 200 M8 nuts", 200),
        ("Was kosten 20 Stück?", 20),
        ("¿Cuánto cuestan 5?", 5),
        ("do you have 6061 T6 plate?", None),
        ("hex bolt M8 x 20", None),
        ("plate 500 x 500 mm", None),
        ("price of 1,000 HN-M8-A2", 1000),
        ("2.500 Stück bitte", 2500),
        ("1.4301 round bar, 3 pieces", 3),
        ("40", 40),
        ("no, make it 100", 100),
        ("I'd like 50", 50),
        ("HB-M8x40-88X price?", None),
        ("price for HB-M8x40-88Z x 20", 20),
        ("perfect, I'll order 10 then", 10),
        ("quiero 30 por favor", 30),
        ("ok send me 50", 50),
        ("ich nehme 12 davon", 12),
        ("quiero 30 de ellos", 30),
        ("2026 prices?", None),
        ("I want to order 40 of AL-6061-10-500x500", 40),
        ("quiero 30 de EM-C06-2F", 30),
        ("2 of ORD-2026-00001", None),
        ("how much are 50?", 50),
        ("ok, I want to order 50", 50),
        ("vale, quiero pedir 50", 50),
        ("ok, dann bestelle ich 5", 5),
        ("do you have 6204?", None),
        ("do you have 6061 plates?", None),
        ("price of 7075 bars", None),
        ("do you have 6205 bearings?", None),
        ("Angebot für 50 Fräser EM-C06-2F", 50),
        ("1000 bolts please", 1000),
        ("what's the price of 8 DR-HSSCO-06 drills?", 8),
        ("do you have 30 in stock?", 30),
        ("¿tienen 30 en stock?", 30),
        ("habt ihr 40 auf Lager?", 40),
        ("are 200 available?", 200),
        ("do you have 6204 in stock?", None),
        ("price for 40 aluminium plate 10 mm", 40),
        ("Ich brauche 10 Alu-Platten 10 mm", 10),
        ("necesito 20 placas de aluminio", 20),
        ("5 deep groove ball bearings", 5),
        ("2 questions about plates", None),
        ("price of 6061 aluminium plates", None),
        ("I need 500 M8x40 bolts", 500),
        ("Ich möchte 3 Boxen HN-M10-A2", 3),
        ("ich brauche 2 Schachteln HN-M8-A2", 2),
    ],
)
def test_quantities_are_read_in_their_usual_forms(text: str, quantity: int | None) -> None:
    assert extract_entities(text).get("quantity") == quantity


@pytest.mark.parametrize(
    ("text", "pieces"),
    [
        ("price for 100 hex nuts M8", True),
        ("price of 200 M8 nuts", True),
        ("Angebot über 100 Sechskantmuttern M8", True),
        ("I need 500 M8x40 bolts", True),
        ("12 boxes of HB-M8x40-88Z", False),
        ("¿cuánto cuestan 50 cajas de tornillos M8x20?", False),
        ("10 sets of drills", False),
        ("Was kosten 20 Stück?", True),
        ("what is the price of HB-M8x40-A2 for 500 pcs?", True),
        ("¿cuánto cuestan 120 piezas de HB-M8x20-A2?", True),
        ("Was kosten 20?", False),
    ],
)
def test_a_count_of_the_things_themselves_is_told_from_a_count_of_boxes(text: str, pieces: bool) -> None:
    assert bool(extract_entities(text).get("counts_pieces")) is pieces


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("how many are in a box?", True),
        ("how many M8 hex nuts come in a box?", True),
        ("what's the box size?", True),
        ("Wie viele Stück sind in einer Packung M8 Muttern?", True),
        ("¿cuántas vienen en una caja?", True),
        ("how many boxes are in stock?", False),
        ("how many boxes of M8 nuts do you have?", False),
        ("Wie viele Kartons habt ihr auf Lager?", False),
    ],
)
def test_a_question_what_a_box_holds_is_told_from_one_about_stock(text: str, asks: bool) -> None:
    entities = extract_entities(text)
    assert bool(entities.get("package_question")) is asks
    assert not {"per", "come", "einer", "vienen"} & set(search_terms(text))


@pytest.mark.parametrize(
    ("text", "listed", "compared"),
    [
        ("what's the difference between the 125 and the 160?", ["VC-125", "VC-160"], ["VC-125", "VC-160"]),
        ("compare ER32-06 and ER32-08", [], ["ER32-06", "ER32-08"]),
        ("Was ist der Unterschied zwischen den beiden?", ["VC-125", "VC-160"], ["VC-125", "VC-160"]),
        ("what's the difference between the two?", ["A-1", "A-2", "A-3", "A-4"], []),
        ("what's the difference between the 125 and the 200?", ["VC-125", "VC-160"], []),
        ("the 125 and the 160 please", ["VC-125", "VC-160"], []),
    ],
)
def test_a_comparison_names_two_products_or_none(text: str, listed: list[str], compared: list[str]) -> None:
    assert compared_skus(text, extract_entities(text), listed) == compared


def test_a_comparison_that_names_nothing_compares_the_two_just_discussed() -> None:
    text = "what is the difference?"
    discussed = ["BR-6204-2RS", "BR-6204-ZZ"]
    assert compared_skus(text, extract_entities(text), [], discussed) == discussed
    assert compared_skus(text, extract_entities(text), [], discussed[:1]) == []
    # A comparison that names one of its own does not fall back to them
    named = "what's the difference between the 125 and the 200?"
    assert compared_skus(named, extract_entities(named), ["VC-125", "VC-160"], discussed) == []


def test_order_and_invoice_numbers_are_not_taken_for_skus() -> None:
    found = extract_entities("about ORD-2026-00042 and INV-2026-00007, also BOLT-M8-40")
    assert found["order_numbers"] == ["ORD-2026-00042"]
    assert found["invoice_numbers"] == ["INV-2026-00007"]
    assert found["skus"] == ["BOLT-M8-40"]


@pytest.mark.parametrize(
    "sku", ["AL-6061-10-500x500", "HB-M8x20-A2", "HB-M8x40-88Z", "EM-C06-2F", "BR-6305-ZZ"]
)
def test_a_part_number_with_a_size_in_it_is_read_whole(sku: str) -> None:
    assert extract_entities(f"is {sku} in stock?")["skus"] == [sku]


def test_emails_and_phone_numbers_are_found() -> None:
    found = extract_entities("write to anna@example.com or call +49 30 1234567")
    assert found["emails"] == ["anna@example.com"]
    assert found["phones"] == ["+49 30 1234567"]


def test_search_terms_put_numbers_first_and_drop_filler_words() -> None:
    assert search_terms("do you have 6061 aluminium plate 10 mm?") == ["6061", "10", "aluminium", "plate"]
    assert search_terms("do you have 6061 aluminium plate 10mm?") == ["6061", "10", "aluminium", "plate"]
    assert search_terms("and 1,000?") == ["1000"]
    assert search_terms("Verkaufen Sie Titan?") == ["titan"]
    assert search_terms("¿Venden titanio?") == ["titanio"]
    # what a count is counted or packed in is no product word; the forms a product comes in are
    assert search_terms("2 latas de taladrina") == ["taladrina", "2"]
    assert search_terms("4 piezas de EM-C06") == ["c06", "em", "4"]
    assert "platten" in search_terms("3 Platten 6061")
    assert search_terms("ok, I want to order 50") == ["50"]
    # what a price is given for, and the words of a customer's broken part, are no product words either
    assert search_terms("how much per meter?") == []
    assert search_terms("what size collets do you have?") == ["collets"]
    assert search_terms("do you sell a replacement for a broken drill?") == ["drill"]
    assert search_terms("vale, quiero pedir 50") == ["50"]
    assert search_terms("ok, dann bestelle ich 5") == ["5"]
    assert search_terms("perfecto, quiero pedir 30") == ["30"]
    assert search_terms("great, I'll take 200") == ["200"]
    assert search_terms("we're looking for M8 nuts") == ["m8", "nuts"]
    assert search_terms("ok send me 50") == ["50"]


def test_the_language_follows_the_customer_and_sticks_for_short_replies() -> None:
    assert detect_language("Haben Sie das auf Lager?") == "de"
    assert detect_language("¿Cuánto cuesta la placa?") == "es"
    assert detect_language("ok", previous="de") == "de"
    assert detect_language("do you have bolts?") == "en"
    assert detect_language("Is it in stock?") == "en"
    assert detect_language("What was the price again?") == "en"
    assert detect_language("Hay stock de la placa?") == "es"
    # One word does not change the conversation's language: "und BR-6204-2RS?" after an English question
    assert detect_language("und BR-6204-2RS?", previous="en") == "en"
    assert detect_language("und was kostet BR-6204-2RS?", previous="en") == "de"
    # A tie keeps it: "¿Es inoxidable?" has the German "es" and the Spanish "¿"
    assert detect_language("¿Es inoxidable?", previous="es") == "es"


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("does it have seals?", True),
        ("are they zinc plated?", True),
        ("Ist der rostfrei?", True),
        ("¿Es inoxidable?", True),
        ("Haben Sie Kugellager 6204?", False),  # asks the shop, not of a product
        ("do you have seals?", False),
        ("is there a discount?", False),
        ("is the 5083 plate weldable?", True),  # of a product it names
        ("are the 6204 bearings sealed?", True),
        ("are your bearings sealed?", False),  # which of the kind are
        ("is the VC-125 in stock?", False),  # its stock
        ("are the M8 nuts available?", False),
    ],
)
def test_a_yes_or_no_question_about_the_product_discussed_is_told_apart(text: str, asks: bool) -> None:
    assert bool(extract_entities(text).get("asks_attribute")) is asks


def test_a_feature_counts_as_said_only_where_the_products_own_text_says_it() -> None:
    sealed = {"name": "Deep groove ball bearing 608-2RS", "description": "Rubber sealed both sides."}
    shielded = {
        "name": "Deep groove ball bearing 608-ZZ",
        "description": "Metal shielded.",
        "attributes": {"seal": "ZZ"},
    }
    words = attribute_words("does it have seals?", extract_entities("does it have seals?"))
    assert words == ["seal"]
    assert described_as(sealed, words)
    assert not described_as(shielded, words)  # its attribute is named "seal"; its value says shields
    assert described_as(shielded, ["metal", "shielded"]) and not described_as(shielded, [])


@pytest.mark.parametrize(
    "text",
    [
        "hello, what do you sell?",
        "what products do you have?",
        "What kind of products do you carry?",
        "What's in your catalogue?",
        "Guten Tag, was führen Sie?",
        "Was habt ihr im Sortiment?",
        "Welche Produkte habt ihr?",
        "Hola, ¿qué venden ustedes?",
        "¿qué productos tienen?",
    ],
)
def test_asking_what_the_shop_sells_at_all_is_a_catalog_question(text: str) -> None:
    assert extract_entities(text).get("catalog") is True


@pytest.mark.parametrize(
    "text",
    [
        "what bearings do you sell?",
        "what sizes do you have?",
        "do you sell titanium?",
        "what do you have in M8?",
        "what is your return policy?",
        "Was kostet der Fräser?",
    ],
)
def test_a_question_about_some_products_is_not_one_about_the_catalog(text: str) -> None:
    assert "catalog" not in extract_entities(text)


@pytest.mark.parametrize(
    ("text", "sold"),
    [
        ("do you sell titanium?", True),
        ("Verkaufen Sie auch Messing?", True),
        ("¿Venden latón?", True),
        ("Do you sell to private persons?", False),
        ("Verkaufen Sie auch an Privatpersonen?", False),
        ("¿Venden también a particulares?", False),
    ],
)
def test_selling_to_someone_is_no_question_whether_a_thing_is_sold(text: str, sold: bool) -> None:
    assert bool(ASKS_WHAT_IS_SOLD.search(text)) is sold


def test_a_follow_up_with_its_own_question_is_asked_without_its_and() -> None:
    assert without_and_then("und wo sind Sie?") == "wo sind Sie?"
    assert without_and_then("¿y dónde están?") == "dónde están?"
    assert without_and_then("where are you?") == "where are you?"


@pytest.mark.parametrize(
    ("text", "own_order"),
    [
        ("¿Dónde está mi pedido?", True),
        ("when will my order arrive?", True),
        ("Wann kommt meine Bestellung?", True),
        ("Wo bleibt meine Lieferung?", True),
        ("what is the status of my order?", True),
        ("how long does delivery take?", False),
        ("can I pick up my order in person?", False),
        ("can I return my order?", False),
        ("when do you deliver?", False),
    ],
)
def test_a_question_where_or_when_ones_own_order_is(text: str, own_order: bool) -> None:
    assert bool(ABOUT_OWN_ORDER.search(text)) is own_order


def test_several_counts_and_nothing_else_are_counts_not_sizes() -> None:
    assert extract_entities("how much for 10 and 20?")["counts"] == [10, 20]
    assert extract_entities("Was kosten 10 und 20 Stück?")["counts"] == [10, 20]
    assert extract_entities("1,000 and 2,000 pcs?")["counts"] == [1000, 2000]
    assert "counts" not in extract_entities("6, 8 and 12 mm?")
    assert "counts" not in extract_entities("price for 3 AL-6061-10-500x500 and 10 ER32-06")
    assert "counts" not in extract_entities("and for 25?")


def test_thanks_without_a_yes_closes_rather_than_accepts() -> None:
    assert thanks_only("ok, thanks") and thanks_only("vale, gracias") and thanks_only("okay danke")
    assert not thanks_only("yes please, thanks") and not thanks_only("sí, gracias") and not thanks_only("ok")


def test_names_and_order_statuses_are_written_in_the_customers_language() -> None:
    assert listed(["Bearings", "Fasteners", "Workholding"], "de") == "Bearings, Fasteners und Workholding"
    assert listed(["Bearings", "Fasteners"], "es") == "Bearings y Fasteners"
    assert listed(["Bearings"], "en") == "Bearings"
    assert order_status_word("pending", "de") == "offen"
    assert order_status_word("confirmed", "es") == "confirmado"
    assert order_status_word("pending", "en") == "pending"
    assert order_status_word("on_hold", "de") == "on hold"


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Ist das Kugellager BR-6305-ZZ lieferbar?", "de"),
        ("¿Tienen EM-C10-2F en stock?", "es"),
        ("¿Venden titanio?", "es"),  # the opening ¿ says it, whatever the words
        ("Verkaufen Sie Titan?", "de"),
        ("Wo ist meine Bestellung ORD-2026-00001?", "de"),
        ("Is BR-6305-ZZ in stock?", "en"),
        ("Sägt ihr Aluplatten zu?", "de"),
        ("¿Cuál es su dirección?", "es"),
        ("¿Puedo pagar con transferencia?", "es"),
        ("Estoy muy enfadada, el pedido llegó dañado y nadie me responde", "es"),
    ],
)
def test_part_and_order_numbers_do_not_hide_the_language(text: str, language: str) -> None:
    assert detect_language(text) == language


def test_a_german_answer_without_question_words_is_german() -> None:
    # The demo shop's German answer on private customers was taken for English and said to be a note in English
    answer = "Ja, wir verkaufen an Firmen und Privatkunden gleichermaßen: Sie können auch ohne Kundenkonto bestellen."
    assert detect_language(answer) == "de"
    assert detect_language("Ohne Kundenkonto zahlen Sie im Voraus per Überweisung.") == "de"


def test_an_email_address_does_not_make_a_spanish_answer_english() -> None:
    # The business's Spanish note on its hours was prefaced "we only have a note in English"
    hours = (
        "De lunes a viernes de 07:30 a 17:00 CET. Teléfono +49 711 555 0000, correo sales@demo.parley.dev."
    )
    assert detect_language(hours) == "es"
    returns = (
        "Artículos estándar sin usar dentro de los 30 días posteriores a la entrega; el material cortado a "
        "medida no se puede devolver."
    )
    assert detect_language(returns) == "es"
    assert detect_language("Write to sales@demo.parley.dev or see https://demo.parley.dev/hours") == "en"


@pytest.mark.parametrize(
    ("text", "same_of"),
    [
        ("and to Switzerland?", True),
        ("and on saturday?", True),
        ("¿y a Suiza?", True),
        ("what about paypal?", True),
        ("Und wie lange dauert sie?", False),  # its own question
        ("and how much is it?", False),
        ("do you ship to Switzerland?", False),
    ],
)
def test_a_follow_up_names_only_what_the_last_question_is_asked_of(text: str, same_of: bool) -> None:
    assert asks_the_same_of(text) is same_of


def test_a_template_with_a_missing_value_is_not_used() -> None:
    templates = Templates()
    with pytest.raises(KeyError):
        templates.render("stock", "en", unit="pcs")
    assert templates.render("stock", "de", available=5, unit="Stk") == "5 Stk sind auf Lager."


def test_a_part_number_makes_an_unclassified_message_a_catalog_question() -> None:
    assert _catalog_follow_up({"skus": ["VC-125"]}, {}) == "product_question"
    assert _catalog_follow_up({"skus": ["ER32-18"]}, {"last_intent": "price_quote"}) == "price_quote"
    assert _catalog_follow_up({"skus": ["ER32-18"]}, {"last_intent": "order_status"}) == "product_question"
    assert _catalog_follow_up({}, {"last_intent": "price_quote"}) is None


def test_a_lone_size_digit_is_searched_last_and_filler_words_not_at_all() -> None:
    assert search_terms("have you got an ER32 collet for 9 mm?") == ["er32", "collet", "9"]
    assert search_terms("do you carry a 10 mm 2 flute carbide end mill?")[:2] == ["10", "carbide"]


@pytest.mark.parametrize(
    ("count", "unit", "language", "written"),
    [
        (229, "box", "en", "boxes"),
        (1, "box", "en", "box"),
        (40, "bar", "en", "bars"),
        (40, "pcs", "en", "pcs"),
        (1, "pcs", "en", "piece"),
        (12, "kg", "en", "kg"),
        (229, "box", "de", "Boxen"),
        (1, "can", "es", "lata"),
        (3, "Karton", "de", "Karton"),
        (20, "pcs", "de", "Stück"),
        (1, "pcs", "es", "pieza"),
        (10, "pcs", "es", "piezas"),
    ],
)
def test_an_english_unit_follows_its_count(count: int, unit: str, language: str, written: str) -> None:
    assert counted_unit(count, unit, language) == written


@pytest.mark.parametrize(
    "text",
    ["what is your cheapest end mill?", "Was kostet der günstigste Bohrer?", "¿Cuál es la fresa más barata?"],
)
def test_asking_for_the_cheapest_is_an_entity_and_not_a_product_word(text: str) -> None:
    assert extract_entities(text)["cheapest"] is True
    assert not {"cheapest", "günstigste", "más", "barata"} & set(search_terms(text))


@pytest.mark.parametrize(
    "text", ["and the most expensive?", "welcher ist der teuerste?", "¿cuál es la más cara?"]
)
def test_asking_for_the_dearest_is_an_entity_and_not_a_product_word(text: str) -> None:
    found = extract_entities(text)
    assert found["dearest"] is True
    assert "cheapest" not in found
    assert search_terms(text) == []


@pytest.mark.parametrize(
    ("text", "follows"),
    [
        ("are they zinc plated?", True),
        ("is it rust proof?", True),
        ("are they zinc plated", False),  # not a question
        ("do you sell gift cards?", False),  # refers to nothing
        ("what sizes?", True),
        ("¿Qué medidas hay?", True),
    ],
)
def test_a_question_about_it_or_them_after_a_product_is_about_that_product(text: str, follows: bool) -> None:
    entities = extract_entities(text)
    assert _product_follow_up(text, entities, {"last_product": {"sku": "HB-M12x20-A2"}}) is follows
    assert _product_follow_up(text, entities, {}) is False


def test_which_one_is_cheaper_after_a_list_asks_prices_unless_it_names_a_percent() -> None:
    listed = {"last_query": "6205 bearing", "last_product": {"sku": "BR-6205-2RS"}}
    for text in ("which one is cheaper?", "Welches ist billiger?"):
        assert _cheaper_follow_up(text, extract_entities(text), listed)
        assert not _cheaper_follow_up(text, extract_entities(text), {})
    text = "give me 10% off, it should be cheaper"
    assert not _cheaper_follow_up(text, extract_entities(text), listed)


@pytest.mark.parametrize(
    ("text", "ordinal"),
    [
        ("the second one, how much?", 1),
        ("and the first one?", 0),
        ("Und den zweiten?", 1),
        ("el primero, por favor", 0),
        ("the last one", -1),
        ("my last order", None),
        ("first time ordering here", None),
    ],
)
def test_the_second_one_points_into_the_last_list(text: str, ordinal: int | None) -> None:
    assert extract_entities(text).get("ordinal") == ordinal


def test_a_product_kind_in_german_or_spanish_is_recognised_for_the_intent() -> None:
    assert names_a_kind_in_translation("Haben Sie Bohrer?")
    assert names_a_kind_in_translation("¿Tienen tuercas M8?")
    assert names_a_kind_in_translation("¿Tienen mordazas?")
    # A German compound of a material and a kind no glossary lists
    assert names_a_kind_in_translation("Habt ihr Titanplatten?")
    assert names_a_kind_in_translation("Haben Sie Messingrundstangen?")
    assert not names_a_kind_in_translation("do you have drills?")
    assert not names_a_kind_in_translation("Ich habe eine Frage zu meiner Rechnung")


def test_stock_or_price_wording_names_the_question_and_small_words_are_no_search_terms() -> None:
    assert asks_price_or_stock("Ist der auf Lager?") == "stock_check"
    assert asks_price_or_stock("und was kostet der?") == "price_quote"
    assert asks_price_or_stock("danke schön") is None
    assert search_terms("y en stock?") == []
    assert (
        search_terms("noch lieferbar?") == search_terms("still available?") == search_terms("¿quedan?") == []
    )
    assert search_terms("ja bitte bestellen") == search_terms("yeah order them please") == []
    # Packaging counts nothing the catalog can be searched by: the box is every fastener's
    assert sorted(search_terms("the zinc plated ones, 10 boxes please")) == ["10", "plated", "zinc"]


@pytest.mark.parametrize(
    ("text", "says_yes"),
    [
        ("yes", True),
        ("Yes please!", True),
        ("ok, go ahead", True),
        ("Ja, bitte", True),
        ("sí, adelante", True),
        ("yes, but when would it ship?", False),
        ("yesterday's order", False),
        ("no", False),
    ],
)
def test_only_a_message_that_says_yes_and_nothing_else_confirms_an_order(text: str, says_yes: bool) -> None:
    assert bool(AFFIRMATION.search(text)) is says_yes


def test_amounts_are_written_as_the_customers_language_writes_them() -> None:
    assert money("1915.2") == "1,915.20"
    assert money("1915.2", "de") == "1.915,20"
    assert money("0.25", "es") == "0,25"
    assert money("not a number", "de") == "not a number"


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("what's the weight of AL-6061-10-500x500?", True),
        ("how much does one box weigh?", True),
        ("how heavy is it?", True),
        ("Wie schwer ist der Schraubstock?", True),
        ("¿cuánto pesa el VC-125?", True),
        ("how much does one box cost?", False),
        ("is it hard to machine?", False),
    ],
)
def test_a_question_about_weight_is_recognised_and_weight_is_no_search_term(text: str, asks: bool) -> None:
    assert bool(extract_entities(text).get("asks_weight")) is asks
    assert not {"weight", "weigh", "heavy", "schwer", "pesa"} & set(search_terms(text))


@pytest.mark.parametrize(
    ("text", "needs"),
    [
        ("I need a vice", True),
        ("we need some M8 washers", True),
        ("I need a person", False),
        ("I need help with my order", False),
        ("I'm looking for a machine vice", True),
        ("I'm looking for someone to talk to", False),
    ],
)
def test_needing_a_kind_of_product_is_told_from_needing_a_person(text: str, needs: bool) -> None:
    assert bool(NEEDS_A_KIND.search(text)) is needs


@pytest.mark.parametrize(
    ("text", "takes"),
    [
        ("yes, that one", True),
        ("that one please", True),
        ("genau den", True),
        ("ese", True),
        ("that one is wrong", False),
    ],
)
def test_taking_the_product_offered_is_a_whole_message(text: str, takes: bool) -> None:
    assert bool(THAT_ONE.search(text)) is takes


@pytest.mark.parametrize(
    ("text", "pick"),
    [
        ("how much is the bigger one?", "largest"),
        ("was kostet der größere?", "largest"),
        ("¿y el más grande?", "largest"),
        ("and the smaller one?", "smallest"),
        ("der kleinere bitte", "smallest"),
        ("which one is cheaper?", "cheapest"),
    ],
)
def test_one_of_the_matches_is_picked_by_size_or_price(text: str, pick: str) -> None:
    assert extract_entities(text).get(pick) is True


@pytest.mark.parametrize(
    "text",
    [
        "precio de 100 del 2RS",
        "Preis für 100 vom 2RS",
        "was kosten 100 von den 2RS?",
        "price of 100 of the 2RS",
    ],
)
def test_a_count_of_one_of_them_in_every_language(text: str) -> None:
    assert extract_entities(text)["quantity"] == 100


@pytest.mark.parametrize(
    ("text", "changes"),
    [
        ("actually make it 4", True),
        ("doch lieber 4", True),
        ("mejor 4", True),
        ("4 instead please", True),
        ("and 5 ER32-08 please", False),
        ("4 more please", False),
    ],
)
def test_a_change_of_mind_is_told_from_another_order(text: str, changes: bool) -> None:
    assert bool(CHANGES_IT.search(text)) is changes


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("Was kostet die Lieferung in die Schweiz?", True),
        ("how long does delivery to Austria take?", True),
        ("¿Cuánto tarda el envío a Suiza?", True),
        ("Die Lieferung ist zu spät", False),
        ("why was delivery so expensive?!", False),
    ],
)
def test_a_question_what_something_costs_or_takes(text: str, asks: bool) -> None:
    assert bool(ASKS_COST_OR_TIME.search(text)) is asks


def test_a_german_delivery_question_abroad_is_german() -> None:
    assert detect_language("Was kostet die Lieferung in die Schweiz?") == "de"


@pytest.mark.parametrize(
    ("text", "file"),
    [
        ("can you send that as a pdf?", True),
        ("can you send me the quote by email?", True),
        ("Können Sie mir das als PDF schicken?", True),
        ("¿me lo puede mandar por correo?", True),
        ("can you send it to Austria?", False),
        ("what's your email address?", False),
    ],
)
def test_asking_for_a_document_as_a_file(text: str, file: bool) -> None:
    assert asks_for_the_file(text) is file


@pytest.mark.parametrize(
    ("text", "states"),
    [
        ("Necesito 5 VC-125", True),
        ("necesitamos 20 ER32-08", True),
        ("wir brauchen 10 HB-M8x40-88Z", True),
        ("Ich benötige 3 VC-160", True),
        ("we need 10 ER32-08", True),
        ("what do you need from me?", False),
        ("¿necesitas mi número de cliente?", False),
        ("brauchen Sie meine Kundennummer?", False),
    ],
)
def test_a_stated_need_is_told_from_a_question_about_needs(text: str, states: bool) -> None:
    assert bool(STATES_A_NEED.search(text)) is states


@pytest.mark.parametrize(
    ("text", "instead"),
    [
        ("do you have anything cheaper than the EM-C10-4F?", True),
        ("do you have something cheaper?", True),
        ("gibt es etwas Günstigeres?", True),
        ("¿tienen algo más barato que el BR-6204-2RS?", True),
        ("which one is cheaper?", False),
        ("what's your cheapest end mill?", False),
    ],
)
def test_a_cheaper_product_instead_is_told_from_the_cheapest_of_a_list(text: str, instead: bool) -> None:
    entities = extract_entities(text)
    assert bool(entities.get("cheaper_instead")) is instead
    assert bool(entities.get("cheapest")) is not instead
    assert not {"something", "anything", "etwas", "algo", "cheaper", "than"} & set(search_terms(text))


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("when will it arrive?", True),
        ("when will my order arrive?", True),
        ("wann kommt meine Bestellung an?", True),
        ("wann wird sie geliefert?", True),
        ("¿cuándo llega mi pedido?", True),
        ("where is my order?", False),
        ("when do you open?", False),
        ("Wann rufen Sie mich an?", False),
    ],
)
def test_a_question_when_an_order_comes_is_told_from_other_when_questions(text: str, asks: bool) -> None:
    assert bool(ARRIVAL_QUESTION.search(text)) is asks


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("I need 12 of them cut to 250x250", True),
        ("Ich brauche 5 Aluplatten 10 mm, zugeschnitten auf 300x300", True),
        ("Können Sie die Platten auf 300x300 zuschneiden?", True),
        ("necesito 4 placas cortadas a 200x200", True),
        ("do you have end mills to cut aluminium?", False),
        ("Fräser zum Schneiden von Aluminium", False),
    ],
)
def test_cutting_to_a_size_is_asked_for_not_merely_named(text: str, asks: bool) -> None:
    assert bool(CUT_TO_SIZE.search(text)) is asks


def test_a_count_of_boxes_is_told_from_a_bare_count() -> None:
    assert counts_packages("3 boxes please") and counts_packages("ich brauche 3 Boxen")
    assert counts_packages("2 cajas de tuercas")
    assert not counts_packages("I need 250") and not counts_packages("250 nuts")
