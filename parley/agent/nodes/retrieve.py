"""Find what the turn is about: the product (catalog tools, then memory) or the knowledge-base answer."""

from __future__ import annotations

import logging
from collections.abc import Awaitable
from typing import Any

from langgraph.runtime import Runtime

from parley.agent.context import AgentContext
from parley.agent.nodes import timed
from parley.agent.offline.entities import (
    ABOUT_OWN_ORDER,
    ARRIVAL_QUESTION,
    ASKS_WHAT_IS_SOLD,
    ATTRIBUTE_QUESTION,
    BACK_REFERENCE,
    CUT_TO_SIZE,
    DELIVERY_BY,
    asks_the_same,
    compares_prices,
    picks_one,
    search_terms,
    without_and_then,
)
from parley.agent.offline.planner import PRODUCT_INTENTS, asks_price_or_stock
from parley.agent.offline.products import (
    NEAREST_KINDS,
    QuoteLine,
    attribute_words,
    categories_named,
    cheaper_alternatives,
    compared_skus,
    names_a_kind,
    price_each,
    product_kind,
    resolve_lines,
    resolve_product,
    shares_a_word,
)
from parley.agent.state import AgentState
from parley.agent.toolbox import StepLimitReached
from parley.knowledge.glossary import topics
from parley.knowledge.service import StoreBusy

__all__ = ["FAQ_MATCH_SIMILARITY", "ORDER_FAQ_MATCH_SIMILARITY", "retrieve"]

_log = logging.getLogger(__name__)

FAQ_MATCH_SIMILARITY = 0.8
"""MiniLM cosine at or above which a question that reads like a product question is the business's FAQ.

"do you provide a 3.1 mill certificate with aluminium?" sits at 0.87 from the demo FAQ's variant "mill
certificate for aluminium", while product questions that merely share words with an FAQ ("do you have
titanium sheets?", "do you have 1.4301 stainless round bar 40 mm?") stay below 0.5.
"""


ORDER_FAQ_MATCH_SIMILARITY = 0.7
"""The same for a question that reads like an order question but names no order.

"how long does delivery take?" and "when do you deliver?" sit at 0.78-0.79 from the demo FAQ "How fast do
you deliver?"; "where is my order?" (0.64) and "has my order shipped yet?" (0.68) stay order questions.
"""

_FAQ_LOOKALIKES = {
    intent: FAQ_MATCH_SIMILARITY for intent in (*PRODUCT_INTENTS, "discount_request", "out_of_scope")
} | {"order_status": ORDER_FAQ_MATCH_SIMILARITY}
"""The intents whose question may be one the business has answered, and how close it must be: "Gibt es eine
Garantie?" reads like a discount request and is the German warranty FAQ word for word; "which is better, 2RS or
ZZ?" reads as out of scope, but a business that answered it made it its scope."""


async def _unless_busy(lookup: Awaitable[str | None]) -> str | None:
    """A knowledge look-up, or None while another process holds the embedded index (a person answers)."""
    try:
        return await lookup
    except StoreBusy as exc:
        _log.warning("knowledge look-up skipped: %s", exc)
        return None


_DELIVERY_QUESTION = {
    "en": "How long does delivery take?",
    "de": "Wie lange dauert die Lieferung?",
    "es": "¿Cuánto tarda la entrega?",
}
"""Asked of the knowledge base for "can I have it by Friday?": the business's delivery times answer it, and
its own words are far in meaning from the day asked about."""
_CUTTING_QUESTION = {
    "en": "Do you cut plate to size?",
    "de": "Schneiden Sie Platten auf Maß zu?",
    "es": "¿Cortan placas a medida?",
}
"""Asked for "12 of them cut to 250x250": the words of an order ("cortadas a 200x200") are far from those the
business answered in, and a returns note that mentions cut material is no answer."""


