"""Entities from patterns: SKUs, quantities, order and invoice numbers, e-mails and phone numbers.

Products by name are found later, through the catalog tools (see :mod:`parley.agent.offline.products`);
here only what a pattern can say for sure.
"""

from __future__ import annotations

import re
from typing import Any

from parley.knowledge.glossary import COST_QUESTION, DURATION_QUESTION

__all__ = [
    "ABOUT_OWN_ORDER",
    "AFFIRMATION",
    "ARRIVAL_QUESTION",
    "ASKS_COST_OR_TIME",
    "ASKS_WHAT_IS_SOLD",
    "ATTRIBUTE_QUESTION",
    "BACK_REFERENCE",
    "BACK_REFERENCE_EN",
    "CHANGES_IT",
    "COMPLAINS",
    "CUT_TO_SIZE",
    "DELIVERY_BY",
    "GONE_WRONG",
    "NEEDS_A_KIND",
    "ORIGIN_QUESTION",
    "ORIGIN_WORDS",
    "PERCENT",
    "PRODUCT_KINDS",
    "STATES_A_NEED",
    "THANKS",
    "THAT_ONE",
    "WEIGHT_QUESTION",
    "asks_the_same",
    "asks_the_same_of",
    "compares_prices",
    "counts_packages",
    "extract_entities",
    "picks_one",
    "search_terms",
    "thanks_only",
    "without_and_then",
]

