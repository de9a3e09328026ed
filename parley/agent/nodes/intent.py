"""Detect the intent and the pattern entities, on the embedding computed once for the turn."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.llm.sending import signal_when_sent
from parley.agent.nodes import timed
from parley.agent.offline.classifier import THRESHOLD_CONFIDENCE
from parley.agent.offline.entities import (
    AFFIRMATION,
    ASKS_COST_OR_TIME,
    BACK_REFERENCE,
    BACK_REFERENCE_EN,
    CHANGES_IT,
    COMPLAINS,
    PERCENT,
    STATES_A_NEED,
    THAT_ONE,
    asks_the_same,
    asks_the_same_of,
    compares_prices,
    counts_packages,
    extract_entities,
    search_terms,
    thanks_only,
)
from parley.agent.offline.language import detect_language
from parley.agent.offline.planner import asks_for_quotation, asks_for_the_file, asks_price_or_stock
from parley.agent.offline.products import (
    compared_skus,
    names_a_category,
    names_a_kind,
    names_a_kind_in_translation,
    prefetch_product,
    shares_a_word,
)
from parley.agent.state import AgentState
from parley.knowledge.glossary import topics

__all__ = ["ESCALATING_INTENTS", "detect_intent", "route_after_intent"]

_log = logging.getLogger(__name__)
ESCALATING_INTENTS = frozenset({"human_handoff", "complaint", "invoice_question"})
"""What goes straight to a person. A discount request and an order go through ``act``, which asks for the
discount or places the order, and hands over or waits for approval when it may not do that alone."""
_CHATTY = frozenset({"greeting", "goodbye"})
#: What "can you send that as a pdf?" after a quotation may be read as; an invoice question stays one.
_QUOTATION_FILE_LOOKALIKES = frozenset(
    {"faq", "price_quote", "product_question", "stock_check", "place_order", "out_of_scope"}
)
#: The confidence of a "yes" to the order or the person the agent has just offered: no guess about it.
_CONFIRMED = 0.95
PROPOSAL_KEPT_THROUGH = 3
"""How many FAQ questions in a row an order proposal waits through; each answer repeats the proposal's question."""
_CATALOG = frozenset({"product_question", "price_quote", "stock_check"})
#: What a reply to "which product, and how many?" may be taken for: it goes on with the order instead.
_ORDER_ANSWERS = frozenset({*_CATALOG, "out_of_scope", "greeting", "goodbye"})
#: What "which one is cheaper?" is taken for when it asks for prices.
_PRICE_LOOKALIKES = frozenset(
    {"out_of_scope", "discount_request", "invoice_question", "faq", "human_handoff", "complaint", "greeting"}
)
#: What a question naming a product kind in German or Spanish is taken for when it is a catalog question.
_CATALOG_LOOKALIKES = frozenset({"out_of_scope", "discount_request", "invoice_question"})
_SHORT_QUESTION_WORDS = 3
"""At most this many words make a question that can only be about the product just discussed ("¿quedan?")."""
_ASKS_OF_THE_PRODUCT = (
    "asks_attribute",
    "asks_weight",
    "asks_origin",
    "package_question",
    "compares",
    "variants",
)
"""What a product question with a count may still ask of the product itself, besides its price."""
#: What "do you have something cheaper?" is taken for when it asks for a cheaper product of the kind.
_CHEAPER_LOOKALIKES = frozenset({*_CATALOG, *_CATALOG_LOOKALIKES, "place_order"})
#: What a short answer to "We sell ... What are you looking for?" is taken for when it names a category.
_CATEGORY_ANSWERS = frozenset({*_CATALOG_LOOKALIKES, "complaint", "faq", "greeting", "goodbye"})
_SHORT_ANSWER_WORDS = 4
_THE_ONE = re.compile(
    r"^\W*(?:the\s+\S+(?:\s+\S+)?\s+one|(?:die|den|das|der)\s+(?:mit\s+)?\d+\s*mm|"
    r"(?:el|la|los|las)\s+de\s+\d+\s*mm)\W*$",
    re.IGNORECASE,
)
"""After a list, the one of a size or a code: "the 50mm one", "die 30mm", "la de 8 mm"."""


