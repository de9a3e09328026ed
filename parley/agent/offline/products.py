"""Finding the product a customer means: by SKU, else by words of its name through ``search_products``.

A candidate scores per message word that is a whole word of its name, SKU or category (rarer words among the
candidates weigh more; a word of its description counts half); the best wins when it matches enough words.
Short follow-ups ("and the 12 mm one?") borrow the words of the product last discussed, so the conversation's
memory narrows the search.
"""

from __future__ import annotations

import asyncio
import difflib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import takewhile
from typing import Any

from parley.agent.offline.entities import (
    BACK_REFERENCE,
    BACK_REFERENCE_EN,
    MATERIALS,
    ORIGIN_WORDS,
    PRODUCT_KINDS,
    extract_entities,
    search_terms,
)
from parley.agent.toolbox import ToolBox

__all__ = [
    "NEAREST_KINDS",
    "OTHERS_LISTED",
    "VARIANTS_LISTED",
    "QuoteLine",
    "Resolution",
    "attribute_words",
    "categories_named",
    "cheaper_alternatives",
    "described_as",
    "list_price",
    "named_by",
    "names_a_kind",
    "packages_for",
    "prefetch_product",
    "price_each",
    "product_kind",
    "resolve_lines",
    "resolve_product",
    "shares_a_word",
]

#: Equally good matches named after the chosen one; more when the customer asks which sizes there are.
OTHERS_LISTED = 3
VARIANTS_LISTED = 8
CLOSEST_LISTED = 4
_SPELLINGS = {"aluminum": "aluminium", "alu": "aluminium"}
_ALSO_CALLED = {"sheet": "plate"}
"""A kind customers call by another name than the catalog: a 2 mm aluminium plate is a sheet to many."""
#: German and Spanish words for what an English catalog calls them: "Haben Sie Bohrer?" finds the drills of
#: a shop that lists its products in English only; "coolant" is what it calls cutting fluid, "screws" bolts.
_GLOSSARY = {
    "bohrer": "drill", "spiralbohrer": "twist drill", "fräser": "end mill", "schaftfräser": "end mill",
    "kugellager": "ball bearing", "rillenkugellager": "ball bearing", "spannzange": "collet",
    "spannzangen": "collet", "schraube": "bolt", "schrauben": "bolt", "sechskantschraube": "hex bolt",
    "sechskantschrauben": "hex bolt", "mutter": "nut", "muttern": "nut", "sechskantmutter": "hex nut",
    "sechskantmuttern": "hex nut", "platte": "plate", "platten": "plate", "aluplatte": "aluminium plate",
    "aluplatten": "aluminium plate", "aluminiumplatte": "aluminium plate", "blech": "sheet", "bleche": "sheet",
    "rundstab": "round bar", "rundstäbe": "round bar", "rundstange": "round bar", "rundstangen": "round bar",
    "rundstahl": "round bar", "edelstahl": "stainless steel", "stahl": "steel",
    "schraubstock": "vice", "schraubstöcke": "vice", "kühlschmierstoff": "cutting fluid", "broca": "drill",
    "brocas": "drill", "fresa": "end mill", "fresas": "end mill", "rodamiento": "bearing", "rodamientos": "bearing",
    "pinza": "collet", "pinzas": "collet", "tornillo": "bolt", "tornillos": "bolt", "tuerca": "nut",
    "tuercas": "nut", "placa": "plate", "placas": "plate", "chapa": "sheet", "chapas": "sheet",
    "aluminio": "aluminium", "acero": "steel", "inoxidable": "stainless", "barra": "bar", "barras": "bar",
    "redonda": "round", "redondas": "round", "redondo": "round", "redondos": "round", "mordaza": "vice",
    "mordazas": "vice", "taladrina": "cutting fluid", "coolant": "cutting fluid",
    "kühlmittel": "cutting fluid", "refrigerante": "cutting fluid", "screw": "bolt", "screws": "bolt",
    "unterlegscheibe": "washer", "unterlegscheiben": "washer", "arandela": "washer", "arandelas": "washer",
    # Features asked of a product ("Hat der Dichtungen?", "¿Son galvanizados?")
    "rostfrei": "stainless", "nichtrostend": "stainless", "dichtung": "seal", "dichtungen": "seal",
    "abgedichtet": "sealed", "verzinkt": "zinc plated", "verzinkte": "zinc plated", "beschichtet": "coated",
    "sellado": "sealed", "sellados": "sealed", "sello": "seal", "sellos": "seal", "galvanizado": "zinc plated",
    "galvanizados": "zinc plated", "zincado": "zinc plated", "zincados": "zinc plated", "recubierto": "coated",
    # Materials ("Rundstangen aus Messing" asks for brass, not for any round bar)
    "messing": "brass", "latón": "brass", "laton": "brass", "kupfer": "copper", "cobre": "copper",
    "bronce": "bronze", "titan": "titanium", "titanio": "titanium", "eisen": "iron", "hierro": "iron",
    "kunststoff": "plastic", "plástico": "plastic", "plastico": "plastic", "gummi": "rubber", "goma": "rubber",
    "caucho": "rubber", "hartmetall": "carbide", "zink": "zinc",
}  # fmt: skip
_GLOSSARY_PHRASES = re.compile(r"\btornillos?\s+de\s+banco\b", re.IGNORECASE)
"""Names of more than one word, read as the glossary's one-word name: a "tornillo de banco" is a vice (a
"mordaza"), not a bolt."""
_SEGMENTS = re.compile(r"\s*(?:,(?!\d)|;|\+|\band\b|\bplus\b|\bund\b|\by\b)\s*", re.IGNORECASE)
_PLURAL_ES = re.compile(r"(?:x|ch|sh|ss)es$")