PERCENT = r"\b(\d{1,3}(?:[.,]\d{1,2})?)\s*(?:%|percent\b|prozent\b|por\s+ciento\b)"
"""A percent the customer names ("20%", "12,5 Prozent"); group 1 is the number. Shared by the intent rules
and the discount negotiation, so both read the same percents."""
PRODUCT_KINDS = frozenset({
    "anchor", "bar", "beam", "bearing", "belt", "blade", "bolt", "bracket", "brush", "chain", "chuck", "clamp",
    "collet", "disc", "drill", "file", "fluid", "gear", "glove", "grease", "hinge", "hose", "insert", "magnet",
    "mill", "nut", "oil", "pin", "pipe", "plate", "reamer", "rivet", "rod", "saw", "sheet", "spring", "stud",
    "tap", "tube", "valve", "vice", "washer", "wheel", "wire",
})  # fmt: skip
"""Nouns (singular, English) that say what kind of thing a product is. A customer who names one wants that
kind: "stainless steel washers" are no stainless bolt, however well "stainless steel" matches."""
MATERIALS = frozenset({
    "aluminium", "brass", "bronze", "carbide", "copper", "hss", "iron", "nylon", "plastic", "rubber", "stainless",
    "steel", "titanium", "zinc",
})  # fmt: skip
"""What a product is made of, in the catalog's (English) words: a customer who names one means it."""
_WE_NEED = r"(?:i|we)\s+(?:need|want|require)"
NEEDS_A_KIND = re.compile(
    rf"\b(?:{_WE_NEED}|(?:i'?m|i\s+am|we'?re|we\s+are)\s+looking\s+for)\b[^.?!]*?"
    rf"\b(?:{'|'.join(sorted(PRODUCT_KINDS))})(?:s|es)?\b",
    re.IGNORECASE,
)
"""A customer who needs a kind of product ("I need a vice", "I'm looking for a machine vice"): a catalog
question, though it reads like "I need a person"."""
STATES_A_NEED = re.compile(
    rf"\b{_WE_NEED}\b|\b(?:ich|wir)\s+(?:brauchen?|benötigen?|möchten?)\b|"
    r"\b(?:necesito|necesitamos|quiero|queremos)\b",
    re.IGNORECASE,
)
"""A customer who says what they need ("necesito 5 VC-125"): with a count and a part number, an order."""
GONE_WRONG = (
    r"(?:broken|damaged|defective|faulty|kaputt|beschädigt|defekt|roto|rota|rotos|rotas|dañad[oa]s?|"
    r"defectuos[oa]s?)"
)
"""Words of a thing that has gone wrong, to be matched between word boundaries."""
COMPLAINS = re.compile(
    rf"\b{GONE_WRONG}\b|\b(?:wrong|falsch\w*|equivocad[oa]s?|missing|fehlt|fehlen|falta|faltan|refund)\b",
    re.IGNORECASE,
)
"""A message that says something went wrong: a complaint, whatever else it asks."""
CUT_TO_SIZE = re.compile(
    r"\bcut\s+(?:to|at|into|in)\b|\bzu(?:ge)?schnitten\b|\bzuschneiden\b|\bauf\s+\S+\s+(?:zu)?(?:schneiden|sägen)\b|"
    r"\bcortad[oa]s?\s+a\b|\bcortar(?:l[oa]s?)?\s+a\b",
    re.IGNORECASE,
)
"""Cutting asked for, to a size: "12 of them cut to 250x250" ("end mills to cut aluminium" asks nothing)."""
ASKS_COST_OR_TIME = re.compile(rf"^\W*(?:{COST_QUESTION}|{DURATION_QUESTION})\b", re.IGNORECASE)
"""A question what something costs or how long it takes ("Was kostet die Lieferung in die Schweiz?"): asked
of a policy (delivery, payment...), a question for the FAQ, not a complaint."""
CHANGES_IT = re.compile(
    r"\b(?:actually|make\s+it|change\s+(?:it|that|the\s+order)|instead|rather|doch|lieber|stattdessen|"
    r"[äa]ndern|mejor|cambi(?:a|ar|e)|en\s+(?:vez|lugar))\b",
    re.IGNORECASE,
)
"""A change of mind ("actually make it 4", "doch lieber 4", "mejor 4"): right after an order was placed, a
change to that order."""
_ORDER = re.compile(r"\bORD-\d{4}-\d{5}\b", re.IGNORECASE)
_INVOICE = re.compile(r"\bINV-[A-Z0-9][A-Z0-9-]*\b", re.IGNORECASE)
_SKU = re.compile(r"\b(?=[A-Z0-9x-]*[A-Z])(?=[A-Z0-9x-]*\d)[A-Z0-9]{2,}(?:x\d+)*(?:-[A-Z0-9]+(?:x\d+)*)+\b")
"""A part number: upper-case letters and digits in hyphenated groups, a size such as "500x500" or "M8x20"
within a group ("AL-6061-10-500x500", "HB-M8x20-A2")."""
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
_PHONE = re.compile(r"(?<![\w-])\+?\d[\d ().-]{7,}\d\b")
_COUNTED_IN = ("pieces", "piece", "pcs", "pc", "units", "unit", "items", "stück", "stk", "piezas", "unidades")
_PACKAGING = (
    "boxes", "box", "cans", "can", "packs", "pack", "bags", "bag", "bottles", "bottle", "cartons", "carton",
    "kartons", "karton", "packungen", "packung", "boxen", "schachteln", "schachtel", "dosen", "dose", "cajas",
    "caja", "latas", "lata",
)  # fmt: skip
#: Words a count comes with that also name products ("3 plates", "50 Fräser"): they stay search terms.
_PRODUCT_FORMS = (
    "sheets", "plates", "bars", "sets", "set", "pairs", "pair", "rolls", "roll", "platten", "platte", "bleche",
    "blech", "stangen", "stange", "rollen", "rolle", "placas", "placa", "barras", "barra", "rollos", "rollo",
    "bolts", "nuts", "drills", "bearings", "collets", "screws", "washers", "fräser", "bohrer", "kugellager",
    "spannzangen", "schrauben", "muttern", "fresas", "brocas", "rodamientos", "pinzas", "tornillos", "tuercas",
    "vices", "vises", "mills", "taps", "inserts", "holders", "schraubstöcke", "mordazas",
)  # fmt: skip
_UNITS = f"(?:{'|'.join((*_COUNTED_IN, *_PACKAGING))})"
"""What a count is counted in: "5 pieces", "12 boxes"."""
_FORMS = f"(?:{'|'.join(_PRODUCT_FORMS)})"
_UNITS_OF_SALE = frozenset(
    {"sets", "set", "pairs", "pair", "rolls", "roll", "rollen", "rolle", "rollos", "rollo"}
)
_NOT_THE_THINGS = "|".join([*_PACKAGING, *_UNITS_OF_SALE])
_THINGS = "|".join(form for form in _PRODUCT_FORMS if form not in _UNITS_OF_SALE)
_THE_THINGS = re.compile(
    rf"^\s+(?!(?:{_NOT_THE_THINGS})\b)(?:\S+\s+){{0,3}}?(?:{_THINGS})\b|^\s*[^\W\d_]*(?:muttern|schrauben|scheiben)\b",
    re.IGNORECASE,
)
"""After a count, the things themselves ("100 hex nuts", "200 M8 nuts", "100 Sechskantmuttern"), not boxes."""
_PIECES = re.compile(r"^\s*(?:pieces|piece|pcs|pc|stück|stk|piezas|pieza)\b", re.IGNORECASE)
"""After a count, pieces said outright ("500 pcs of HB-M8x40-A2"): of a product sold in boxes, not boxes."""
_COMPOUND_FORMS = r"[^\W\d_]+(?:muttern|schrauben|platten|bleche|stangen|fräser|bohrer|lager|zangen|scheiben)"
_NOT_A_MATERIAL = (
    "mm", "cm", "m", "in", "inch", "zoll", "x", "of", "de", "von", "for", "für", "para", "about", "with", "mit",
    "con", "and", "und", "y", "or", "oder", "o", "the", "your", "ihre", "eure", "sus",
)  # fmt: skip
_MATERIAL_WORDS = rf"(?:(?!(?:{'|'.join(_NOT_A_MATERIAL)})\b)[^\W\d_]+(?:-|\s+)){{1,3}}?"
"""Up to three words between a count and a product form: "40 aluminium plates", "10 Alu-Platten"."""
_CHEAPEST = re.compile(
    r"\b(?:cheapest|cheaper|least\s+expensive|less\s+expensive|lowest[- ]priced|günstigste[nrms]?|"
    r"günstiger|billigste[nrms]?|billiger|más\s+barat[oa]s?|mas\s+barat[oa]s?)\b",
    re.IGNORECASE,
)
"""The cheapest of the matching products, or of those just listed: "which one is cheaper?"."""
_CHEAPER_INSTEAD = re.compile(
    r"\b(?:anything|something|any|some|one|ones)\s+(?:cheaper|less\s+expensive)\b|"
    r"\b(?:cheaper|less\s+expensive)\s+than\b|\b(?:etwas|was)\s+(?:günstiger|billiger)\w*|"
    r"\b(?:günstiger|billiger)\s+als\b|\balgo\s+m[aá]s\s+barat[oa]\b|\bm[aá]s\s+barat[oa]\s+que\b",
    re.IGNORECASE,
)
"""A cheaper product instead of the one named or just discussed: "anything cheaper than the EM-C10-4F?"."""
_DEAREST = re.compile(
    r"\b(?:most\s+expensive|more\s+expensive|priciest|pricier|dearer|dearest|highest[- ]priced|teuerste[nrms]?|"
    r"teurer|más\s+car[oa]s?|mas\s+car[oa]s?)\b",
    re.IGNORECASE,
)
"""The dearest of them: "and the most expensive?"."""
_LARGEST = re.compile(
    r"\b(?:biggest|bigger|largest|larger|gr(?:ö|oe)(?:ss|ß)(?:te|ere)[nrms]?|m[aá]s\s+grandes?)\b",
    re.IGNORECASE,
)
"""The largest of them: "how much is the bigger one?" after two vices."""
_SMALLEST = re.compile(
    r"\b(?:smallest|smaller|kleinste[nrms]?|kleinere[nrms]?|m[aá]s\s+peque[ñn][oa]s?)\b",
    re.IGNORECASE,
)
"""The smallest of them: "and the smaller one?"."""
_PACKAGE_QUESTION = re.compile(
    r"\bhow\s+many\b[^.?!]*?\b(?:in|per)\s+(?:(?:a|an|one|each|every|the)\s+)?(?:box|pack|package|packet|bag|"
    r"carton)\b|\b(?:box|pack|package)\s+(?:size|quantity|contents?)\b|"
    r"\bwie\s*viele?\b[^.?!]*?\b(?:in|pro|je)\s+(?:(?:einer|eine[mr]?|der|dem)\s+)?(?:packung|karton|schachtel|"
    r"box|beutel|paket|dose)\b|\b(?:verpackungseinheit|packungsgröße|packungsinhalt|vpe)\b|"
    r"\bcu[aá]nt[oa]s\b[^.?!]*?\b(?:en|por)\s+(?:(?:una|cada|la|el)\s+)?(?:caja|paquete|bolsa|envase)\b",
    re.IGNORECASE,
)
"""A question what one unit of sale holds: "how many are in a box?", "wie viele sind in einer Packung?"."""
WEIGHT_QUESTION = re.compile(
    r"\b(?:weights?|weigh|weighs|heavy|gewicht|wiegt|wiegen|wie\s+schwer|peso|pesa|pesan)\b", re.IGNORECASE
)
"""A question how much a product weighs: "what's the weight of AL-6061-10-500x500?", "¿cuánto pesa?"."""
_ORIGIN_NAMES = (
    r"country\s+of\s+origin|origin|manufacturer|maker|brand|hergestellt|herkunft(?:sland)?|hersteller|marke|"
    r"fabricad[oa]s?|fabricante|origen|marca"
)
ORIGIN_QUESTION = re.compile(
    rf"\b(?:made\s+in|where\b.{{0,30}}\b(?:made|manufactured|produced|from)|who\s+makes|who\s+made|"
    rf"{_ORIGIN_NAMES})\b",
    re.IGNORECASE,
)
"""A question where a product is made or who makes it: "are your bearings made in Germany?", "¿qué marca son?"."""
ORIGIN_WORDS = re.compile(
    rf"\b(?:made\s+in(?:\s+[^\W\d]+)?|where|made|manufactured|produced|who|makes|{_ORIGIN_NAMES})\b",
    re.IGNORECASE,
)
"""The words of such a question ("made in Germany"), which no product's name has: left out of a catalog search."""
_THIS_ONE = r"(?:it|they|this|that|these|those)"
ATTRIBUTE_QUESTION = re.compile(
    rf"^\W*(?:(?:is|are|has|have)\s+{_THIS_ONE}\b"
    r"|(?:is|are)\s+the\b(?![^?]*\b(?:in\s+stock|available|there)\b)"
    rf"|(?:does|do)\s+{_THIS_ONE}(?:\s+(?:have|come\s+with))?\b"
    r"|(?:ist|sind|hat|haben)\s+(?:der|die|das|er|es|diese[rsn]?)\b"
    r"|(?:es|son|está|están)\s)",
    re.IGNORECASE,
)
"""A yes-or-no question about the product just discussed or named: "does it have seals?", "Ist der rostfrei?",
"¿Es inoxidable?", "is the 5083 plate weldable?" ("Haben Sie ...?" asks the shop, "is the VC-125 in stock?" its
stock, and "are your bearings sealed?" gets the sealed ones)."""
_COMPARE = re.compile(
    r"\b(?:difference|differences|compare|comparison|versus|vs|unterschied|unterschiede|vergleich\w*|"
    r"diferencia|diferencias|compar\w+)\b",
    re.IGNORECASE,
)
"""A question how two products differ: "what's the difference between the 125 and the 160?"."""
_VARIANT_WORDS = (
    "sizes", "variants", "versions", "options", "dimensions", "diameters", "lengths", "größen", "varianten",
    "abmessungen", "tamaños", "medidas", "variantes",
)  # fmt: skip
_VARIANTS = re.compile(rf"\b(?:{'|'.join(_VARIANT_WORDS)})\b", re.IGNORECASE)
"""A question about the other sizes of what was just discussed: "what sizes?", "which diameters?"."""
_BACK_WORDS = r"it|its|they|them|these|those|this\s+one|that\s+one|ones"
BACK_REFERENCE_EN = re.compile(rf"\b(?:{_BACK_WORDS})\b", re.IGNORECASE)
"""A pronoun for the product just discussed ("are they zinc plated?")."""
BACK_REFERENCE = re.compile(
    rf"\b(?:{_BACK_WORDS}|this|that|es|ihn|den|die|das|diese[nrs]?|davon|lo|la|los|las|este|esta|esto|eso|"
    r"ellos|ellas)\b",
    re.IGNORECASE,
)
"""The same in German and Spanish too, where articles double as pronouns: only for a message whose other
words name no product ("Ist der rostfrei?")."""
_YES = (
    r"(?:yes|yeah|yep|yup|sure|ok|okay|confirm|confirmed|please\s+do|do\s+it|go\s+ahead|place\s+it|ja|jawohl|"
    r"gerne|genau|bestätigt|sí|si|claro|vale|de\s+acuerdo|confirmo|adelante)"
)
AFFIRMATION = re.compile(
    rf"^\W*{_YES}(?:\W+(?:{_YES}|please|bitte|por\s+favor|thanks|thank\s+you|danke|gracias))*\W*$",
    re.IGNORECASE,
)
"""A whole message that says yes ("yes please", "Ja, bitte!", "sí, adelante"), and nothing else."""
THAT_ONE = re.compile(
    rf"^\W*(?:{_YES}\W+)?(?:(?:that|this|the)\s+one|den|diesen|genau\s+den|ese|esa|ese\s+mismo)"
    r"(?:\W+(?:please|bitte|por\s+favor|thanks|danke|gracias))*\W*$",
    re.IGNORECASE,
)
"""A whole message that takes the one product offered: "yes, that one", "genau den", "ese"."""
THANKS = re.compile(r"\b(?:thanks|thank\s+you|danke|gracias)\b", re.IGNORECASE)
_PLAIN_YES = re.compile(r"\b(?:yes|yeah|yep|ja|sí|si|please|bitte|por\s+favor|go\s+ahead)\b", re.IGNORECASE)