async def _knowledge_answer(state: AgentState, ctx: AgentContext) -> str | None:
    if ctx.knowledge is None:
        return None
    if DELIVERY_BY.search(state["text"]):
        return await _delivery_times(state, ctx)
    if CUT_TO_SIZE.search(state["text"]):
        return await _in_its_own_words(state, ctx, _CUTTING_QUESTION)
    question, text, language = _question(state), state["text"], state.get("language")
    if question == text:
        answer = await _unless_busy(
            ctx.knowledge.answer(ctx.actor.tenant_id, text, query_vector=ctx.vector, language=language)
        )
        if answer is None and (alone := without_and_then(text)) != text.strip():
            # "und wo sind Sie?" after the opening hours: its own question, asked without the "und"
            answer = await _unless_busy(ctx.knowledge.answer(ctx.actor.tenant_id, alone, language=language))
        return answer
    # "and to Switzerland?" after the delivery times: asked with the question before it, an answer that names
    # Switzerland first (the turn's vector is of the message alone); alone, "¿y a Suiza?" met the opening hours
    together = await _unless_busy(
        ctx.knowledge.answer(
            ctx.actor.tenant_id, question, language=language, mentioning=frozenset(search_terms(text))
        )
    )
    return together or await _unless_busy(
        ctx.knowledge.answer(ctx.actor.tenant_id, text, query_vector=ctx.vector, language=language)
    )


def _question(state: AgentState) -> str:
    """What the knowledge base is asked: "and to Switzerland?" after the delivery times asks it of those."""
    before = state["entities"].get("faq_follow_up")
    return f"{before} {state['text']}" if before else state["text"]


async def _delivery_times(state: AgentState, ctx: AgentContext) -> str | None:
    """The business's answer on delivery times, asked in its own words (the customer's share none of them)."""
    return await _in_its_own_words(state, ctx, _DELIVERY_QUESTION)


async def _in_its_own_words(state: AgentState, ctx: AgentContext, questions: dict[str, str]) -> str | None:
    """The business's answer to a policy question, asked as a business would write it down."""
    if ctx.knowledge is None:
        return None
    language = state.get("language")
    question = questions.get(language or "en", questions["en"])
    return await _unless_busy(
        ctx.knowledge.answer(ctx.actor.tenant_id, question, query_vector=None, language=language)
    )


async def _faq_instead(state: AgentState, ctx: AgentContext) -> str | None:
    """The FAQ answer when a product or order question is one the business has answered.

    "how long does delivery take?" reads like an order question; a message that names a part, an order or an
    invoice, or asks where the customer's own order is, never gets an article instead.
    """
    entities = state["entities"]
    if ctx.knowledge is None or any(entities.get(k) for k in ("skus", "order_numbers", "invoice_numbers")):
        return None
    if state["intent"] == "order_status" and ABOUT_OWN_ORDER.search(state["text"]):
        return None
    return await _unless_busy(
        ctx.knowledge.faq_match(
            ctx.actor.tenant_id,
            state["text"],
            query_vector=ctx.vector,
            min_similarity=_FAQ_LOOKALIKES[state["intent"]],
            language=state.get("language"),
        )
    )


def _names_a_product(state: AgentState) -> bool:
    """Whether the message has words to search the catalog for, besides its count."""
    quantity = state["entities"].get("quantity")
    return any(term != str(quantity) for term in search_terms(state["text"]))


def _among_last(state: AgentState, memory: dict[str, Any]) -> str | None:
    """The last search again for "which one is cheaper?" or "what sizes?", which name no product themselves.

    A last search of sizes only ("16" for "and the 16 mm one?") names no kind: the sizes are those of the
    product just discussed.
    """
    entities, last_query = state["entities"], memory.get("last_query")
    if not (picks_one(entities) or entities.get("variants")) or not last_query or _names_a_product(state):
        return None
    only_sizes = all(term.isdigit() for term in search_terms(str(last_query)))
    if entities.get("variants") and only_sizes and (kind := product_kind(memory.get("last_product") or {})):
        return kind
    return str(last_query)