def _singular(word: str) -> str:
    """An English plural's singular ("collets", "boxes"), so "collets" finds "ER32 collet 10 mm"."""
    if word.isdigit() or len(word) <= 3 or not word.endswith("s") or word.endswith(("ss", "us", "is")):
        return word
    if _PLURAL_ES.search(word):
        return word[:-2]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    return word[:-1]


_FLUTES = re.compile(
    r"\b(\d+)\s*-?\s*(?:schneiden|schneider|schneidige[nrms]?|schneidig|filos|labios)\b", re.IGNORECASE
)
"""A count of cutting edges, the catalog's "flute": "4 Schneiden", "der 4-schneidige", "4 filos" (not the verb
"schneiden", which asks for a cut)."""


_FLUTE_COUNT = re.compile(r"\b(\d+)\s*flutes?\b", re.IGNORECASE)


def _flute_counts(text: str) -> frozenset[str]:
    """The counts of flutes a text names: "end mills with 3 flutes" -> {"3"}."""
    return frozenset(_FLUTE_COUNT.findall(_FLUTES.sub(r"\1 flute", text)))


def _said_terms(text: str) -> list[str]:
    """The message's search terms, a name of several words in the glossary read as its one-word name."""
    return search_terms(_FLUTES.sub(r"\1 flute", _GLOSSARY_PHRASES.sub("mordaza", text)))


def _glossary_terms(text: str) -> list[str]:
    """The message's search terms, German compounds of two glossary words read as both."""
    return [part for term in _said_terms(text) for part in _compound_parts(term)]


_SHORTEST_PART = 4


def _compound_parts(word: str) -> tuple[str, ...]:
    """A German compound of two glossary words read as both ("Titanplatten": titan, platten), else the word.

    German writes the material and the kind as one word, and a customer writes compounds no glossary lists.
    """
    if word in _GLOSSARY:
        return (word,)
    for cut in range(_SHORTEST_PART, len(word) - _SHORTEST_PART + 1):
        head, tail = word[:cut], word[cut:]
        if head in _GLOSSARY and tail in _GLOSSARY:
            return head, tail
    return (word,)


def names_a_kind_in_translation(text: str) -> bool:
    """Whether the message names a product kind through the glossary ("Haben Sie Bohrer?").

    The intent classifier knows those words no better than any other foreign word: "Haben Sie Bohrer?" came
    out as a discount request by 0.587 against 0.585 for a stock check.
    """
    return any(term in _GLOSSARY for term in _glossary_terms(text))


def categories_named(text: str, categories: list[str]) -> list[str]:
    """The catalog categories a text names, in the catalog's words or the glossary's ("Aluminiumplatten")."""
    words = _words(text) | set(_english_terms(text))
    return [category for category in categories if _words(category) <= words]


def names_a_kind(text: str) -> bool:
    """Whether the message names a kind of product, in any of its languages ("die Platten", "the bars")."""
    return any(term in PRODUCT_KINDS for term in _english_terms(text))


def shares_a_word(text: str, names: list[str]) -> bool:
    """Whether the text has a word of one of the names (a category, a SKU's "2RS", a name's "608")."""
    named = set().union(*(_words(name) for name in names)) if names else set()
    return bool(_words(text) & named)


COMPARED_AT_MOST = 3
"""The products one comparison describes side by side."""


_THE_LISTED = re.compile(
    r"\b(?:the\s+two|both|them|these|those|die\s+beiden|beide|den\s+beiden|los\s+dos|las\s+dos|ambos|ambas)\b",
    re.IGNORECASE,
)
"""The products just listed, all of them: "what's the difference between the two?"."""