def thanks_only(text: str) -> bool:
    """An acknowledgement that closes ("ok, thanks", "vale, gracias"), not a yes to what was offered."""
    return bool(THANKS.search(text)) and not _PLAIN_YES.search(text)


_SELLING = {
    "en": ("sell", "carry", "stock"),
    "de": ("verkaufen", "führen"),
    "es": ("venden", "vendéis", "vende"),
}
"""The verbs that ask whether the shop sells something; no search terms either."""
ASKS_WHAT_IS_SOLD = re.compile(
    rf"\b(?:do\s+you\s+(?:also\s+)?(?:{'|'.join(_SELLING['en'])})|(?:{'|'.join(_SELLING['de'])})\s+sie|"
    rf"{'|'.join(_SELLING['es'])})\b(?!\s+(?:(?:also|auch|también)\s+)?(?:to|an|a)\b)",
    re.IGNORECASE,
)
"""A question whether the shop sells something ("do you sell titanium?"): the catalog answers it, found or not.

"do you have ..." is not among them: "do you have a warranty?" asks for an article; nor is selling to someone
("do you sell to private persons?", "verkaufen Sie auch an Privatpersonen?"), a question for the business."""
_GREETING_LEAD = (
    r"(?:(?:hi|hello|hey|good\s+(?:morning|afternoon|evening)|hallo|guten\s+(?:morgen|tag|abend)|moin|servus|"
    r"hola|buenos\s+d[ií]as|buenas(?:\s+tardes)?)(?:\s+(?:there|all|team|zusammen))?\s+)?"
)
_CATALOG_QUESTIONS = (
    r"what\s+(?:(?:kinds?|sorts?|types?)\s+of\s+)?(?:products?\s+|items?\s+|things?\s+|goods\s+|stuff\s+)?"
    r"(?:else\s+)?(?:do|can)\s+(?:you|u)\s+(?:guys\s+)?(?:sell|offer|have|carry|stock|supply)"
    r"(?:\s+(?:here|online|in\s+stock|in\s+(?:your\s+)?(?:shop|store|catalog(?:ue)?|range)))?",
    r"what(?:'s|\s+is)\s+(?:in\s+)?your\s+(?:catalog(?:ue)?|range|product\s+range|assortment)",
    r"what\s+are\s+your\s+products|(?:show|send)\s+me\s+your\s+(?:products|catalog(?:ue)?|range)",
    r"what\s+can\s+i\s+(?:buy|order|get)\s+(?:here|from\s+you)",
    r"(?:was|welche\s+(?:produkte|artikel|waren))\s+(?:verkauft|führt|habt|bietet)\s+ihr"
    r"(?:\s+(?:so|alles|denn))*(?:\s+an)?(?:\s+im\s+(?:sortiment|angebot|shop))?",
    r"(?:was|welche\s+(?:produkte|artikel|waren))\s+(?:verkaufen|führen|haben|bieten)\s+sie"
    r"(?:\s+(?:so|alles|denn))*(?:\s+an)?(?:\s+im\s+(?:sortiment|angebot|shop))?",
    r"was\s+gibt\s+es\s+(?:bei\s+(?:euch|ihnen)|im\s+(?:shop|sortiment))",
    r"qu[ée]\s+(?:(?:tipo\s+de\s+)?(?:productos|art[íi]culos|cosas)\s+)?"
    r"(?:venden|vende|vend[ée]is|tienen|ten[ée]is|ofrecen|manejan)(?:\s+ustedes)?",
    r"qu[ée]\s+(?:productos|art[íi]culos)\s+hay",
)
_CATALOG = re.compile(rf"{_GREETING_LEAD}(?:{'|'.join(_CATALOG_QUESTIONS)})", re.IGNORECASE)
"""A whole message asking what the shop sells at all ("hello, what do you sell?", "Was verkauft ihr?"): the
catalog's categories answer it. "what sizes do you have?" or "what bearings do you sell?" ask about
products."""
ABOUT_OWN_ORDER = re.compile(
    r"\b(?:where|when|status|arrive[ds]?|track(?:ing)?|shipped|dispatched|wo|wann|wie\s+weit|angekommen|"
    r"dónde|donde|cuándo|cuando|estado|llega|llegó|llegado)\b"
    r"[^.?!]{0,40}?\b(?:my|our|mein(?:e|er|en)?|unser(?:e|er|en)?|mi|mis|nuestr[oa]s?)\s+(?:\w+\s+)?"
    r"(?:order|orders|bestellung|bestellungen|lieferung|paket|pedido|pedidos|paquete|envío|shipment|package|"
    r"parcel|delivery)\b",
    re.IGNORECASE,
)
"""A question where or when the customer's own order is ("where is my order?", "¿Dónde está mi pedido?"):
their orders answer it, not the FAQ about delivery times."""
_DAY = (
    r"(?:tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|next\s+week|the\s+weekend|"
    r"morgen|übermorgen|montag|dienstag|mittwoch|donnerstag|freitag|samstag|nächste[nr]?\s+woche|"
    r"mañana|lunes|martes|miércoles|miercoles|jueves|viernes|sábado|sabado|la\s+semana\s+que\s+viene|"
    r"la\s+próxima\s+semana)"
)
ARRIVAL_QUESTION = re.compile(
    r"\b(?:when|wann|cu[aá]ndo)\b.{0,40}\b(?:arrive[sd]?|arriving|deliver\w*|ship\w*|get\s+(?:it|them|my)|"
    r"kommt|kommen|ankomm\w*|geliefert|liefer\w*|verschickt|versendet|llega\w*|recib\w*|entrega\w*|"
    r"env[ií]a\w*)",
    re.IGNORECASE,
)
"""When an order will come: "when will it arrive?", "wann kommt meine Bestellung an?", "¿cuándo llega?"."""
DELIVERY_BY = re.compile(
    r"^(?!.*\b(?:open|opening|hours|pick|collect|geöffnet|offen|abholen|abrir|abren|abiertos|horario|recoger|"
    r"(?:my|our|mein\w*|unser\w*|mi|mis|nuestr\w*)\s+(?:\w+\s+)?(?:order|delivery|parcel|package|bestellung|"
    r"lieferung|paket|pedido|paquete|envío))\b)"
    rf".*(?:\b(?:by|before|until|for|bis|para|antes\s+del?|el)\s+(?:(?:this|next|diesen|kommenden|zum|este)\s+)?{_DAY}\b|"
    r"\bif\s+(?:i|we)\s+order\b|\bwenn\s+(?:ich|wir)\s+(?:heute|jetzt)\s+bestell|\blead[\s-]?times?\b|"
    r"\bsi\s+(?:lo\s+|la\s+|los\s+|las\s+)?(?:pido|pedimos|compro)\s+(?:hoy|ahora)\b)",
    re.IGNORECASE | re.DOTALL,
)
"""Whether something can be had by a day: "can you deliver by Friday?", "geht das bis Freitag?", "¿lo pueden
entregar el viernes?", "if I order today, when will it arrive?", "what's the lead time?". The business's
delivery times answer it;
the bot may not promise the day (not about the customer's own order, opening hours or a pick-up)."""
_ORDINALS = {
    "first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2, "fourth": 3, "4th": 3, "last": -1,
    "erste": 0, "zweite": 1, "dritte": 2, "vierte": 3, "letzte": -1, "primero": 0, "primera": 0, "primer": 0,
    "segundo": 1, "segunda": 1, "tercero": 2, "tercera": 2, "tercer": 2, "cuarto": 3, "cuarta": 3,
    "último": -1, "última": -1,
}  # fmt: skip
_ORDINAL = re.compile(
    rf"\b({'|'.join(sorted(_ORDINALS, key=len, reverse=True))})(?:[nrs])?\b"
    r"(?=\s*(?:one|option|item|product|artikel|producto|opción|[?.!,;]|$))",
    re.IGNORECASE,
)
"""Which of the products just listed: "the second one", "den zweiten?", "el primero"."""
_QUANTITY = (
    re.compile(rf"\b(\d{{1,6}})\s*{_UNITS}\b", re.IGNORECASE),
    # Before a product word, a number of four digits or more is an alloy or a part code ("6061 plates",
    # "6205 bearings") unless it is round ("1000 bolts"); the end of a part number is not a count either.
    re.compile(rf"(?<![\w.-])(\d{{1,3}}|\d{{1,4}}00)\s*{_FORMS}\b", re.IGNORECASE),
    re.compile(
        rf"(?<![\w.-])(\d{{1,3}}|\d{{1,4}}00)\s+(?:{_MATERIAL_WORDS}(?:{_FORMS}|plate|sheet)|{_COMPOUND_FORMS})\b",
        re.IGNORECASE,
    ),
    # "¿cuál es el precio de 20?", "price of 20?": after a price word, a count ("¿y de 8?" stays a size)
    re.compile(
        r"\b(?:precio|price|preis)\s+(?:de|of|für|for|von)\s+(\d{1,6})\s*(?:[?.!,;]|$)", re.IGNORECASE
    ),
    # "do you have 30 in stock?", "¿tienen 30 en stock?", "habt ihr 30 auf Lager?": a count of the product
    # just discussed (not "6204 in stock", a part code)
    re.compile(
        r"(?<![\w.-])(\d{1,3}|\d{1,4}00)\s+(?:(?:in|on|en|auf)\s+(?:stock|lager|existencia)|available|"
        r"disponibles?|vorrätig|lieferbar)\b",
        re.IGNORECASE,
    ),
    # A count on its own, as the answer to "how many?", or "make it 100"
    re.compile(r"^\W*(\d{1,6})\W*$"),
    re.compile(r"\bmake\s+it\s+(\d{1,6})\b", re.IGNORECASE),
    # "put 10 in an order", "add 5 to my cart": a count of the product discussed, not its 10 mm size
    re.compile(
        r"\b(?:put|add|place|include)\s+(\d{1,6})\s+(?:in|into|on|to)\s+(?:an?\s+|the\s+|my\s+|our\s+)?"
        r"(?:order|cart|basket)\b",
        re.IGNORECASE,
    ),
    # A count written straight before a SKU: "how much for 5 EM-C06-2F", "150 ER32-06 collets", "40 of
    # AL-6061-10-500x500".
    re.compile(rf"\b(\d{{1,6}})\s+(?:x\s+|of\s+|de\s+|von\s+)?(?!ORD-|INV-)(?={_SKU.pattern})"),
    # A count written before a size code: "price of 200 M8 nuts", "5 ER32 collets".
    # (not a part number's tail, an alloy's temper or a count itself: "AL-6061 x40", "6061 T6 plate").
    re.compile(r"(?<![\w-])(\d{1,6})\s+(?=(?![tx]\d)[a-z]{1,3}\d+(?:x\d+)?\b)", re.IGNORECASE),
    # "x40", "40x", unless it is a dimension between two sizes: "M8 x 20", "500 x 500".
    re.compile(r"(?<![\w.])x(\d{1,6})\b", re.IGNORECASE),
    re.compile(r"(?<![\w.])(?<!\d\s)x\s(\d{1,6})\b", re.IGNORECASE),
    re.compile(r"\b(\d{1,6})\s?x(?![\w.])(?!\s*\d)", re.IGNORECASE),
    # "100 of them", "25 of the ER32-10", "100 von den 2RS", "100 del 2RS"; and a bare count ending a phrase:
    # "and for 25?", "and 1000?", "what about 50?", "I need 4", "how much are 50?", "dann bestelle ich 5",
    # "vale, quiero pedir 50".
    re.compile(
        r"\b(\d{1,6})\s+(?:of\s+(?:them|these|those|it|the)|davon|von\s+(?:den|dem|der|diesen)|vom|"
        r"de\s+(?:ellos|ellas|esos|esas|estos|estas|la|las|los)|del)\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:and|for|about|are|need|want|like|take|order|buy|me|us|und|für|kosten|kostet|nehme|brauche|bestelle|"
        r"bestellen|kaufen|y|por|para|cuestan|cuesta|quiero|necesito|pedir|comprar|actually|rather|lieber|doch|mejor)"
        r"(?:\s+ich)?\s+(\d{1,6})\s*(?:(?:then|please|pls|bitte|dann|por\s+favor|entonces)\W*)?(?:[?.!,;]|$)",
        re.IGNORECASE,
    ),
)
_STOP = frozenset([
    "a", "an", "the", "and", "or", "of", "for", "to", "in", "on", "at", "is", "are", "be", "it", "its", "this",
    "that", "these", "those", "do", "you", "have", "got", "has", "had", "any", "what", "whats", "how", "much",
    "many", "would", "could", "can", "will", "i", "we", "me", "my", "our", "your", "please", "cost", "costs",
    "price", "prices", "quote", "stock", "available", "availability", "there", "with", "about", "need", "want",
    "get", "buy", "order", "place", "like", "yes", "no", "nein", "make", "then", "instead", "möchte", "put", "add",
    "cart", "basket",
    "bestellen", "quiero", "pedir", "davon", "ellos", "ellas", "hi", "hello", "hey", "does", "did", "also",
    "tell", "know", "let", "some", "thanks", "thank", "x", "mm", "haben", "sie", "ihr", "was", "kostet",
    "kosten", "habt", "hast", "hat", "wie", "viel", "viele", "und", "oder", "der", "die", "das", "ein", "eine", "einen", "ich", "wir",
    "bitte", "tienen", "tiene", "usted", "cuánto", "cuanto", "cuántos", "cuantos", "cuántas", "cuantas", "cuánta", "cuanta", "cuesta", "cuestan", "valen",
    "precio", "el", "la", "los", "las", "un", "una", "y", "o", "de", "por", "favor", "them", "one", "ones",
    "auf", "lager", "vorrätig", "they", "their", "cheapest", "least", "expensive", "lowest", "priced",
    "most", "priciest", "pricier", "dearer", "dearest", "highest", "teuerste", "teuersten", "teuerster", "teurer", "caro",
    "biggest", "bigger", "largest", "larger", "smallest", "smaller", "größere", "größeren", "größte", "größten",
    "kleinere", "kleineren", "kleinste", "kleinsten", "grande", "grandes", "pequeño", "pequeña",
    "cara", "caros", "caras", "weight", "weights", "weigh", "weighs", "heavy", "gewicht", "wiegt", "wiegen",
    "schwer", "peso", "pesa", "pesan", "incl", "inkl", "including", "excluding", "excl", "vat", "tax", "mwst",
    "iva", "incluye", "incluido", "netto", "brutto", "gross", "anything", "something", "etwas", "algo",
    "cheaper", "billiger", "günstiger", "barato", "barata", "than", "als", "que",
    "günstigste", "günstigsten", "günstigster", "billigste", "billigsten", "billigster", "más", "mas", "barato",
    "barata", "baratos", "baratas", "cheaper", "less", "günstiger", "billiger", "which", "welche", "welcher",
    "welches", "cuál", "cual", "ist", "sind", "es", "gibt", "auch", "noch", "son", "other", "else", "welchen",
    "qué", "que", "hay", "otras", "otros", "andere", "anderen", "option", "item", "product", "den", "para",
    "für", "mit", "con", "hallo", "hola", "guten", "tag", "buenos", "días", "en", "del", "al", "im", "am",
    "zum", "zur", "beim", "ok", "okay", "alright", "well", "great", "dann", "gut", "vale", "bueno", "pues",
    "entonces", "take", "bestelle", "nehme", "brauche", "kaufe", "kaufen", "gerne", "hätte", "würde", "comprar",
    "compro", "pido", "necesito", "perfect", "perfekt", "perfecto", "genial", "prima", "ll", "ve", "re",
    "looking", "look", "searching", "question", "suche", "busco", "buscando", "actually", "rather", "sorry",
    "oh", "eigentlich", "lieber", "doch", "mejor", "perdón", "preis", "preise", "show", "zeigen", "zeig",
    "muéstreme", "muestre", "enséñeme", "send", "give", "u", "schickt",
    "schicken", "senden", "mándenme", "envíen", "können", "könnten", "mir", "uns", "angebot", "quotation",
    "presupuesto", "cotización", "mandar", "enviar", "pueden", "puede", "me", "pedirlo", "pedirla",
    "pedirlos", "pedirlas", "comprarlo", "comprarla", "comprarlos", "comprarlas", "replacement", "broken", "size",
    "größe", "tamaño", "medida", "aus", "made", "hecho", "hechos", "hecha", "hechas", "lieferbar", "verfügbar",
    "erhältlich", "disponible", "disponibles", "existencias", "quedan", "still", "todavía", "aún", "currently", "now",
    "jetzt", "ahora", "momentan", "aktuell", "actualmente", "ja", "sí", "si", "claro", "genau", "gern", "yeah", "yep",
    "sure",
    "worn", "ersatz", "kaputten", "kaputte", "kaputt", "repuesto", "roto", "rota", "per", "pro", "je", "each",
    "every", "cada", "einer", "einem", "come", "comes", "vienen", "viene", "package", "packages", "packet",
    "paket", "schachtel", "beutel", "paquete", "paquetes", "bolsa",
    *_COUNTED_IN, *_PACKAGING, *_VARIANT_WORDS,
    *(f"{word}{end}" for word in _ORDINALS for end in ("", "n")),
    *(verb for verbs in _SELLING.values() for verb in verbs),
])  # fmt: skip