async def _llm_understanding(state: AgentState, ctx: AgentContext) -> Any:
    """The LLM's reading of the message, or None when it failed (the offline classifier answers)."""
    from parley.agent.llm.engine import LLMUnavailable

    try:
        return await ctx.llm.understand(state, ctx)
    except LLMUnavailable as exc:
        _log.warning("LLM intent failed, using the offline classifier: %s", exc)
        ctx.fallbacks.append("detect_intent")
        return None


def _quantity_follow_up(text: str, entities: dict[str, Any], memory: dict[str, Any]) -> bool:
    """A bare count right after a product was discussed ("and for 25?") asks its price for that count."""
    quantity = entities.get("quantity")
    if quantity is None or not memory.get("last_product"):
        return False
    return set(search_terms(text)) <= {str(quantity)}


_ORDINAL_WORDS = 4
"""At most this many words for an ordinal alone to pick one of a list: "die erste", "the second one please"."""


def _one_of_the_list(text: str, entities: dict[str, Any], memory: dict[str, Any]) -> bool:
    picked = _THE_ONE.search(text) or (
        entities.get("ordinal") is not None and len(text.split()) <= _ORDINAL_WORDS
    )
    return bool(memory.get("last_listed") and picked)


def _product_follow_up(text: str, entities: dict[str, Any], memory: dict[str, Any]) -> bool:
    """A question about "it" or "them", or about the sizes, right after a product asks about that product.

    "are they zinc plated?", "what sizes?".
    """
    refers = bool(BACK_REFERENCE_EN.search(text) or entities.get("variants"))
    return bool(memory.get("last_product")) and text.rstrip().endswith("?") and refers


def _names_one_listed(text: str, memory: dict[str, Any]) -> bool:
    """Whether the message names one of the products just listed by a part of its SKU ("the 2RS one")."""
    return shares_a_word(text, [str(sku) for sku in memory.get("last_listed") or []])


def _cheaper_follow_up(text: str, entities: dict[str, Any], memory: dict[str, Any]) -> bool:
    """A question which of the products just listed, or of a kind, is cheaper asks prices, not for a discount.

    "which one is cheaper?" after a list; "what is the most expensive vice?" (read as out of scope).
    """
    asks_of = bool(memory.get("last_query")) or names_a_kind(text)
    return compares_prices(entities) and asks_of and not re.search(PERCENT, text)


def _catalog_follow_up(entities: dict[str, Any], memory: dict[str, Any]) -> str | None:
    """A message that names a part number, or one of the products just listed, is about the catalog.

    Even when its wording is too short to classify: "tell me about VC-125" is a product question; "and what
    about ER32-18?" right after a price asks the same of the new part, and so does "and the first one?", even
    when read as another catalog question ("und BR-6204-2RS?" as a stock check).
    """
    if not entities.get("skus") and not (entities.get("ordinal") is not None and memory.get("last_listed")):
        return None
    last = memory.get("last_intent")
    return last if last in _CATALOG else "product_question"