def compared_skus(
    text: str, entities: dict[str, Any], listed: list[str], discussed: Sequence[str] = ()
) -> list[str]:
    """The products a comparison names, by SKU or by a part of one just listed ("the 125 and the 160").

    "the two" or "them" compares a short list just given, and a comparison that names nothing compares the
    two products ``discussed`` one after the other. Fewer than two means the message compares nothing it
    names.
    """
    if not entities.get("compares"):
        return []
    skus = list(dict.fromkeys(entities.get("skus") or []))
    skus += [sku for sku in listed if sku not in skus and shares_a_word(text, [sku])]
    if not skus and 2 <= len(listed) <= COMPARED_AT_MOST and _THE_LISTED.search(text):
        skus = list(listed)
    if not skus and len(discussed) == 2:
        # "what is the difference?" after the 6204-2RS and then the 6204-ZZ
        skus = list(discussed)
    return skus[:COMPARED_AT_MOST] if len(skus) >= 2 else []


def names_a_category(text: str, categories: list[str]) -> bool:
    """Whether the message names one of the categories just listed, in their words or through the glossary."""
    return shares_a_word(text, categories) or names_a_kind_in_translation(text)


def _term(word: str) -> str:
    return _singular(_SPELLINGS.get(word, word))


def _words(text: str) -> set[str]:
    return {_term(w) for w in re.findall(r"[\w]+", text.lower().replace("-", " "))}


def _is_code(term: str) -> bool:
    """A size or part code ("6204", "M8", "6061"): distinctive enough to name a product on its own."""
    return len(term) >= 3 and any(c.isdigit() for c in term)


_PACKAGES = r"(?:box|pack|bag|carton|can)"
"""What holds many of a thing; a set or a roll is sold as one."""
_PACKED_BY = re.compile(
    rf"\b(?:(?:{_PACKAGES}|set|roll)\s+of\s+\d+|"
    rf"\d+\s+(?:pieces|pcs|units)\s+(?:per|a|each)\s+(?:{_PACKAGES}|set|roll))\b",
    re.IGNORECASE,
)
"""How many a package holds ("box of 50", "50 pieces per box"): no size of the product. "the 50 mm one" of
the M12 bolts is not the M5 bolt that comes in boxes of 50."""


_PACKAGE = re.compile(rf"\b{_PACKAGES}\s+of\s+(\d+)\b", re.IGNORECASE)


def package_size(product: dict[str, Any]) -> int | None:
    """How many of the thing one unit of sale holds ("box of 100"), or None when it is sold one by one."""
    match = _PACKAGE.search(str(product.get("name", "")))
    return int(match.group(1)) if match and int(match.group(1)) > 1 else None