def _names_sizes_only(text: str) -> bool:
    terms = search_terms(text)
    return bool(terms) and all(term.isdigit() for term in terms)


def _listed(state: AgentState, memory: dict[str, Any]) -> str | None:
    """The SKU that "the second one" points at among the products of the last list, if any."""
    ordinal, listed = state["entities"].get("ordinal"), memory.get("last_listed") or []
    if ordinal is None or not listed or _names_a_product(state) or ordinal >= len(listed):
        return None
    return str(listed[ordinal])


async def _resolve(state: AgentState, ctx: AgentContext, memory: dict[str, Any]) -> dict[str, Any]:
    text, last = state["text"], memory.get("last_product")
    if last is None and _names_sizes_only(text):
        # "and 20 mm?" after "16 mm drills" were not made (none chosen): a size of those, not 20 mm plate
        last = memory.get("size_kind")
    if state["entities"].get("counts"):
        # "how much for 10 and 20?" names only counts: the product just discussed (if any), not the 10 mm one
        text = ""
    if again := _among_last(state, memory):
        text, last = again, None
    try:
        if two := await _cheaper_of_two(state, ctx, memory):
            return two
        if sku := _listed(state, memory):
            found = await resolve_product(ctx.tools, sku, {**state["entities"], "skus": [sku]}, None)
            return {**found, "follow_up": True}
        found = await resolve_product(ctx.tools, text, state["entities"], last)
        kind = product_kind(memory.get("last_product") or {})
        if again and state["entities"].get("variants") and not found.get("others") and kind:
            # The last search named one product only ("AL-6061-10-500x500"): the sizes of its kind, the
            # closest to it first
            found = await resolve_product(ctx.tools, kind, state["entities"], memory.get("last_product"))
        return {**found, "follow_up": bool(again) or asks_the_same(state["text"])}
    except StepLimitReached:
        return {"product": None, "others": [], "query": ""}


def _code_like(quantity: int | None) -> bool:
    """A count that could be a part's code instead: three or four digits, not round ("608", not "500")."""
    return quantity is not None and 100 <= quantity <= 9999 and quantity % 10 != 0


async def _without_code_count(state: AgentState, ctx: AgentContext, memory: dict[str, Any]) -> AgentState:
    """The state without its count when the count is the code of the product the message names.

    "do u have 608 bearings" asks for the 608 bearing, not for 608 of them: read as a count, it was left out of
    the search and came back as an order of 608 of something else; "and 6204?" after it is the 6204 bearing,
    and "is 608 available?" with no product discussed yet, or "608 in stock?" after it, is the 608 bearing.
    The count stays unless a product with the number in its name or SKU is found for the message with the
    number kept in.
    """
    quantity = state["entities"].get("quantity")
    last = memory.get("last_product")
    # With no product discussed yet, a count alone counts nothing: "is 608 available?" is the 608 bearing;
    # "608 in stock?" after the 608 bearings names one of them
    discussed = [str((last or {}).get("name", "")), *(memory.get("last_listed") or [])]
    names = (
        _names_a_product(state)
        or not last
        or asks_the_same(state["text"])
        or shares_a_word(str(quantity), discussed)
    )
    if not _code_like(quantity) or not names or not ctx.tools.has("search_products"):
        return state
    entities = {key: value for key, value in state["entities"].items() if key != "quantity"}
    try:
        found = await resolve_product(ctx.tools, state["text"], entities, last)
    except StepLimitReached:
        return state
    product = found.get("product") or {}
    named = shares_a_word(str(quantity), [str(product.get("name", "")), str(product.get("sku", ""))])
    return {**state, "entities": entities} if named else state


def _policy_question(state: AgentState, found: dict[str, Any]) -> bool:
    """A product question that found no product but asks about a policy.

    A policy topic (payment, certificates, ...), or whether it can be had by a day ("geht das bis Freitag?").
    """
    if found.get("product") or state["intent"] not in PRODUCT_INTENTS or state["entities"].get("skus"):
        return False
    return bool(topics(state["text"], state.get("language")) or DELIVERY_BY.search(state["text"]))


