"""The graph end to end with the offline engine, on a small shop made through the services."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from parley.agent.conversations import service as conversations
from parley.agent.service import AgentService
from parley.demo.seed import seed_actor
from parley.runtime import Runtime
from parley.tools.pricing import service as pricing
from parley.tools.pricing.schemas import LineIn
from parley.tools.products.schemas import ProductCreate
from parley.tools.products.service import create_product
from parley.tools.stock.service import adjust_stock
from tests.agent.conftest import Shop, an_order_of, open_conversation
from tests.fakes.embedder import HashingEmbedder
from tests.support.tenants import SeededTenants


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", text)}


def _tool_numbers(turn_tool_calls: list[dict]) -> set[str]:
    found: set[str] = set()
    for call in turn_tool_calls:
        blob = f"{call['arguments']} {call['result']}"
        for raw in re.findall(r"\d+(?:\.\d+)?", blob):
            found.add(raw)
            if "." in raw:
                found.add(f"{float(raw):.2f}")
    return found


async def test_a_product_question_is_answered_from_the_catalog_with_stock_and_price(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(
        shop.tenant_id, conversation, "do you have 6061 aluminium plate 10 mm, and what would 40 pieces cost?"
    )
    assert "AL-6061-10-500x500" in turn.response
    assert "120 pcs are in stock" in turn.response
    names = [call["name"] for call in turn.tool_calls]
    assert "check_stock" in names and "calculate_price" in names
    assert turn.entities["quantity"] == 40
    assert turn.status == "answered"


async def test_the_quoted_price_is_the_pricing_calculation(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    async with runtime.db.session(shop.tenant_id) as session:
        expected = await pricing.calculate(
            session,
            seed_actor(shop.tenant_id),
            customer_id=None,
            lines=[LineIn(sku="AL-6061-10-500x500", quantity=40)],
        )
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "price for 40 pcs of AL-6061-10-500x500?")
    assert f"{expected.total_net:,.2f}" in turn.response
    assert f"{expected.total_gross:,.2f}" in turn.response


async def test_every_number_in_a_reply_comes_from_a_tool_result(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    for text in ("do you have 6061 aluminium plate 10 mm?", "and how much is it?", "is BOLT-M8-40 in stock?"):
        turn = await agent.handle_message(shop.tenant_id, conversation, text)
        assert _numbers(turn.response) <= _tool_numbers(turn.tool_calls), turn.response


async def test_a_stock_check_gives_the_available_quantity(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    assert turn.intent == "stock_check"
    assert "5000 pcs are in stock" in turn.response


async def test_a_sold_out_product_is_said_to_be_out_of_stock(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(
        shop.tenant_id, conversation, "do you have the 6204-2RS ball bearing in stock?"
    )
    assert "BRG-6204-2RS" in turn.response
    assert "out of stock" in turn.response


async def test_a_follow_up_refers_to_the_product_just_discussed(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    await agent.handle_message(shop.tenant_id, conversation, "do you have 6061 aluminium plate 12 mm?")
    turn = await agent.handle_message(shop.tenant_id, conversation, "and how much is it?")
    assert turn.intent == "price_quote"
    assert "34.50" in turn.response
    assert any(call["name"] == "calculate_price" for call in turn.tool_calls)


async def test_an_unknown_product_is_not_made_up(runtime: Runtime, agent: AgentService, shop: Shop) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "do you have titanium grade 5 round bar?")
    assert "couldn't find" in turn.response
    assert not _numbers(turn.response) - {"5"}


async def test_an_out_of_scope_message_is_declined(runtime: Runtime, agent: AgentService, shop: Shop) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "tell me a joke about the weather")
    assert turn.intent == "out_of_scope"
    assert turn.response.startswith("Sorry, I can only help")
    assert turn.tool_calls == []


async def test_asking_for_a_person_hands_the_conversation_over(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "I want to talk to a human please")
    assert turn.intent == "human_handoff"
    assert turn.status == "handed_over"
    assert "colleague" in turn.response
    after = await agent.handle_message(shop.tenant_id, conversation, "hello?")
    assert after.response == "" and after.status == "handed_over"


async def test_order_status_is_given_for_the_customers_own_order_only(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    alices = await an_order_of(runtime, shop, shop.alice)
    bobs = await an_order_of(runtime, shop, shop.bob)
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    own = await agent.handle_message(shop.tenant_id, conversation, f"where is my order {alices}?")
    assert own.intent == "order_status"
    assert own.response == f"Order {alices} is pending."
    other = await agent.handle_message(shop.tenant_id, conversation, f"and what about order {bobs}?")
    assert other.response.startswith(f"I couldn't find order {bobs} for your account")
    assert "pending" not in other.response


async def test_without_an_order_number_a_known_customer_hears_of_their_latest_orders(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    older = await an_order_of(runtime, shop, shop.alice)
    newer = await an_order_of(runtime, shop, shop.alice)
    bobs = await an_order_of(runtime, shop, shop.bob)
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(shop.tenant_id, conversation, "where is my order?")
    assert turn.status == "answered"
    assert turn.response == f"Order {newer} is pending. Order {older} is pending."
    assert bobs not in turn.response


async def test_without_an_order_number_or_a_known_customer_the_agent_asks_for_the_number(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    await an_order_of(runtime, shop, shop.alice)
    conversation = await open_conversation(runtime, shop.tenant_id)
    ask = await agent.handle_message(shop.tenant_id, conversation, "where is my order?")
    # The example number in the business's own template is not an invented figure: no hand-off.
    assert ask.status == "answered"
    assert ask.response.startswith("Could you give me your order number?")


async def test_a_bare_part_number_after_a_price_asks_the_price_of_that_part(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    await agent.handle_message(shop.tenant_id, conversation, "how much is BOLT-M8-40?")
    turn = await agent.handle_message(shop.tenant_id, conversation, "and what about AL-6061-12-500x500?")
    assert turn.intent == "price_quote"
    assert "AL-6061-12-500x500" in turn.response and "34.50" in turn.response
    assert "BOLT-M8-40" not in turn.response


async def test_an_unknown_part_number_is_named_as_the_customer_wrote_it(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "tell me about XYZ-999")
    assert turn.response.startswith('I couldn\'t find a product matching "XYZ-999"')


async def test_an_anonymous_visitor_sees_no_order(runtime: Runtime, agent: AgentService, shop: Shop) -> None:
    number = await an_order_of(runtime, shop, shop.alice)
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, f"status of {number}?")
    assert turn.entities["order_numbers"] == [number]
    assert "couldn't find" in turn.response


async def test_a_german_customer_is_answered_in_german(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "Haben Sie BOLT-M8-40 auf Lager?")
    assert "auf Lager" in turn.response
    assert "5000" in turn.response


async def test_a_turn_embeds_the_message_once(
    runtime: Runtime, agent: AgentService, shop: Shop, embedder
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    await agent.handle_message(shop.tenant_id, conversation, "hello")
    before = len(embedder.calls)
    await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    assert embedder.calls[before:] == [["is BOLT-M8-40 in stock?"]]


async def test_the_reply_reports_latency_per_node(runtime: Runtime, agent: AgentService, shop: Shop) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    assert {"embed", "guard_input", "detect_intent", "retrieve", "act", "guard_output", "respond"} <= set(
        turn.metrics["latency_ms"]
    )
    assert turn.guardrails["input"]["verdict"] == "pass"
    assert turn.metrics["engine"] == "offline"


async def test_three_misunderstood_messages_in_a_row_go_to_a_person(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    statuses = []
    for text in ("tell me a joke", "who wins the next election?", "what's the weather tomorrow?"):
        statuses.append((await agent.handle_message(shop.tenant_id, conversation, text)).status)
    assert statuses == ["answered", "answered", "handed_over"]


async def test_the_demo_shop_answers_the_aluminium_plate_example(
    runtime: Runtime, agent: AgentService, demo_shop: SeededTenants
) -> None:
    conversation = await open_conversation(runtime, demo_shop.demo_id)
    turn = await agent.handle_message(
        demo_shop.demo_id,
        conversation,
        "do you have 6061 aluminium plate 10 mm, and what would 40 pieces cost?",
    )
    assert "Aluminium plate 6061-T6 10 mm" in turn.response
    assert "in stock" in turn.response
    price = next(call for call in turn.tool_calls if call["name"] == "calculate_price")
    assert price["result"]["lines"][0]["quantity"] == 40
    assert f"{float(price['result']['total_net']):,.2f}" in turn.response


class _BrokenEmbedder:
    model_name = "test:broken"

    def embed(self, texts: list[str], *, batch_size: int = 64):
        raise RuntimeError("the model file is gone")


async def test_a_failing_turn_hands_over_instead_of_dropping_the_customer(
    runtime: Runtime, shop: Shop
) -> None:
    broken = AgentService(runtime, embedder=_BrokenEmbedder())
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await broken.handle_message(shop.tenant_id, conversation, "hello")
    assert turn.status == "handed_over"
    assert "colleague" in turn.response


class _BrokenGuardrails:
    def for_turn(self, *_args: object, **_kwargs: object) -> object:
        raise ValueError("the guardrail settings cannot be built")


async def test_guardrails_that_cannot_be_built_hand_the_turn_over_and_keep_the_message(
    runtime: Runtime, shop: Shop, embedder: HashingEmbedder
) -> None:
    agent = AgentService(runtime, embedder=embedder, guard=_BrokenGuardrails())
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    await agent.aclose()
    assert turn.status == "handed_over" and "colleague" in turn.response
    async with runtime.db.session(shop.tenant_id) as session:
        stored = await conversations.recent_messages(session, conversation)
    assert [(m.role, m.text) for m in stored] == [
        ("customer", "is BOLT-M8-40 in stock?"),
        ("agent", turn.response),
    ]


async def test_a_message_count_that_cannot_be_read_hands_the_turn_over_and_keeps_the_message(
    runtime: Runtime, agent: AgentService, shop: Shop, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def unreadable(*_args: object, **_kwargs: object) -> int:
        raise ConnectionError("the message count could not be read")

    monkeypatch.setattr(conversations, "count_messages", unreadable)
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    assert turn.status == "handed_over" and "colleague" in turn.response
    async with runtime.db.session(shop.tenant_id) as session:
        stored = await conversations.recent_messages(session, conversation)
    assert [(m.role, m.text) for m in stored] == [
        ("customer", "is BOLT-M8-40 in stock?"),
        ("agent", turn.response),
    ]


async def test_a_plural_names_the_product(runtime: Runtime, agent: AgentService, shop: Shop) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "do you have aluminium plates?")
    assert "AL-6061-" in turn.response
    assert "couldn't find" not in turn.response


async def test_the_count_is_read_before_a_part_number_and_after_a_follow_up(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    first = await agent.handle_message(shop.tenant_id, conversation, "how much are 40 of the BOLT-M8-40?")
    assert "For 40 pcs" in first.response and "10.00 EUR net" in first.response
    again = await agent.handle_message(shop.tenant_id, conversation, "and 1000?")
    assert again.intent == "price_quote"
    assert "For 1000 pcs" in again.response and "250.00 EUR net" in again.response


async def test_a_part_code_finds_the_product_among_words_the_catalog_does_not_use(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "Haben Sie Kugellager 6204 auf Lager?")
    assert "BRG-6204-2RS" in turn.response
    price = await agent.handle_message(shop.tenant_id, conversation, "Was kosten 20 Stück?")
    assert price.intent == "price_quote"
    assert "Für 20 Stück" in price.response and "96,00 EUR netto" in price.response


async def test_a_cancellation_or_a_refund_goes_to_a_person(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    number = await an_order_of(runtime, shop, shop.alice)
    cancel = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(shop.tenant_id, cancel, f"can you cancel my order {number}?")
    assert (turn.intent, turn.status) == ("human_handoff", "handed_over")
    assert "pending" not in turn.response
    refund = await open_conversation(runtime, shop.tenant_id, shop.alice)
    turn = await agent.handle_message(shop.tenant_id, refund, "I want a refund")
    assert turn.status == "handed_over" and "colleague" in turn.response


async def test_a_quote_for_several_products_prices_each_with_its_own_count(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(
        shop.tenant_id, conversation, "price for 40 BOLT-M8-40, 2 AL-6061-12-500x500 and 3 XYZ-999 please"
    )
    assert turn.intent == "price_quote"
    assert "40 pcs Hex bolt M8x40 zinc plated (BOLT-M8-40): 0.25 EUR each, 10.00 EUR net." in turn.response
    assert "2 pcs Aluminium plate 6061-T6 12 mm 500x500 (AL-6061-12-500x500): 34.50 EUR each" in turn.response
    assert "Total: 79.00 EUR net" in turn.response
    assert 'I couldn\'t find a product matching "XYZ-999"' in turn.response
    priced = [call for call in turn.tool_calls if call["name"] == "calculate_price"]
    assert len(priced) == 1 and len(priced[0]["arguments"]["lines"]) == 2
    assert _numbers(turn.response) <= _tool_numbers(turn.tool_calls), turn.response


async def _add_product(
    runtime: Runtime, shop: Shop, sku: str, name: str, price: str, on_hand: int, **fields: str
) -> None:
    actor = seed_actor(shop.tenant_id)
    async with runtime.db.transaction(shop.tenant_id) as session:
        product = await create_product(
            session, actor, data=ProductCreate(sku=sku, name=name, price=Decimal(price), **fields)
        )
        await adjust_stock(session, actor, product.id, mode="set", quantity=on_hand, reason="count")


async def test_the_cheapest_is_the_lowest_priced_of_the_matching_products(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    await _add_product(
        runtime, shop, "AL-6061-20-500x500", "Aluminium plate 6061-T6 20 mm 500x500", "19.90", 3
    )
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "what is your cheapest aluminium plate?")
    assert "(SKU AL-6061-20-500x500)" in turn.response
    assert "19.90 EUR" in turn.response


async def test_the_product_kind_outweighs_words_many_products_share(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    for length in (20, 30, 40, 60):
        await _add_product(
            runtime, shop, f"HB-M10x{length}-A2", f"Hex bolt M10 x {length} stainless steel A2", "8.10", 50
        )
    await _add_product(
        runtime,
        shop,
        "DR-HSSCO-08",
        "HSS-Co twist drill 8 mm",
        "9.70",
        40,
        description="Cobalt high speed steel twist drill DIN 338.",
    )
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "do you have drills for stainless steel?")
    assert "(SKU DR-HSSCO-08)" in turn.response
    assert "HB-M10" not in turn.response


async def test_a_count_of_boxes_is_written_in_the_plural(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    await _add_product(
        runtime, shop, "HN-M8-A2", "Hex nut M8 stainless steel A2, box of 100", "6.40", 229, unit="box"
    )
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "how many boxes of HN-M8-A2 do you have?")
    assert "229 boxes are in stock" in turn.response
    price = await agent.handle_message(shop.tenant_id, conversation, "and how much for 1 box?")
    assert "For 1 box:" in price.response


async def test_a_new_part_code_after_a_product_names_the_new_part(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    await _add_product(
        runtime, shop, "BRG-6205-2RS", "Ball bearing 6205-2RS", "5.90", 30, category="Bearings"
    )
    conversation = await open_conversation(runtime, shop.tenant_id)
    await agent.handle_message(shop.tenant_id, conversation, "do you have 6204 bearings?")
    turn = await agent.handle_message(shop.tenant_id, conversation, "do you have 6205 bearings?")
    assert "(SKU BRG-6205-2RS)" in turn.response


async def test_a_question_about_them_looks_among_the_variants_of_the_product_just_discussed(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    await _add_product(runtime, shop, "BOLT-M8-40-A2", "Hex bolt M8x40 stainless steel A2", "0.60", 800)
    conversation = await open_conversation(runtime, shop.tenant_id)
    await agent.handle_message(shop.tenant_id, conversation, "is BOLT-M8-40 in stock?")
    turn = await agent.handle_message(shop.tenant_id, conversation, "are they stainless steel?")
    # The zinc plated bolt asked about is not said to be stainless; its stainless variant is named as another
    assert turn.response.startswith(
        'Our catalog doesn\'t say "stainless steel" of Hex bolt M8x40 zinc plated'
    )
    assert "(BOLT-M8-40-A2): Hex bolt M8x40 stainless steel A2" in turn.response


async def test_which_one_is_cheaper_picks_among_the_products_just_listed(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    await _add_product(runtime, shop, "BRG-6204-ZZ", "Ball bearing 6204-ZZ", "4.50", 60, category="Bearings")
    conversation = await open_conversation(runtime, shop.tenant_id)
    listed = await agent.handle_message(shop.tenant_id, conversation, "do you have 6204 bearings?")
    assert "BRG-6204-2RS" in listed.response and "BRG-6204-ZZ" in listed.response
    turn = await agent.handle_message(shop.tenant_id, conversation, "which one is cheaper?")
    assert turn.status == "answered"
    assert "(SKU BRG-6204-ZZ)" in turn.response
    assert "4.50 EUR" in turn.response


async def test_a_sold_out_product_comes_with_an_equally_good_one_in_stock(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    await _add_product(runtime, shop, "BRG-6204-ZZ", "Ball bearing 6204-ZZ", "4.50", 60, category="Bearings")
    conversation = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, conversation, "do you have 6204 bearings?")
    assert "(SKU BRG-6204-2RS)" in turn.response
    assert (
        "It is out of stock at the moment. In stock instead: Ball bearing 6204-ZZ (BRG-6204-ZZ), 60 pcs."
        in (turn.response)
    )


async def test_the_second_one_is_the_second_product_just_listed(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id)
    listed = await agent.handle_message(shop.tenant_id, conversation, "do you have aluminium plates?")
    assert listed.response.index("AL-6061-10-500x500") < listed.response.index("AL-6061-12-500x500")
    turn = await agent.handle_message(shop.tenant_id, conversation, "the second one, how much?")
    assert "(SKU AL-6061-12-500x500)" in turn.response
    assert "34.50 EUR" in turn.response


async def test_german_and_spanish_product_words_find_an_english_catalog(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    german = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, german, "Haben Sie Kugellager?")
    assert "BRG-6204-2RS" in turn.response
    spanish = await open_conversation(runtime, shop.tenant_id)
    turn = await agent.handle_message(shop.tenant_id, spanish, "¿Tienen placas de aluminio?")
    assert "AL-6061-10-500x500" in turn.response


async def test_a_yes_to_the_offered_colleague_hands_over_and_otherwise_means_nothing(
    runtime: Runtime, agent: AgentService, shop: Shop
) -> None:
    conversation = await open_conversation(runtime, shop.tenant_id, shop.alice)
    missing = await agent.handle_message(shop.tenant_id, conversation, "where is my order ORD-2026-99999?")
    assert "or I can pass you to a colleague" in missing.response
    accepted = await agent.handle_message(shop.tenant_id, conversation, "yes please")
    assert (accepted.intent, accepted.status) == ("human_handoff", "handed_over")
    other = await open_conversation(runtime, shop.tenant_id, shop.alice)
    await agent.handle_message(shop.tenant_id, other, "is BOLT-M8-40 in stock?")
    unasked = await agent.handle_message(shop.tenant_id, other, "yes please")
    assert unasked.status != "handed_over"