def packages_for(pieces: int, size: int) -> int:
    """The units of sale that hold this many pieces, rounded up: 250 nuts in boxes of 100 are 3 boxes."""
    return -(-pieces // size)


_SIZE_MM = re.compile(r"\b(\d+(?:[.,]\d+)?)(?:x\d+(?:[.,]\d+)?)*\s*mm\b", re.IGNORECASE)


def _size_mm(product: dict[str, Any]) -> float | None:
    """The first size in millimetres of the name ("Machine vice 125 mm", a bearing's bore), if any."""
    match = _SIZE_MM.search(str(product.get("name", "")))
    return float(match.group(1).replace(",", ".")) if match else None


def _by_size(*, largest_first: bool) -> Callable[[dict[str, Any]], tuple[bool, float]]:
    """A sort key by the first size in mm, the largest or the smallest first; a name without one last."""
    sign = -1 if largest_first else 1

    def key(product: dict[str, Any]) -> tuple[bool, float]:
        size = _size_mm(product)
        return size is None, sign * (size or 0.0)

    return key


def _named(product: dict[str, Any]) -> set[str]:
    name = _PACKED_BY.sub(" ", str(product.get("name", "")))
    return _words(f"{name} {product.get('sku', '')} {product.get('category', '')}")


def _score(product: dict[str, Any], terms: list[str]) -> int:
    """How many of the words name the product (its name, SKU or category)."""
    words = _named(product)
    return sum(term in words for term in terms)


def _natural(name: str) -> list[Any]:
    """Sizes in numeric order: the 3 mm drill before the 10 mm one."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name.lower())]


def _ranked(
    pool: list[dict[str, Any]],
    named: list[set[str]],
    terms: list[str],
    asked: list[str],
    purpose: frozenset[str] = frozenset(),
) -> list[tuple[tuple[float, float], int, dict[str, Any]]]:
    """The candidates best first, each with its rank and how many words it matched.

    A word weighs more the fewer candidates it names, so "drills for stainless steel" is a drill rather
    than one of the forty stainless parts; a word found only in the description counts half ("steel" in
    "cobalt high speed steel twist drill") and counts as matched. The customer's own words rank first and
    the remembered product's words only break ties: "do you have 6205 bearings?" after the 608 bearing is a
    6205. Words naming what the product is for weigh half ("end mills to cut aluminium" are end mills).
    ``named`` holds each candidate's name words, computed once per look-up.
    """
    described = [
        _with_stems(_words(_PACKED_BY.sub(" ", item.get("description") or "")) - words)
        for item, words in zip(pool, named, strict=True)
    ]
    weight = {t: 1.0 + math.log((len(pool) + 1) / (1 + sum(t in words for words in named))) for t in terms}
    for t in purpose & weight.keys():
        weight[t] /= 2

    stems = {t: _stem(t) for t in terms}

    def rank(words: set[str], more: set[str], of: list[str]) -> float:
        return sum(weight[t] for t in of if t in words) + sum(weight[t] / 2 for t in of if stems[t] in more)

    remembered = [t for t in terms if t not in asked]
    ranked = []
    for item, words, more in zip(pool, named, described, strict=True):
        matched = sum(t in words or stems[t] in more for t in terms) if words.intersection(terms) else 0
        ranked.append(((rank(words, more, asked), rank(words, more, remembered)), matched, item))
    return sorted(
        ranked, key=lambda entry: (-entry[0][0], -entry[0][1], _natural(str(entry[2].get("name", ""))))
    )


def _stem(word: str) -> str:
    """A word without "-ing" or "-ed", so that "coatings" finds a description's "TiAlN coated"."""
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ed"):
        return word[:-2]
    return word


def _with_stems(words: set[str]) -> set[str]:
    return words | {_stem(word) for word in words}


def _first_size(words: list[str]) -> int:
    return next((i for i, word in enumerate(words) if any(c.isdigit() for c in word)), len(words))


def _family(product: dict[str, Any]) -> list[str]:
    """The start of the name through its first number, which the product's variants share.

    "Hex bolt DIN 933", "Deep groove ball bearing 608". A follow-up searches it as well: "are they zinc
    plated?" after the M12 stainless bolt looks among that bolt's variants, not only among the first hundred
    zinc-plated parts.
    """
    words = str(product.get("name", "")).split()
    size = _first_size(words)
    return [" ".join([*words[:size], words[size].split("-")[0]])] if size < len(words) else []


def _closest_sizes(
    candidates: list[dict[str, Any]], size: int, memory_product: dict[str, Any]
) -> list[dict[str, Any]]:
    """The products most like the one just discussed but for its size, the sizes nearest the asked one first.

    After the M12 x 20 stainless bolt, "the 45 mm one" offers the M12 x 40 and x 60 stainless bolts before
    the M5 x 40 ones.
    """
    alike = {w for w in _words(str(memory_product.get("name", ""))) if not w.isdigit()}

    def key(item: dict[str, Any]) -> tuple[int, int, list[Any]]:
        words = _named(item)
        gap = min((abs(int(w) - size) for w in words - alike if w.isdigit()), default=size)
        return -len(alike & words), gap, _natural(str(item.get("name", "")))

    return sorted(candidates, key=key)


def product_kind(product: dict[str, Any]) -> str:
    """The words of the name before its first size: what "which sizes?" asks about ("Aluminium plate").

    A name that opens with its code keeps that word: "ER32 collet 16 mm" is of the kind "ER32".
    """
    words = str(product.get("name", "")).split()
    return " ".join(words[: max(_first_size(words), 1)])


def list_price(product: dict[str, Any]) -> Decimal:
    """The product's list price; infinite when it has none, so it sorts last."""
    try:
        return Decimal(str(product.get("price")))
    except (InvalidOperation, ValueError):
        return Decimal("Infinity")


NEAREST_KINDS = ("no_such_size", "no_such_sku", "no_such_material")
"""How a look-up can miss the product asked for while finding the nearest ones; each is a reply template."""


class Resolution(dict[str, Any]):
    """``product`` (the chosen one), ``others`` (equally good), ``query`` (the words searched).

    ``no_such_size``: the size asked for is not made in the kind just discussed; ``others`` are the closest.
    ``no_such_sku``: no product has the part number typed; ``others`` are the ones spelt nearly alike.
    ``no_such_material``: none of the kind asked is of the material asked; ``others`` are those of the kind.
    """


def _search(term: str) -> dict[str, Any]:
    """The arguments of the catalog search for one term."""
    return {"search": term, "status": "active", "limit": 100}


async def _candidates(tools: ToolBox, term: str) -> list[dict[str, Any]]:
    result = await tools.call("search_products", **_search(term))
    return list(result.data.get("items", [])) if result.ok and isinstance(result.data, dict) else []


_NEARLY_ALIKE = 0.8
"""How alike two part numbers must be spelt to offer one for the other (difflib's ratio): one character of
"HB-M8x40-88X" against "HB-M8x40-88Z" gives 0.92, a different size "HB-M8x20-88Z" 0.92 too, a different
kind "AL-6061" against "AL-6061-10-500x500" 0.56."""


async def _near_skus(tools: ToolBox, sku: str) -> list[dict[str, Any]]:
    """The products whose part numbers are spelt most like one that does not exist: a typo's intended one.

    They are looked for among the part numbers that share its first group ("HB" of "HB-M8x40-88X"); only
    the most alike are offered, as a list of near misses would bury the one meant.
    """
    family = sku.split("-")[0]
    typed = sku.lower()
    scored = [
        (difflib.SequenceMatcher(None, typed, str(item.get("sku", "")).lower()).ratio(), item)
        for item in await _candidates(tools, family)
        if str(item.get("sku", "")).lower().startswith(family.lower())
    ]
    best = max((ratio for ratio, _item in scored), default=0.0)
    if best < _NEARLY_ALIKE:
        return []
    return [item for ratio, item in scored if ratio == best][:CLOSEST_LISTED]


def _kinds_asked(asked: list[str], purpose: frozenset[str]) -> set[str]:
    """The kinds of product the customer named, not those it is for ("drills for steel plate": drill)."""
    return {t for t in asked if t in PRODUCT_KINDS and t not in purpose}


def _named_or_described(product: dict[str, Any]) -> set[str]:
    return _named(product) | _words(str(product.get("description") or ""))


def _of_the_kind_asked(product: dict[str, Any] | None, asked: list[str], purpose: frozenset[str]) -> bool:
    """Whether the product is of a kind the customer named, if they named one (not what it is for)."""
    kinds = _kinds_asked(asked, purpose)
    also = {_ALSO_CALLED[kind] for kind in kinds if kind in _ALSO_CALLED}
    return product is None or not kinds or bool((kinds | also) & _named(product))


def _lacks_a_material_asked(
    product: dict[str, Any] | None, asked: list[str], purpose: frozenset[str]
) -> bool:
    """Whether the customer named a material (not what the product is for) that the product is not of."""
    materials = {t for t in asked if t in MATERIALS and t not in purpose}
    if product is None or not materials:
        return False
    return not materials <= _named_or_described(product)


def _of_the_kind_but_not_as_asked(product: dict[str, Any], asked: list[str], purpose: frozenset[str]) -> bool:
    """Whether the product is of the kind the customer named and lacks only a material or a code asked.

    "titanium plates" of aluminium plates, "ER16 collets" of ER32 collets: the kind there is, not the
    categories as if none of it were sold.
    """
    named = _named_or_described(product)
    missing = [t for t in asked if t not in named and t not in purpose]
    return (
        bool(_kinds_asked(asked, purpose) & named)
        and bool(missing)
        and all(t in MATERIALS or _is_code(t) for t in missing)
    )


_CODE_PARTS = re.compile(r"([a-z]*)(\d+)")
"""A code's letters and its number: "m14" -> m, 14."""


def _nearest_code_first(items: list[dict[str, Any]], asked: list[str]) -> list[dict[str, Any]]:
    """The products whose code is nearest a code asked first: for "M14 bolts", the M12 ones before the M5."""
    codes = [(m[1], int(m[2])) for term in asked if _is_code(term) and (m := _CODE_PARTS.fullmatch(term))]

    def gap(item: dict[str, Any]) -> float:
        own = [(m[1], int(m[2])) for word in _named(item) if (m := _CODE_PARTS.fullmatch(word))]
        return min(
            (abs(n - number) for letters, number in codes for at, n in own if at == letters), default=math.inf
        )

    return sorted(items, key=gap) if codes else items


def _as_written(term: str, text: str) -> str:
    """A search term as the message writes it, to the end of its word ("ER16" for "er16", "bolts" for "bolt")."""
    at = text.lower().find(term)
    if at < 0 or len(text) != len(text.lower()):
        return term
    end = at + len(term)
    while end < len(text) and text[end].isalnum():
        end += 1
    return text[at:end]


@dataclass(frozen=True)
class _Plan:
    """What one look-up searches for and ranks by.

    ``terms`` rank the candidates, ``asked`` are the customer's own among them, ``searched`` go to the
    catalog search and ``query`` is what the reply says was looked for; ``purpose`` names what the product is
    for and ``flutes`` the counts of flutes asked.
    """

    terms: list[str]
    asked: list[str]
    searched: list[str]
    query: str
    purpose: frozenset[str] = frozenset()
    flutes: frozenset[str] = frozenset()


_PURPOSE = re.compile(r"\b(?:to\s+cut|for\s+cutting|for|für|zum|para)\b", re.IGNORECASE)
"""What the product is for: "end mills to cut aluminium" are end mills, not aluminium plate."""


def _catalog_words(text: str) -> dict[str, str | None]:
    """The message's search terms in the catalog's words, each with the customer's word it came from.

    None where the customer wrote the catalog's word; "Messingrundstangen" gives brass, round and bar, each from
    "messingrundstangen", so a reply can name what the customer asked for.
    """
    words: dict[str, str | None] = {}
    for said in _said_terms(text):
        for term in _compound_parts(said):
            translated = _GLOSSARY.get(term)
            for word in (translated or term).split():
                if words.get(_term(word)) is None:
                    words[_term(word)] = said if translated else None
    return words


def _english_terms(text: str) -> list[str]:
    """The message's search terms in the catalog's words ("brocas para acero" -> drill, for, steel)."""
    return list(_catalog_words(text))


def _plan(text: str, entities: dict[str, Any], memory_product: dict[str, Any] | None) -> _Plan:
    # "are your bearings made in Germany?" searches for bearings: the origin asked is in no product's name
    catalog_words = _catalog_words(ORIGIN_WORDS.sub(" ", text) if entities.get("asks_origin") else text)
    terms = list(catalog_words)
    count = entities.get("quantity")
    # The count is no search word, unless the number is also written as a size: "10 Alu-Platten 10 mm".
    if count is not None and len(re.findall(rf"(?<!\d){count}(?!\d)", text)) < 2:
        terms = [t for t in terms if t != str(count)]
    lowered = text.lower()
    # As the customer wrote them, for the reply: "ER16 collet", not "er16 collet"; "Messing", not "brass"
    said = dict.fromkeys(catalog_words[term] or term for term in terms)
    query = " ".join(_as_written(word, text) for word in sorted(said, key=lowered.find))
    asked, searched = terms, terms[:2]
    # "are they zinc plated?", "what sizes?", "the zinc plated ones, 10 boxes": among the product's own kind
    among_its_kind = memory_product and (
        len(terms) <= 2 or entities.get("variants") or BACK_REFERENCE_EN.search(text)
    )
    if terms and among_its_kind:
        terms = list(dict.fromkeys(terms + sorted(_words(memory_product.get("name", "")))))
        searched = [*searched, *_family(memory_product)]
    used_for = _PURPOSE.split(text, maxsplit=1)
    purpose = frozenset(_english_terms(used_for[1])) if len(used_for) > 1 else frozenset()
    return _Plan(
        terms, asked, searched, query, purpose - set(_english_terms(used_for[0])), _flute_counts(text)
    )


def prefetch_product(
    tools: ToolBox,
    text: str,
    entities: dict[str, Any],
    memory_product: dict[str, Any] | None,
    *,
    after: asyncio.Event | None = None,
) -> None:
    """Start the catalog searches :func:`resolve_product` would make for the message, once ``after`` is set.

    With an LLM the searches run while the model reads the message; the look-up that follows takes their
    results when it searches for the same terms (about 6 ms of a product turn's 40 beyond the model).
    """
    if tools.has("search_products"):
        for term in [*entities.get("skus", []), *_plan(text, entities, memory_product).searched]:
            tools.prefetch("search_products", _search(term), after=after)


async def resolve_product(
    tools: ToolBox, text: str, entities: dict[str, Any], memory_product: dict[str, Any] | None
) -> Resolution:
    """Look the product up; an empty ``product`` means none matched (``query`` says what was tried)."""
    if not tools.has("search_products"):
        return Resolution(product=None, others=[], query="")
    for sku in entities.get("skus", []):
        for item in await _candidates(tools, sku):
            if str(item.get("sku", "")).lower() == sku.lower():
                return Resolution(product=item, others=[], query=sku)
    for sku in entities.get("skus", []):
        if near := await _near_skus(tools, sku):
            return Resolution(product=None, others=near, query=sku, no_such_sku=True)
    plan = _plan(text, entities, memory_product)
    terms, asked, searched, query = plan.terms, plan.asked, plan.searched, plan.query
    if entities.get("asks_attribute") and memory_product is None and not names_a_kind(text):
        # "are they zinc plated?" with nothing discussed: which product, not "Yes, we have" zinc plated bolts
        return Resolution(product=None, others=[], query="")
    if not terms:
        return Resolution(product=memory_product, others=[], query="", remembered=bool(memory_product))
    pool: dict[str, dict[str, Any]] = {}
    for term in searched:
        for item in await _candidates(tools, term):
            pool.setdefault(str(item["id"]), item)
    candidates = list(pool.values())
    if memory_product and asked and all(t.isdigit() for t in asked):
        # "the 50 mm one" of the M12 bolts: a size of the kind just discussed, not a 50 mm round bar
        kind_name = product_kind(memory_product)
        kind = _words(kind_name)
        candidates = [item for item in candidates if kind <= _named(item)]
        if candidates and not any(set(asked) <= _named(item) for item in candidates):
            # "the 50 mm one" of end mills up to 20 mm: none, and the sizes closest to it
            of_kind = [item for item in await _candidates(tools, kind_name) if kind <= _named(item)]
            closest = _closest_sizes(of_kind or candidates, int(asked[0]), memory_product)
            return Resolution(product=None, others=closest[:CLOSEST_LISTED], query=query, no_such_size=True)
    if memory_product and entities.get("asks_attribute") and not any(t.isdigit() for t in asked):
        # "is it stainless?" after a bearing: a stainless bearing, if any, not a stainless round bar
        kind = _words(product_kind(memory_product))
        candidates = [item for item in candidates if kind <= _named(item)]
    if sized := _a_size_not_made(asked, candidates):
        # "16 mm drills" of drills up to 12 mm: none, and the sizes closest to it (it listed the categories)
        size = next(term for term in asked if term.isdigit())
        return Resolution(product=None, others=sized[:CLOSEST_LISTED], query=size, no_such_size=True)
    # "end mills with 3 flutes": the 3 names no 3 mm end mill of 2 flutes
    named = [_named(item) - (plan.flutes - _flute_counts(str(item.get("name", "")))) for item in candidates]
    ranked = _ranked(candidates, named, terms, asked, plan.purpose)
    top, best, chosen = ranked[0] if ranked else ((0.0, 0.0), 0, None)
    # Words no candidate has ("Kugellager" against an English catalog) do not count against a part code
    # that matched: "Haben Sie Kugellager 6204?" is the 6204 bearing.
    known = [t for t in terms if any(t in words for words in named)]
    if chosen and best and all(_is_code(t) for t in known) and _score(chosen, known) == len(known):
        best = max(best, min(2, len(terms)))
    if asked is not terms and top[0] == 0:
        # None of the customer's own words names a candidate. A follow-up that points back ("is it rust
        # proof?") means the product just discussed; "do you have titanium sheets?" means none of them.
        if BACK_REFERENCE.search(text) or entities.get("asks_attribute"):
            # "Ist der rostfrei?" too, whose "der" is no pronoun elsewhere
            return Resolution(product=memory_product, others=[], query=query, remembered=True)
        return Resolution(product=None, others=[], query=query)
    if best < min(2, len(terms)) or not _of_the_kind_asked(chosen, asked, plan.purpose):
        if of_kind := [
            item for *_, item in ranked if _of_the_kind_but_not_as_asked(item, asked, plan.purpose)
        ]:
            # "titanium plates" where the plates are aluminium, "stainless steel plates" where only round bars
            # are stainless, "ER16 collets" where they are ER32: the plates or collets there are
            nearest = _nearest_code_first(of_kind, asked)
            return Resolution(
                product=None, others=nearest[:CLOSEST_LISTED], query=query, no_such_material=True
            )
        return Resolution(product=None, others=[], query=query)
    if _lacks_a_material_asked(chosen, asked, plan.purpose):
        # "aluminium round bar" where the round bars are stainless: those, not "Yes, we have" one of them.
        # One of the material would have ranked first had it been of the kind too.
        of_kind = [item for rank, _matched, item in ranked if rank == top]
        return Resolution(product=None, others=of_kind[:CLOSEST_LISTED], query=query, no_such_material=True)
    # Asked which sizes there are, every match of the customer's words counts, the closest to the remembered
    # product first; otherwise only the equally best.
    variants = bool(entities.get("variants"))
    ties = [item for rank, _matched, item in ranked if (rank[0] == top[0] if variants else rank == top)]
    if entities.get("cheapest"):
        ties.sort(key=list_price)
    elif entities.get("dearest"):
        ties.sort(key=lambda item: (list_price(item).is_infinite(), -list_price(item)))
    elif entities.get("largest") or entities.get("smallest"):
        ties.sort(key=_by_size(largest_first=bool(entities.get("largest"))))
    listed = VARIANTS_LISTED if variants else OTHERS_LISTED
    return Resolution(product=ties[0], others=ties[1 : 1 + listed], query=query)


def attribute_words(text: str, entities: dict[str, Any]) -> list[str]:
    """The words a yes-or-no question asks of a product, in the catalog's language ("seals", "stainless")."""
    lowered = text.lower()
    return sorted(_plan(text, entities, None).asked, key=lowered.find)


def named_by(product: dict[str, Any], word: str) -> bool:
    """Whether the word is one of the product's name, SKU or category words ("plate", "5083")."""
    return word in _named(product)


def described_as(product: dict[str, Any], words: list[str]) -> bool:
    """Whether the product's name, description or attribute values say every word ("seals" is in "sealed")."""
    # The values only: the 608-ZZ's attribute "seal: ZZ" names its shields, and says nothing of seals
    attributes = " ".join(str(value) for value in (product.get("attributes") or {}).values())
    said = _words(f"{product.get('name', '')} {product.get('description') or ''} {attributes}")

    def says(word: str) -> bool:
        return word in said or (
            len(word) >= 4 and any(w.startswith(word) or word.startswith(w) for w in said if len(w) >= 4)
        )

    return bool(words) and all(says(word) for word in words)


def _a_size_not_made(asked: list[str], candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """For one size and a kind ("16 mm drills") that the kind is not made in: those of the kind, closest first.

    Empty when the size is made, when no product is of every other word asked, or when no word names a kind.
    """
    sizes = [term for term in asked if term.isdigit()]
    words = {term for term in asked if not term.isdigit()}
    if len(sizes) != 1 or not words & PRODUCT_KINDS:
        return []
    of_kind = [item for item in candidates if words <= _named(item)]
    if not of_kind or any(sizes[0] in _named(item) for item in of_kind):
        return []
    return _closest_sizes(of_kind, int(sizes[0]), {"name": " ".join(sorted(words))})


CHEAPER_LISTED = 3
"""Cheaper alternatives offered for one product."""


def price_each(product: dict[str, Any]) -> float:
    """The list price of one piece: a box of 25 at 5.50 is no cheaper than a box of 50 at 8.50."""
    return list_price(product) / (package_size(product) or 1)


def _sizes(product: dict[str, Any]) -> list[str]:
    """The numbers of the name in order, its standard and then its sizes ("933", "m8", "40", "8.8")."""
    return re.findall(r"\w*\d[\w.]*", _PACKED_BY.sub(" ", str(product.get("name", ""))).lower())


def _sizes_shared(a: list[str], b: list[str]) -> int:
    """How many numbers two names share from the first on: M8 x 20 is nearer M8 x 40 than M5 x 40 is."""
    return sum(1 for _ in takewhile(lambda pair: pair[0] == pair[1], zip(a, b, strict=False)))


async def cheaper_alternatives(tools: ToolBox, product: dict[str, Any]) -> list[dict[str, Any]]:
    """Products of the same kind at a lower price a piece, the most like it first ("anything cheaper?").

    Those of its size come first: after the 4-flute 10 mm end mill, the 10 mm ones with fewer flutes before
    the smaller sizes; after the M8 x 40 bolt, the other M8 bolts before the M5 x 40 one.
    """
    price, family, kind = price_each(product), _family(product), product_kind(product)
    pool: dict[str, dict[str, Any]] = {}
    for term in [*family, kind]:
        for item in await _candidates(tools, term):
            pool.setdefault(str(item["id"]), item)
    like, kind_words, sizes = _named(product), _words(kind), _sizes(product)
    cheaper = [
        item
        for item in pool.values()
        if kind_words <= _named(item) and price_each(item) < price and item.get("sku") != product.get("sku")
    ]
    cheaper.sort(
        key=lambda item: (-_sizes_shared(sizes, _sizes(item)), -len(like & _named(item)), price_each(item))
    )
    return cheaper[:CHEAPER_LISTED]


class QuoteLine(dict[str, Any]):
    """A product named with its own count: ``product`` (None: not found), ``quantity``, ``query``.

    ``pieces``: the count of the things themselves the customer gave ("200 piezas") when ``quantity`` is the
    boxes that hold them.
    """


def _each_size(
    segments: list[str], segment: str, entities: dict[str, Any]
) -> list[tuple[str, dict[str, Any]]]:
    """The one count for each size listed after the product ("5 collets ER32, 8mm and 10mm"), a line each.

    Only when every part after the counted one is a bare size ("8", which alone would read as a count);
    otherwise none.
    """
    after = segments[segments.index(segment) + 1 :]
    sizes = [search_terms(part) for part in after]
    if not sizes or not all(terms and all(t.isdigit() for t in terms) for terms in sizes):
        return []
    quantity = str(entities["quantity"])
    words = [t for t in search_terms(segment) if t != quantity]
    kind = [t for t in words if not t.isdigit()]
    if not kind:
        return []
    own = [words] if len(kind) < len(words) else []
    return [(" ".join(terms), entities) for terms in [*own, *([*kind, *size] for size in sizes)]]


async def resolve_lines(tools: ToolBox, text: str) -> list[QuoteLine]:
    """Each part of the message that names a count and a product ("3 plates 6061 10 mm and 10 ER32-06").

    Empty unless at least two parts carry a count of their own: one count belongs to the one product.
    """
    segments = _SEGMENTS.split(text)
    counted = []
    for segment in segments:
        entities = extract_entities(segment)
        if entities.get("quantity") is not None:
            counted.append((segment, entities))
    if counted:
        counted = _each_size(segments, *counted[0]) or counted
    named = [e for part, e in counted if e.get("skus") or set(search_terms(part)) - {str(e["quantity"])}]
    if len(counted) < 2 or len(named) < len(counted):
        # "how much for 10 and 20?" counts the product just discussed twice: no list of products
        return []
    lines = []
    for segment, entities in counted:
        found = await resolve_product(tools, segment, entities, None)
        product = found["product"]
        if product is not None and any(
            line["product"] and line["product"]["id"] == product["id"] for line in lines
        ):
            return []  # the same product twice ("10 and 20 pieces of ...") is not a list of products
        query = next(iter(entities.get("skus") or []), found.get("query", ""))
        line = QuoteLine(product=product, quantity=entities["quantity"], query=query)
        if product is not None and entities.get("counts_pieces") and (size := package_size(product)):
            # "200 piezas de HN-M8-A2" are 2 boxes of 100, not 200 boxes
            line.update(pieces=line["quantity"], quantity=packages_for(line["quantity"], size))
        lines.append(line)
    return lines
