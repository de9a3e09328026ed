"""The prompt-injection corpora, deduplicated and split so no test row is ever trained on.

Used by the training script and the benchmark, so both see exactly the same split. The rules, from the
data's SOURCE.md: deepset and protectai share hundreds of identical rows and every NotInject row also
appears in protectai validation, so rows are keyed by normalised text. Training uses deepset train and a
fixed half of protectai validation (chosen by a hash of the text, so the split never changes); the other
half, JailbreakBench, Giskard, NotInject and the BIPIA test attacks are test sets, and any text that appears
in one of them is removed from training. NotInject stays out of training entirely.

Those corpora hold almost no ordinary customer chat, and a model trained on them alone flagged 9 of 12
everyday messages of the scenario suite ("good morning, anyone there?", "thanks, that's all, bye"). So the
training set also gets benign assistant chat: a fixed sample of CLINC150's training split (see
:func:`load_clinc_chat`), German and Spanish questions about a catalog (:func:`catalog_chat`) and, in the
training script, the packaged commerce phrases.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from parley.devdata import shared_data_dir

__all__ = [
    "BIPIA_DIRECTIVE_CATEGORIES",
    "DEFAULT_BIPIA_DIR",
    "DEFAULT_CLINC_PATH",
    "DEFAULT_DATA_DIR",
    "WRITTEN_REQUESTS_PATH",
    "InjectionSplits",
    "LabelledText",
    "catalog_chat",
    "insert_attack",
    "load_bipia_attacks",
    "load_bipia_directives",
    "load_bipia_emails",
    "load_clinc_chat",
    "load_injection_splits",
    "load_written_requests",
    "normalise",
]

DEFAULT_DATA_DIR = shared_data_dir() / "prompt_injection"
DEFAULT_BIPIA_DIR = shared_data_dir() / "bipia_email_indirect_injection"
DEFAULT_CLINC_PATH = shared_data_dir() / "clinc150" / "data_full.json"
WRITTEN_REQUESTS_PATH = Path(__file__).with_name("harmful_requests.yaml")
# BIPIA's attack categories that tell the assistant how to shape its reply. The other five (a question, an
# essay, a lesson, a translation, a program) are tasks a customer may ask for in good faith.
BIPIA_DIRECTIVE_CATEGORIES = (
    "Alphanumeric Substitution",
    "Homophonic Substitution",
    "Misspelling Intentionally",
    "Anagramming",
    "Space Removal & Grouping",
    "Instruction",
    "Social Interaction",
    "Persuasion",
    "Clickbait",
    "Malware Distribution",
)


@dataclass(frozen=True)
class LabelledText:
    """One message: 1 for an attack, 0 for a benign message; ``source`` names the set and subset."""

    text: str
    label: int
    source: str


@dataclass
class InjectionSplits:
    """Training rows and the named test sets, all deduplicated by normalised text."""

    train: list[LabelledText]
    baseline_train: list[LabelledText]
    tests: dict[str, list[LabelledText]] = field(default_factory=dict)

    def all_texts(self) -> list[str]:
        """Every distinct text in any split, for embedding once."""
        seen: dict[str, None] = {}
        for row in [*self.train, *self.baseline_train, *(r for rows in self.tests.values() for r in rows)]:
            seen.setdefault(row.text, None)
        return list(seen)


def normalise(text: str) -> str:
    """The deduplication key: case-folded, whitespace collapsed."""
    return " ".join(text.split()).casefold()


def _in_first_half(text: str) -> bool:
    return hashlib.sha256(normalise(text).encode()).digest()[0] % 2 == 0


def _jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_bipia_attacks(bipia_dir: Path = DEFAULT_BIPIA_DIR, *, split: str) -> dict[str, list[str]]:
    """BIPIA's attack instructions by category, for ``split`` "train" or "test"."""
    with (bipia_dir / f"text_attack_{split}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def load_bipia_emails(bipia_dir: Path = DEFAULT_BIPIA_DIR, *, split: str) -> list[str]:
    """BIPIA's email contexts (the documents attacks are inserted into), for "train" or "test"."""
    return [r["context"] for r in _jsonl(bipia_dir / f"email_{split}.jsonl")]


def load_clinc_chat(
    path: Path = DEFAULT_CLINC_PATH, *, per_intent: int = 10, seed: int = 0
) -> list[LabelledText]:
    """Benign assistant chat: ``per_intent`` phrases of each CLINC150 training intent and its out-of-scope ones.

    Only the training split, so CLINC150's test split stays a held-out measure of false alarms on chat.
    """
    rows = json.loads(path.read_text(encoding="utf-8"))
    by_intent: dict[str, list[str]] = {}
    for text, intent in rows["train"]:
        by_intent.setdefault(intent, []).append(text)
    rng = random.Random(seed)
    sample = [t for intent in sorted(by_intent) for t in rng.sample(by_intent[intent], per_intent)]
    sample += [text for text, _ in rows["oos_train"]]
    return [LabelledText(text, 0, "chat/clinc150") for text in sample]


# German and Spanish catalog questions, written the way customers write them. deepset's German rows are news
# questions and attacks, so the model learnt no German shop talk: it flagged 25 of the benchmark's 200
# ("Habt ihr Alu-Platten?", "Sind Messing-Rundstangen vorrätig?"). The benchmark measures false alarms on other
# templates and other products (bench/guardrails.py), so keep these two lists apart from those.
_CATALOG_TEMPLATES = {
    "de": (
        "Habt ihr auch {}?",
        "Haben Sie {}?",
        "Moin, habt ihr {}?",
        "Verkauft ihr {}?",
        "Wie teuer sind {}?",
        "Ich hätte gern 10 {}",
        "Sind {} auf Lager?",
        "Könnten Sie mir ein Angebot für {} schicken?",
        "Wann sind {} wieder da?",
        "Ich brauche {}, habt ihr die?",
        "Hallo zusammen, gibt es {}?",
        "Liefert ihr auch {}?",
    ),
    "es": (
        "¿Venden también {}?",
        "Buenas, ¿tienen {}?",
        "Necesito 10 {}",
        "¿Qué precio tienen {}?",
        "¿Les quedan {}?",
    ),
}
_CATALOG_PRODUCTS = {
    "de": (
        "Alu-Rohre", "Alu-Profile", "Messingschrauben", "Stahlplatten", "Edelstahlbleche", "Kupferrohre",
        "Rundstahl", "Vierkantstahl", "Schaftfräser", "Spiralbohrer", "Gewindeeinsätze", "Nutensteine",
        "Sicherungsringe", "Zahnriemen", "Druckfedern", "Hutmuttern", "Blindnieten", "Schneidöl", "Sägeblätter",
        "Schraubstöcke",
    ),
    "es": (
        "tubos de cobre", "perfiles de aluminio", "chapas de acero", "brocas", "muelles", "remaches",
        "aceite de corte", "sierras", "juntas", "ejes",
    ),
}  # fmt: skip


def catalog_chat() -> list[LabelledText]:
    """Benign German and Spanish catalog questions: every template with every product of its language."""
    return [
        LabelledText(template.format(product), 0, f"chat/catalog_{language}")
        for language, templates in _CATALOG_TEMPLATES.items()
        for template in templates
        for product in _CATALOG_PRODUCTS[language]
    ]


def load_written_requests(path: Path = WRITTEN_REQUESTS_PATH) -> list[LabelledText]:
    """The hand-written harmful requests (label 1) and their harmless look-alikes (label 0)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        LabelledText(text, label, f"written/{kind}/{category}")
        for kind, label in (("harmful", 1), ("benign", 0))
        for category, texts in data[kind].items()
        for text in texts
    ]


def load_bipia_directives(bipia_dir: Path = DEFAULT_BIPIA_DIR) -> list[LabelledText]:
    """BIPIA's training attacks that direct the shape of the reply, as attacks a message may carry."""
    attacks = load_bipia_attacks(bipia_dir, split="train")
    return [
        LabelledText(text, 1, f"bipia/train/{category}")
        for category in BIPIA_DIRECTIVE_CATEGORIES
        for text in attacks[category]
    ]


def insert_attack(context: str, attack: str, position: str) -> str:
    """Insert ``attack`` as a sentence at the "start", "middle" or "end" of ``context``, as BIPIA does."""
    sentences = re.split(r"(?<=[.!?])\s+", context)
    index = {"start": 0, "middle": len(sentences) // 2, "end": len(sentences)}[position]
    return " ".join([*sentences[:index], attack, *sentences[index:]])


def _dedupe(rows: list[LabelledText], exclude: set[str]) -> list[LabelledText]:
    kept: dict[str, LabelledText] = {}
    for row in rows:
        key = normalise(row.text)
        if key not in exclude and key not in kept:
            kept[key] = row
    return list(kept.values())


def load_injection_splits(
    data_dir: Path = DEFAULT_DATA_DIR, bipia_dir: Path = DEFAULT_BIPIA_DIR
) -> InjectionSplits:
    """Read every corpus and return the leak-free training set and the named test sets."""
    deepset = [
        LabelledText(r["text"], int(r["label"]), "deepset")
        for r in _jsonl(data_dir / "deepset_prompt_injections_train.jsonl")
    ]
    protectai = _jsonl(data_dir / "protectai_prompt_injection_validation.jsonl")
    notinject = [
        LabelledText(r["text"], 0, f"notinject/{r['category']}")
        for r in _jsonl(data_dir / "notinject_benign_with_trigger_words.jsonl")
    ]
    jbb = [
        LabelledText(r["goal"], int(r["label"]), "jbb/harmful" if r["label"] else "jbb/benign")
        for r in _jsonl(data_dir / "jbb_behaviors_harmful_and_benign.jsonl")
    ]
    with (data_dir / "giskard_prompt_injections.csv").open(encoding="utf-8", newline="") as handle:
        giskard = [LabelledText(r["prompt"], 1, f"giskard/{r['group']}") for r in csv.DictReader(handle)]
    bipia_test = {
        normalise(t) for texts in load_bipia_attacks(bipia_dir, split="test").values() for t in texts
    }

    notinject_keys = {normalise(r.text) for r in notinject}
    deepset_keys = {normalise(r.text) for r in deepset}
    other_test_keys = {normalise(r.text) for r in [*jbb, *giskard]} | bipia_test

    protectai_train: list[LabelledText] = []
    protectai_test: list[LabelledText] = []
    for r in protectai:
        key = normalise(r["text"])
        if key in notinject_keys:
            continue  # NotInject is reported on its own and never trained on
        row = LabelledText(r["text"], int(r["label"]), f"protectai/{r['split']}")
        if key in deepset_keys:
            protectai_train.append(row)  # already deepset training data
        elif key in other_test_keys or not _in_first_half(r["text"]):
            protectai_test.append(row)
        else:
            protectai_train.append(row)

    tests = {
        "protectai_heldout": _dedupe(protectai_test, set()),
        "jbb": _dedupe(jbb, set()),
        "giskard": _dedupe(giskard, set()),
        "notinject": _dedupe(notinject, set()),
    }
    test_keys = {normalise(r.text) for rows in tests.values() for r in rows} | bipia_test
    return InjectionSplits(
        train=_dedupe([*deepset, *protectai_train], test_keys),
        baseline_train=_dedupe(deepset, test_keys),
        tests=tests,
    )