_SECOND_QUESTIONS = frozenset({"delivery", "payment", "returns", "warranty", "certificate", "vat"})
"""The policy topics a product question may ask about as well, answered after the product. Not cutting,
hours or contact: "end mills to cut aluminium" or "open-end" name them without asking."""


_POLICY_TOO = frozenset({*PRODUCT_INTENTS, "place_order"})
"""The intents whose reply adds the answer to a policy question asked with them."""


def _asks_a_policy_too(state: AgentState) -> bool:
    text = state["text"]
    asked = topics(text, state.get("language")) & _SECOND_QUESTIONS
    return bool(asked) or bool(DELIVERY_BY.search(text)) or bool(CUT_TO_SIZE.search(text))


_REMEMBERED = ("id", "sku", "name", "unit", "price", "currency", "category")
"""What the conversation's memory keeps of the product just discussed."""

_CATALOG_INTENTS = frozenset({*PRODUCT_INTENTS, "faq", "greeting", "out_of_scope"})
"""The intents "what do you sell?" may be read as; the catalog's categories answer it."""


async def _categories(ctx: AgentContext) -> list[str]:
    """The names of the catalog's categories, the largest first (none past the step budget)."""
    try:
        result = await ctx.tools.call("list_categories")
    except StepLimitReached:
        return []
    items = result.data.get("items", []) if result.ok and isinstance(result.data, dict) else []
    return [item["name"] for item in items]


async def _answered_for_another_kind(
    state: AgentState, ctx: AgentContext, memory: dict[str, Any], answer: str
) -> dict[str, Any]:
    """``answer_not_for``: the kind of the product asked about, when the business's answer names other kinds.

    "can you cut it to 500 mm?" after a round bar found the FAQ on cutting aluminium plate: said as it is,
    it reads as a yes for the bar. Only a question that points back at the product is checked, and only
    an answer that names a category of the catalog at all.
    """
    if not BACK_REFERENCE.search(state["text"]) or names_a_kind(state["text"]):
        return {}
    if memory.get("not_carried"):
        # "can you cut it?" after "do you have titanium plate?" found none: the note is about what is sold
        return {"answer_not_carried": memory["not_carried"]}
    last = memory.get("last_product") or {}
    if not last.get("category"):
        return {}
    named = categories_named(answer, await _categories(ctx))
    if not named or last["category"] in named:
        return {}
    kind = product_kind(last)
    # "Deep groove ball bearing" is said as "deep groove ball bearing"; a code ("ER32") keeps its case
    return {"answer_not_for": kind[:1].lower() + kind[1:] if kind[1:2].islower() else kind}


async def _compared(state: AgentState, ctx: AgentContext, memory: dict[str, Any]) -> list[dict[str, Any]]:
    """The products a comparison names, each looked up by its SKU (none past the budget or if one is missing)."""
    listed = [str(sku) for sku in memory.get("last_listed") or []]
    skus = compared_skus(state["text"], state["entities"], listed, memory.get("discussed") or [])
    if not skus or not ctx.tools.has("search_products"):
        return []
    try:
        found = [await resolve_product(ctx.tools, sku, {"skus": [sku]}, None) for sku in skus]
    except StepLimitReached:
        return []
    products = [item["product"] for item in found if item["product"]]
    return products if len(products) == len(skus) else []


async def _cheaper(state: AgentState, ctx: AgentContext, memory: dict[str, Any]) -> dict[str, Any] | None:
    """The product named or just discussed and the cheaper ones of its kind; None without such a product."""
    if not ctx.tools.has("search_products"):
        return None
    try:
        than = memory.get("last_product")
        if skus := state["entities"].get("skus"):
            than = (await resolve_product(ctx.tools, skus[0], {"skus": skus[:1]}, None))["product"]
        if not than:
            return None
        return {"than": than, "products": await cheaper_alternatives(ctx.tools, than)}
    except StepLimitReached:
        return None