@timed("detect_intent")
async def detect_intent(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Intent, confidence, alternatives, language and entities; counts low-confidence misses in a row."""
    ctx = runtime.context
    memory = dict(state.get("memory") or {})
    # An order proposed in the last reply stands for this message only: "yes" places it, an answered FAQ
    # question keeps it (see PROPOSAL_KEPT_THROUGH), anything else drops it.
    proposal = memory.pop("proposed_order", None)
    order_question = memory.pop("order_question", False)
    order_count = memory.pop("order_count", None)
    offered_person = memory.pop("offered_person", False)
    categories = memory.pop("listed_categories", None)
    suggested = memory.pop("suggested_product", None)
    placed = memory.pop("order_placed", None)
    package_told = memory.pop("package_told", False)
    text = state["text"]
    language = detect_language(text, memory.get("language"))
    entities = extract_entities(text)
    if entities.get("package_question"):
        memory["package_told"] = True
    elif package_told and entities.get("quantity") is not None and not counts_packages(text):
        # "I need 250" right after "how many are in a box?" counts the things, not 250 boxes of them
        entities["counts_pieces"] = True
    understood = None
    if ctx.llm is not None:
        sent = asyncio.Event()
        with signal_when_sent(sent):
            understanding = asyncio.ensure_future(_llm_understanding(state, ctx))
        understanding.add_done_callback(lambda _done: sent.set())  # sent or failed before it was
        if not (entities.get("order_numbers") or entities.get("invoice_numbers")):
            # The catalog searches run while the model reads, once the request is out
            prefetch_product(ctx.tools, text, entities, memory.get("last_product"), after=sent)
        understood = await understanding
    if understood is not None:
        intent, confidence, alternatives = understood.intent, understood.confidence, []
        entities = {**entities, **understood.entities}
    else:
        prediction = ctx.engine.intents.predict(text, ctx.vector)
        intent, confidence = prediction.intent, prediction.confidence
        alternatives = [{"intent": a.intent, "confidence": a.confidence} for a in prediction.alternatives]
        listed = [str(sku) for sku in memory.get("last_listed") or []]
        if entities.get("package_question") or compared_skus(
            text, entities, listed, memory.get("discussed") or []
        ):
            # "how many are in a box?" asks what the product's unit of sale holds (it read as out of scope);
            # "what's the difference between the 125 and the 160?" asks to describe both
            intent, confidence = "product_question", max(confidence, THRESHOLD_CONFIDENCE)
        # A bare count cannot be a greeting or a goodbye either: "Was kosten 20 Stück?" read as "goodbye".
        elif (intent == "out_of_scope" or intent in _CHATTY) and _quantity_follow_up(text, entities, memory):
            # After "how many would you like to order?" the count is the order's
            ordering = memory.get("last_intent") == "place_order"
            intent = "place_order" if ordering else "price_quote"
            confidence = max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            intent == "out_of_scope"
            and memory.get("last_product")
            and len(text.split()) <= _SHORT_QUESTION_WORDS
            and text.rstrip().endswith("?")
            and not search_terms(text)
            and (asked := asks_price_or_stock(text))
        ):
            # "¿quedan?" after a vice (read as out of scope): its stock
            intent, confidence = asked, max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            proposal
            and asks_the_same(text)
            and entities.get("quantity") is None  # "and 5 boxes?" proposes the new count
            and (
                intent in {*_CATALOG, *_CATALOG_LOOKALIKES, "place_order"}
                or (intent == "faq" and entities.get("skus"))
            )
            and not re.search(PERCENT, text)
        ):
            # "what about the VC-160?" or "what about m10?" right after 5 VC-125 or 20 M8 nuts were proposed asks
            # the price of as many (it got their stock), and so does "¿y el VC-160?" (read as an FAQ question);
            # the proposal lapses, as for any other message
            intent, confidence = "price_quote", max(confidence, THRESHOLD_CONFIDENCE)
        elif (intent == "out_of_scope" or (intent in _CATALOG and asks_the_same(text))) and (
            catalog := _catalog_follow_up(entities, memory)
        ):
            intent, confidence = catalog, max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            memory.get("last_faq")
            and asks_the_same_of(text)
            and intent in ("faq", "out_of_scope", *_CATALOG_LOOKALIKES, *_CHATTY)
            and not thanks_only(text)
            and not entities.get("skus")
            and not names_a_kind(text)
        ):
            # "and to Switzerland?" after the delivery times (read as out of scope): the same question of it
            intent, confidence = "faq", max(confidence, THRESHOLD_CONFIDENCE)
            entities["faq_follow_up"] = memory["last_faq"]
        elif (
            (intent in _CATALOG or (intent == "place_order" and text.rstrip().endswith("?")))
            and asks_the_same(text)
            and memory.get("last_intent") in _CATALOG
            and not asks_price_or_stock(text)
        ):
            # "and the 16 mm one?" after a price asks its price too (it was read as a stock check), and "and 5
            # boxes?" asks the price of 5 (it was read as an order)
            intent = memory["last_intent"]
        elif (
            intent in ("stock_check", "product_question", "price_quote")
            and (entities.get("skus") or names_a_kind(text))
            and entities.get("quantity") is not None
            and STATES_A_NEED.search(text)
            and not asks_price_or_stock(text)
            and not asks_for_quotation(text)
        ):
            # "Necesito 5 VC-125" read as a stock question (stock, no price), "Ich brauche 3 HN-M10-A2 und 2
            # HN-M8-A2" as a product question, "Quiero 3 cajas de ... y 200 piezas de ..." as a price question:
            # what "I need 5 VC-125" gets ("Ich brauche ein Angebot für ..." stays a quotation). Without a part
            # number, "I need 4 round bars 20 mm" gets what 4 cost, as "Ich brauche 10 Alu-Platten 10 mm" does.
            ordered = "place_order" if entities.get("skus") else "price_quote"
            intent, confidence = ordered, max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            intent == "product_question"
            and entities.get("quantity") is not None
            and memory.get("last_product")
            and not any(entities.get(key) for key in _ASKS_OF_THE_PRODUCT)
            and not STATES_A_NEED.search(text)
        ):
            # "the 12 mm one, 10 pieces" after the sizes of a collet (read as a question about it): what 10 cost
            intent = "price_quote"
        elif (
            intent == "price_quote"
            and entities.get("quantity") is None
            and asks_price_or_stock(text) == "stock_check"
            and not asks_for_quotation(text)
        ):
            # "¿Tienen placas de aluminio de 10 mm?" (read as a price question, and priced for one): whether
            # there are any, as "do you have ...?" is answered
            intent = "stock_check"
        elif intent in _CATALOG_LOOKALIKES and entities.get("skus") and not re.search(PERCENT, text):
            # "ER32-08 for 12?" read as a discount request: a part number with no percent is about the catalog
            catalog = "price_quote" if entities.get("quantity") else _catalog_follow_up(entities, memory)
            intent, confidence = catalog or "product_question", max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            intent == "out_of_scope"
            and asks_the_same(text)
            and memory.get("last_product")
            and search_terms(text)
        ):
            # "what about 1000x500?" after a plate asks the same of that size
            last = memory.get("last_intent")
            intent = last if last in _CATALOG else "product_question"
            confidence = max(confidence, THRESHOLD_CONFIDENCE)
        elif (intent not in _CATALOG and _one_of_the_list(text, entities, memory)) or (
            intent == "out_of_scope" and _product_follow_up(text, entities, memory)
        ):
            # "die 30mm" or "die erste" after a list of collets, whatever it was read as (a complaint)
            intent, confidence = "product_question", max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            intent == "faq"
            and (entities.get("asks_weight") or entities.get("asks_origin"))
            and (entities.get("skus") or memory.get("last_product") or names_a_kind(text))
        ):
            # "¿cuánto pesa el VC-125?" read as a question about shipping costs: the weight of a product, and
            # "where are they made?" is about the product just discussed; "¿Cuánto pesa la mordaza de 125?"
            # (priced as the first catalog intent it was also read as) about the vice it names
            intent, confidence = "product_question", max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            entities.get("asks_attribute")
            and (
                (intent in ("faq", "out_of_scope") and memory.get("last_product") and not names_a_kind(text))
                or (intent == "complaint" and not COMPLAINS.search(text))
            )
            and not topics(text, language)
            and search_terms(text)
        ):
            # "Ist der rostfrei?" after a bearing (read as a policy question), "¿Son galvanizados?" (read as a
            # complaint): a feature of the product discussed
            intent, confidence = "product_question", max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            entities.get("cheaper_instead")
            and (entities.get("skus") or memory.get("last_product"))
            and intent in _CHEAPER_LOOKALIKES
        ):
            # "do you have something cheaper?" (read as haggling, or as an order): cheaper products of its kind
            intent, confidence = "price_quote", max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            "vat" in topics(text, language)
            and memory.get("last_intent") == "price_quote"
            and memory.get("last_product")
            and not search_terms(text)
        ):
            # "is that incl. VAT?" after a price (read as an invoice question): the price again, net and with VAT
            intent, confidence = "price_quote", max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            (entities.get("largest") or entities.get("smallest"))
            and (memory.get("last_query") or names_a_kind(text))
            and intent not in _CATALOG
            and (intent not in ESCALATING_INTENTS or (intent == "complaint" and not COMPLAINS.search(text)))
            and not re.search(PERCENT, text)
        ):
            # "and the smaller one?" after two vices, "show me your biggest vice" (read as out of scope), "zeig
            # mir den größten Schraubstock" (read as a complaint): the smaller of them, the biggest of the kind
            last = memory.get("last_intent")
            intent, confidence = (
                last if last in _CATALOG else "product_question",
                max(confidence, THRESHOLD_CONFIDENCE),
            )
        elif intent == "complaint" and ASKS_COST_OR_TIME.search(text) and topics(text, language):
            # "Was kostet die Lieferung in die Schweiz?" read as a complaint: what a policy costs or takes
            intent, confidence = "faq", max(confidence, THRESHOLD_CONFIDENCE)
        elif intent in _PRICE_LOOKALIKES and _cheaper_follow_up(text, entities, memory):
            intent, confidence = "price_quote", max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            (
                intent in _CATALOG_LOOKALIKES
                or (intent == "faq" and not topics(text, language))
                or (intent == "complaint" and not COMPLAINS.search(text))
            )
            and names_a_kind_in_translation(text)
            and not re.search(PERCENT, text)
        ):
            # "Haben Sie Bohrer?" read as a discount request, "¿tienen refrigerante?" as an FAQ question that
            # names no policy topic, "Haben Sie Fräser mit 3 Schneiden?" as a complaint that says nothing went
            # wrong
            catalog = [a for a in alternatives if a["intent"] in _CATALOG]
            intent = catalog[0]["intent"] if catalog else "product_question"
            confidence = max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            (intent in _CATALOG or intent == "out_of_scope")
            and memory.get("last_product")
            and BACK_REFERENCE.search(text)
            and topics(text, language)
            and not entities.get("skus")
            and not names_a_kind(text)
            and not asks_price_or_stock(text)
        ):
            # "Können Sie die auf 500 mm schneiden?" after round bars (read as a price question, and its size
            # found an aluminium plate), "¿Las pueden cortar a medida?" after plates (read as out of scope):
            # the business's answer on cutting, in the light of the product
            intent, confidence = "faq", max(confidence, THRESHOLD_CONFIDENCE)
        elif (
            categories
            and intent in _CATEGORY_ANSWERS
            and len(text.split()) <= _SHORT_ANSWER_WORDS
            and (names_a_category(text, categories) or (intent == "out_of_scope" and search_terms(text)))
        ):
            # "the bearings" after "We sell ..., Bearings and ... What are you looking for?" (read as a
            # complaint), or "drills" (read as out of scope): the catalog is searched for it
            intent, confidence = "product_question", max(confidence, THRESHOLD_CONFIDENCE)
    if (
        memory.get("last_quotation")
        and intent in _QUOTATION_FILE_LOOKALIKES
        and (asks_for_the_file(text) or asks_for_quotation(text))
        and not entities.get("skus")
        and entities.get("quantity") is None
    ):
        # "can you send that as a pdf?" after a quotation (read as a question about shipping): that quotation,
        # not a new one
        intent, confidence = "price_quote", max(confidence, THRESHOLD_CONFIDENCE)
        entities["quotation_file"] = memory["last_quotation"]
    if intent == "place_order" and asks_for_quotation(text) and not proposal:
        # "we need 10x ... - can you send me an offer?": a quotation first, not an order
        intent = "price_quote"
    answers_order = (
        entities.get("skus")
        or entities.get("quantity")
        or _names_one_listed(text, memory)
        or _one_of_the_list(text, entities, memory)
    )
    if (
        order_question
        and intent in _ORDER_ANSWERS
        and answers_order
        and asks_price_or_stock(text) != "price_quote"
    ):
        # The part or the count the agent has just asked for, to go on with the order: "the 2RS one" after
        # "Which of these would you like to order?" is for the 500 asked for with the question ("was kostet
        # die 500x500?" asks its price first)
        intent, confidence = "place_order", max(confidence, THRESHOLD_CONFIDENCE)
        if order_count and entities.get("quantity") is None:
            entities["quantity"] = order_count
            if memory.get("last_counts_pieces"):
                entities["counts_pieces"] = True
    if (
        placed
        and CHANGES_IT.search(text)
        and (entities.get("quantity") is not None or entities.get("skus"))
        and intent not in ESCALATING_INTENTS
    ):
        # "actually make it 4" right after an order was placed: a change to that order, which a person makes,
        # not a second order
        intent, confidence = "place_order", max(confidence, THRESHOLD_CONFIDENCE)
        entities["order_change"] = placed
    if proposal and AFFIRMATION.search(text):
        intent, confidence = "place_order", max(confidence, _CONFIRMED)
        entities["confirmed_order"] = {"lines": proposal["lines"]}
    elif proposal and (held := int(proposal.get("held", 0))) < PROPOSAL_KEPT_THROUGH:
        # A question in between ("how long does delivery take?") may keep it for the next message; whether it
        # does is settled in respond, once the turn's final intent is known
        memory["proposed_order"] = {**proposal, "held": held + 1}
    elif offered_person and AFFIRMATION.search(text) and not thanks_only(text):
        # "..., or shall I pass you to a colleague?" "yes please"
        intent, confidence = "human_handoff", max(confidence, _CONFIRMED)
    elif suggested and (AFFIRMATION.search(text) or THAT_ONE.search(text)) and not thanks_only(text):
        # "I couldn't find HB-M8x40-88X. Did you mean ... (HB-M8x40-88Z)?" "yes": what was asked of the
        # mistyped part number, asked of that one, for the count asked then
        intent, confidence = suggested["intent"], max(confidence, _CONFIRMED)
        entities["skus"] = [suggested["sku"]]
        if entities.get("quantity") is None and suggested.get("quantity") is not None:
            entities["quantity"] = suggested["quantity"]
    missed = intent not in _CHATTY and (confidence < ctx.low_confidence or intent == "out_of_scope")
    memory["low_confidence_streak"] = memory.get("low_confidence_streak", 0) + 1 if missed else 0
    memory["language"] = language
    memory["last_intent"] = intent
    reason = ""
    if intent in ESCALATING_INTENTS:
        reason = f"{intent} needs a person"
    elif memory["low_confidence_streak"] > ctx.max_misses:
        reason = "the agent did not understand several messages in a row"
    await ctx.emit("intent", {"intent": intent, "confidence": confidence, "entities": entities})
    return {
        "escalation_reason": reason,
        "intent": intent,
        "confidence": confidence,
        "alternatives": alternatives,
        "language": language,
        "entities": entities,
        "memory": memory,
    }


def route_after_intent(state: AgentState) -> str:
    """Straight to a person for what the agent may not do alone, or after too many misses in a row."""
    return "escalate" if state.get("escalation_reason") else "retrieve"