_GROUPED = re.compile(r"\b\d{1,3}(?:[,.]\d{3})+\b(?![.,]\d)")
"""A count written with thousands separators: "1,000", "2.500" (not "1.4301" or "12,5")."""


def _ungrouped(text: str) -> str:
    return _GROUPED.sub(lambda m: re.sub(r"[,.]", "", m.group()), text)


_ONES = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12, "dos": 2, "tres": 3, "cuatro": 4,
    "cinco": 5, "seis": 6, "siete": 7, "ocho": 8, "nueve": 9, "diez": 10, "doce": 12, "quince": 15,
}  # fmt: skip
_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60, "siebzig": 70,
    "achtzig": 80, "neunzig": 90, "veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50,
    "sesenta": 60, "setenta": 70, "ochenta": 80, "noventa": 90,
}  # fmt: skip
_SCALES = {
    "dozen": 12, "hundred": 100, "hundert": 100, "cien": 100, "cientos": 100, "thousand": 1000, "tausend": 1000,
    "mil": 1000,
}  # fmt: skip
_COUNT_WORDS = frozenset([*_ONES, *_TENS, *_SCALES])
_NUMBER_WORD = "|".join(sorted([*_ONES, *_TENS, *_SCALES, "a", "an", "one"], key=len, reverse=True))
_NUMBER_WORDS = re.compile(
    rf"\b(?:{_NUMBER_WORD})(?:(?:\s+|-)(?:and\s+|y\s+)?(?:{_NUMBER_WORD}))*\b", re.IGNORECASE
)