_LISTING = frozenset({"price_quote", "place_order", "stock_check"})
"""The intents whose message may list several products, each with its own count."""


async def _lines(state: AgentState, ctx: AgentContext, memory: dict[str, Any]) -> tuple[list[QuoteLine], str]:
    """The products a price question or an order lists, each with its count, and the message listing them.

    None past the step budget. "ok order them" after "price for 3 VC-125 and 2 VC-160?" orders those lines,
    as that message listed them: read as the last product with the last count, it proposed 3 VC-160.
    """
    text = state["text"]
    entities = state["entities"]
    again = state["intent"] == "place_order" and entities.get("quantity") is None
    again = again and not entities.get("confirmed_order")
    if again and memory.get("last_lines") and not _names_a_product(state):
        text = memory["last_lines"]
    if state["intent"] not in _LISTING or not ctx.tools.has("search_products"):
        return [], text
    try:
        return await resolve_lines(ctx.tools, text), text
    except StepLimitReached:
        return [], text


def _not_found_by_words(found: dict[str, Any], entities: dict[str, Any]) -> bool:
    """No product matched the words of the message (not a part number, nor a size of the kind discussed)."""
    return (
        not found["product"]
        and bool(found.get("query"))
        and not entities.get("skus")
        and not any(found.get(nearest) for nearest in NEAREST_KINDS)
    )


_OWN_ANSWERS = ("skus", "variants", "asks_weight", "asks_origin", "package_question", "compares")
"""Questions about a product that have replies of their own, not a yes or no about one of its features."""


def _asks_an_attribute(state: AgentState) -> bool:
    """Whether the message asks if a product has a feature: "does it have seals?", "is the 5083 plate weldable?".

    The product may be named by its SKU ("is the BR-6204-ZZ sealed?"); the one discussed is asked of only when
    none is (see ``retrieve``).
    """
    entities, text = state["entities"], state["text"]
    if not entities.get("asks_attribute") or any(entities.get(key) for key in _OWN_ANSWERS if key != "skus"):
        return False
    # "does it have seals?" is no stock question for its "have"; "is it in stock?" is one
    return not asks_price_or_stock(ATTRIBUTE_QUESTION.sub(" ", text)) and bool(
        attribute_words(text, entities)
    )


def _remember(memory: dict[str, Any], product: dict[str, Any], *, alone: bool = False) -> None:
    """The product is now the one discussed ("it"), in place of what memory held about other ones.

    No longer a product found not to be carried, a kind of sizes, or the lines of a message listing several.
    ``alone``: the reply named no other product, so "which is cheaper?" may weigh it against the one before,
    when that was named alone too (``discussed``).
    """
    before, sku = (memory.get("last_product") or {}).get("sku"), product.get("sku")
    if not alone:
        memory["discussed"] = []
    elif sku != before:
        memory["discussed"] = [before, sku] if before and before in (memory.get("discussed") or []) else [sku]
    memory["last_product"] = {key: product.get(key) for key in _REMEMBERED}
    for gone in ("not_carried", "size_kind", "last_lines"):
        memory.pop(gone, None)


async def _cheaper_of_two(
    state: AgentState, ctx: AgentContext, memory: dict[str, Any]
) -> dict[str, Any] | None:
    """The two products named alone one after the other, the cheaper first (the dearer, if asked for).

    "which is cheaper?" after "price of ER32-12?" and "and ER32-14?" searched the last one's words again
    and answered with the ER32-14, the dearer.
    """
    pair = memory.get("discussed") or []
    if not compares_prices(state["entities"]) or len(pair) != 2 or _names_a_product(state):
        return None
    found = [await resolve_product(ctx.tools, sku, {"skus": [sku]}, None) for sku in pair]
    products = [item["product"] for item in found if item["product"]]
    if len(products) != 2:
        return None
    products.sort(key=price_each, reverse=bool(state["entities"].get("dearest")))
    return {"product": products[0], "others": products[1:], "query": " ".join(pair), "follow_up": True}