def _number_value(words: list[str]) -> int | None:
    """The value of a count written in words ("forty", "twenty-five", "a hundred", "two dozen"), else None."""
    total, current, seen = 0, 0, False
    for word in words:
        if word in ("a", "an", "one"):
            current = max(current, 1)
        elif word in _ONES or word in _TENS:
            current += _ONES.get(word) or _TENS[word]
            seen = True
        elif word in _SCALES:
            scale = _SCALES[word]
            current = max(current, 1) * scale
            seen = True
            if scale >= 100:
                total, current = total + current, 0
    return total + current if seen else None


def _in_digits(text: str) -> str:
    """Counts written in words as digits: "how much for forty?" is 40, "a hundred pieces" 100."""

    def value(match: re.Match[str]) -> str:
        words = [w for w in re.split(r"[\s-]+", match.group().lower()) if w not in ("and", "y")]
        number = _number_value(words)
        return match.group() if number is None else str(number)

    return _NUMBER_WORDS.sub(value, text)


def _quantity(text: str) -> tuple[int, str] | None:
    """The count, and what the message says after it.

    A number within a part number is none: "HB-M8x40-88X price?" asks about one box, not 88.
    """
    text = _in_digits(_ungrouped(text))
    codes = [m.span() for m in _SKU.finditer(text)]
    for pattern in _QUANTITY:
        for match in pattern.finditer(text):
            if not any(start <= match.start(1) < end for start, end in codes):
                return int(match.group(1)), text[match.end(1) :]
    return None


_AND_THEN = re.compile(r"^\W*(?:and|und|y|what\s+about|how\s+about|und\s+was\s+ist\s+mit)\b", re.I)
_AND_THEN_WORDS = 5


def compares_prices(entities: dict[str, Any]) -> bool:
    """Whether the message asks for the cheapest or the dearest of the matches ("which one is cheaper?")."""
    return bool(entities.get("cheapest") or entities.get("dearest"))


def picks_one(entities: dict[str, Any]) -> bool:
    """Whether the message picks one of the matches by price or size ("the bigger one", "the cheapest")."""
    return compares_prices(entities) or bool(entities.get("largest") or entities.get("smallest"))


def asks_the_same(text: str) -> bool:
    """A short follow-up that asks the same about something else: "and ER32-10?" after "ER32-08 for 12?"."""
    return bool(_AND_THEN.search(text)) and len(text.split()) <= _AND_THEN_WORDS


_IN_PACKAGES = re.compile(rf"\d\s*(?:{'|'.join(_PACKAGING)})\b", re.IGNORECASE)


def counts_packages(text: str) -> bool:
    """Whether a count in the message is of boxes, cans or packs ("3 Boxen"), said outright."""
    return bool(_IN_PACKAGES.search(text))


_OWN_QUESTION = re.compile(
    r"\b(?:how|what|when|where|which|who|why|wie|was|wann|wo|welche[rsnm]?|warum|cu[aá]nto|c[oó]mo|qu[eé]|"
    r"cu[aá]ndo|d[oó]nde)\b",
    re.IGNORECASE,
)