@timed("retrieve")
async def retrieve(state: AgentState, runtime: Runtime[AgentContext]) -> dict[str, Any]:
    """Resolve the product for product intents and the answer for FAQ questions into the turn's facts."""
    ctx = runtime.context
    intent = state["intent"]
    if state["entities"].get("quotation_file"):
        return {}  # "can you send that as a pdf?" after a quotation: act looks that quotation up
    facts: dict[str, Any] = dict(state.get("facts") or {})
    memory = dict(state.get("memory") or {})
    state = await _without_code_count(state, ctx, memory)
    asks_an_attribute = _asks_an_attribute(state)
    asked_of = memory.get("last_product") if asks_an_attribute and not state["entities"].get("skus") else None
    found: dict[str, Any] | None = None
    about_last_order = intent == "order_status" and memory.get("last_order")
    compared = await _compared(state, ctx, memory)
    if compared and intent in _FAQ_LOOKALIKES and (answer := await _faq_instead(state, ctx)):
        # "what's the difference between 2RS and ZZ?" after two bearings: the business has answered it
        facts["answer"], intent = answer, "faq"
    elif compared:
        facts["compared"], intent = compared, "product_question"
        _remember(memory, compared[0])
        memory["last_listed"] = [product.get("sku") for product in compared]
    elif (
        state["entities"].get("cheaper_instead")
        and intent in PRODUCT_INTENTS
        and (cheaper := await _cheaper(state, ctx, memory))
    ):
        # "anything cheaper than the EM-C10-4F?": the cheaper ones of its kind, the most like it first
        facts["cheaper"], intent = cheaper, "price_quote"
        if offered := cheaper["products"]:
            # "anything cheaper?" again asks below everything offered
            memory["last_listed"] = [product.get("sku") for product in offered]
            cheapest = min(offered, key=price_each)
            _remember(memory, cheapest)
    elif state["entities"].get("catalog") and intent in _CATALOG_INTENTS and ctx.tools.has("list_categories"):
        facts["categories"] = memory["listed_categories"] = await _categories(ctx)
        intent = "product_question"
    elif intent in _FAQ_LOOKALIKES and not about_last_order and (answer := await _faq_instead(state, ctx)):
        facts["answer"] = answer
        intent = "faq"
    elif (listing := await _lines(state, ctx, memory))[0]:
        lines = facts["lines"] = listing[0]
        named = [line for line in lines if line["product"]]
        found = {"product": named[-1]["product"]} if named else None
    elif intent in PRODUCT_INTENTS or (
        intent == "place_order" and not state["entities"].get("confirmed_order")
    ):
        found = await _resolve(state, ctx, memory)
        if _policy_question(state, found):
            # "¿Tienen certificado de material?" names no product but a policy: the business's answer, or a
            # person ("is the price including VAT?" has no product to be not found)
            facts["answer"], intent, found = await _knowledge_answer(state, ctx), "faq", None
    elif intent == "faq":
        facts["answer"] = await _knowledge_answer(state, ctx)
        if facts["answer"] and (asked := asks_price_or_stock(state["text"])) and _asks_a_policy_too(state):
            # "¿Cuánto cuesta ER32-10 y tienen garantía?": the price as well, when a product is named outright
            named = await _resolve(state, ctx, {})
            if named["product"]:
                found, intent = named, asked
        if not facts["answer"]:
            # No article answers it, but it names a product ("do you have titanium sheets?"): the catalog does,
            # in the light of the product just discussed when the words name one of its kind ("¿y de 8?").
            remembered = await _resolve(state, ctx, memory) if memory.get("last_product") else {}
            named = remembered
            if not named.get("product") or named.get("remembered"):
                named = await _resolve(state, ctx, {})
            if named["product"]:
                found, intent = named, "product_question"
            elif (
                remembered.get("remembered")
                and not _names_a_product(state)
                and (asked := asks_price_or_stock(state["text"]))
            ):
                # Nor a product, but stock or a price of the one just discussed: "Ist der auf Lager?"
                found, intent = remembered, asked
            elif named.get("query") and ASKS_WHAT_IS_SOLD.search(state["text"]):
                # "Do you sell titanium?": the catalog's answer is that it has none, said as for any product
                found, intent = named, "product_question"
    if intent == "order_status" and ARRIVAL_QUESTION.search(state["text"]):
        # "when will it arrive?" after an order: its status, and the business's delivery times while it is open
        facts["answer"] = await _delivery_times(state, ctx)
    if intent == "faq" and found is None and facts.get("answer"):
        facts.update(await _answered_for_another_kind(state, ctx, memory, facts["answer"]))
    if found and found["product"] and intent in _POLICY_TOO and _asks_a_policy_too(state):
        # "... 200 ER32-10 collets and whether you can deliver them to France within a week": both answered,
        # and "I need 10 aluminium plates 10mm for friday" gets the delivery times with the order question
        facts["answer"] = await _knowledge_answer(state, ctx)
    if found is not None and found["product"] and intent == "product_question":
        if asked_of:
            facts["attribute_of"] = asked_of
        elif not found.get("remembered") and asks_an_attribute:
            # "is the 5083 plate weldable?" names the product: whether its text says so, not "Yes, we have"
            facts["attribute_of"], facts["attribute_named"] = found["product"], True
    if found is not None:
        facts.update(
            product=found["product"],
            others=found.get("others", []),
            product_query=found.get("query", ""),
            remembered=found.get("remembered", False),
            follow_up=found.get("follow_up", False),
            **{nearest: found.get(nearest, False) for nearest in NEAREST_KINDS},
        )
        if any(found.get(nearest) for nearest in NEAREST_KINDS):
            memory["last_listed"] = [other.get("sku") for other in found["others"]]
        if _not_found_by_words(found, state["entities"]) and ctx.tools.has("list_categories"):
            # "do you have washers?" of a shop without any: what it does sell, so the customer can go on
            facts["sold_instead"] = memory["listed_categories"] = await _categories(ctx)
        if _not_found_by_words(found, state["entities"]) or found.get("no_such_material"):
            # "can you cut it?" next is about what the shop doesn't carry (titanium plate, aluminium round bar)
            memory["not_carried"] = found["query"]
        if found.get("no_such_sku") and len(found["others"]) == 1:
            # "Did you mean HB-M8x40-88Z?": a "yes" asks the same of it (see detect_intent)
            memory["suggested_product"] = {
                "sku": found["others"][0].get("sku"),
                "intent": intent,
                "quantity": state["entities"].get("quantity"),
            }
        if found.get("no_such_size") and not memory.get("last_product"):
            memory["size_kind"] = {key: found["others"][0].get(key) for key in _REMEMBERED}
        if found["product"]:
            product = found["product"]
            _remember(memory, product, alone=not found.get("others"))
            if sum(1 for line in facts.get("lines", []) if line["product"]) > 1:
                memory["last_lines"] = listing[1]
            if found.get("query"):
                memory["last_query"] = found["query"]
            if found.get("others"):
                memory["last_listed"] = [product.get("sku"), *(other.get("sku") for other in found["others"])]
    if intent == "faq" and found is None and facts.get("answer"):
        # The question first asked: "and to the UK?" after "and to Switzerland?" asks the delivery times too
        memory["last_faq"] = state["entities"].get("faq_follow_up") or state["text"]
    else:
        memory.pop("last_faq", None)
    if state["entities"].get("quantity") is not None:
        memory["last_quantity"] = state["entities"]["quantity"]
        memory["last_counts_pieces"] = bool(state["entities"].get("counts_pieces"))
    return {
        "intent": intent,
        "entities": state["entities"],
        "facts": facts,
        "memory": memory,
        "tool_calls": list(ctx.tools.calls),
    }