def without_and_then(text: str) -> str:
    """The question of "und wo sind Sie?" without its "und", which moved its vector away from the address."""
    return _AND_THEN.sub("", text).strip()


def asks_the_same_of(text: str) -> bool:
    """A follow-up that names only what it asks the last question of: "and to Switzerland?", not "and how long?"."""
    return asks_the_same(text) and not _OWN_QUESTION.search(without_and_then(text))


_BARE_NUMBER = re.compile(r"(?<![\w.,-])\d{1,6}(?![\w.,-]\d)")
_SIZE_UNIT = re.compile(r"\d\s*(?:mm|cm|m|in|inch|zoll)\b|\b(?:mm|cm|inch|zoll)\b", re.IGNORECASE)


def _counts_only(text: str) -> list[int]:
    """Two or more counts and nothing else to search for: "how much for 10 and 20?" prices both."""
    numbers = _BARE_NUMBER.findall(_ungrouped(text))
    if len(numbers) < 2 or _SIZE_UNIT.search(text) or not all(t.isdigit() for t in search_terms(text)):
        return []
    return list(dict.fromkeys(int(n) for n in numbers))


_ASKS = (
    (_VARIANTS, "variants"),
    (_PACKAGE_QUESTION, "package_question"),
    (WEIGHT_QUESTION, "asks_weight"),
    (ORIGIN_QUESTION, "asks_origin"),
    (ATTRIBUTE_QUESTION, "asks_attribute"),
    (_COMPARE, "compares"),
)
"""What a message asks about a product, each a flag of its own."""


def extract_entities(text: str) -> dict[str, Any]:
    """Everything a pattern recognises in one message (keys only for what was found)."""
    found: dict[str, Any] = {}
    orders = [m.upper() for m in _ORDER.findall(text)]
    invoices = [m.upper() for m in _INVOICE.findall(text)]
    if orders:
        found["order_numbers"] = orders
    if invoices:
        found["invoice_numbers"] = invoices
    taken = set(orders) | set(invoices)
    skus = [
        m for m in _SKU.findall(text) if m.upper() not in taken and not m.upper().startswith(("ORD-", "INV-"))
    ]
    if skus:
        found["skus"] = skus
    emails = _EMAIL.findall(text)
    if emails:
        found["emails"] = emails
    without_ids = _ORDER.sub(" ", _INVOICE.sub(" ", text))
    phones = [p.strip() for p in _PHONE.findall(without_ids) if sum(c.isdigit() for c in p) >= 8]
    if phones:
        found["phones"] = phones
    if counted := _quantity(text):
        found["quantity"] = counted[0]
        if _THE_THINGS.search(counted[1]) or _PIECES.search(counted[1]):
            found["counts_pieces"] = True
    if _CHEAPER_INSTEAD.search(text):
        found["cheaper_instead"] = True
    elif _CHEAPEST.search(text):
        found["cheapest"] = True
    elif _DEAREST.search(text):
        found["dearest"] = True
    elif _LARGEST.search(text):
        found["largest"] = True
    elif _SMALLEST.search(text):
        found["smallest"] = True
    found |= {key: True for pattern, key in _ASKS if pattern.search(text)}
    if ordinal := _ORDINAL.search(text):
        found["ordinal"] = _ORDINALS[ordinal.group(1).lower()]
    if counts := _counts_only(text):
        found["counts"] = counts
    if _CATALOG.fullmatch(" ".join(re.sub(r"[¿?¡!.,;:]+", " ", text).split())):
        found["catalog"] = True
    return found


_PER_UNIT = re.compile(
    r"\b(?:per|pro|por|je|a)\s+(?:meter|metre|metro|m|piece|pc|pcs|stück|stk|pieza|unit|unidad|box|kg)\b"
)
"""What a price is given for ("how much per meter?"): no product word."""


def search_terms(text: str) -> list[str]:
    """The message's words worth matching against product names, most distinctive first."""
    # "8mm" is the 8 mm one: the catalog writes the number and the unit apart.
    spaced = _PER_UNIT.sub(" ", re.sub(r"(?<=\d)(mm|cm|kg)\b", r" \1", _ungrouped(text).lower()))
    words = re.findall(r"[\w.]+", spaced)
    # A lone digit stays: "a collet for 9 mm" names the 9 mm one.
    stripped = (w.strip(".") for w in words)
    terms = [
        w for w in stripped if w and w not in _STOP and w not in _COUNT_WORDS and (len(w) > 1 or w.isdigit())
    ]
    unique = list(dict.fromkeys(terms))
    # Numbers first ("6061", "M8"), then words; a lone digit last: it tells sizes apart ("9 mm") but, searched
    # on its own, matches half the catalog.
    return sorted(unique, key=lambda w: (2 if len(w) == 1 else not any(c.isdigit() for c in w), -len(w)))
