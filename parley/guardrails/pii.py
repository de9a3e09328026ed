"""Personal data in customer messages: find it, and replace it with typed placeholders.

Customers paste their email address, phone number, IBAN or card number into a chat without thinking;
the model and the logs do not need them. Redaction is the normal outcome (the message goes on as
"my email is [EMAIL]"); a profile can block a kind instead. Checksums keep order and invoice numbers
from being taken for payment data: an IBAN must pass ISO 13616's mod-97 check and a card number the Luhn
check with a known card-network prefix. The verdict's details carry masked values only, since verdicts
end up in logs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from parley.guardrails.profile import PiiConfig, PiiKind
from parley.guardrails.verdict import Action, Verdict, timed

__all__ = ["EMAIL_RE", "PiiMatch", "check_pii", "find_pii", "iban_is_valid", "luhn_is_valid", "redact_pii"]

EMAIL_RE = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}\b")
_IBAN_RE = re.compile(r"\b[A-Za-z]{2}\d{2}(?:[ ]?[A-Z0-9]){11,30}\b")
_CARD_RE = re.compile(r"(?<![\d.,])\d(?:[ -]?\d){12,18}(?!\d|[.,]\d)")
_PHONE_RE = re.compile(
    r"(?<![\w+])(?:"
    r"(?:\+|00)[1-9]\d{0,2}[\s./-]?(?:\(0\)[\s./-]?)?(?:\(?\d{1,5}\)?[\s./-]?){1,5}\d{2,5}"  # international
    r"|\(\d{2,5}\)[\s./-]?\d{2,5}(?:[\s./-]?\d{2,5}){0,3}"  # (555) 123-4567
    r"|0\d{1,5}(?:[\s./-]\d{2,8}){1,4}"  # national: 0171 1234567, 030/1234-567
    r"|\d{3}[-.\s]\d{3}[-.\s]\d{4}"  # 555-123-4567
    r")(?![\w-])"
)
_PHONE_CONTEXT_RE = re.compile(
    r"\b(?:phone|mobile|cell|tel(?:ephone)?|call|ring|whats\s?app|sms|text\s+me|fax|reach\s+me)\b",
    re.IGNORECASE,
)
_NOT_PHONE_BEFORE_RE = re.compile(
    r"\b(?:order|invoice|ticket|tracking|customer|account|reference|ref|item|sku|part|article|case)\s*"
    r"(?:no\.?|number|nr\.?|id)?\s*[:#]?\s*$",
    re.IGNORECASE,
)
_BARE_DIGITS_RE = re.compile(r"(?<![\w.,])\d{7,15}(?!\w|[.,]\d)")
_DATE_LIKE_RE = re.compile(r"^\d{1,4}[./-]\d{1,2}[./-]\d{1,4}$")
_CARD_PREFIXES = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|3[068]|6011|64[4-9]|65|62|35|5[06-9]|6\d)")
_PLACEHOLDERS: dict[str, str] = {"email": "[EMAIL]", "phone": "[PHONE]", "iban": "[IBAN]", "card": "[CARD]"}


@dataclass(frozen=True)
class PiiMatch:
    """One piece of personal data: its kind, where it is, and the raw value (never logged)."""

    kind: PiiKind
    start: int
    end: int
    value: str

    def masked(self) -> str:
        """The value with most characters hidden, safe for logs."""
        if self.kind == "email":
            local, _, domain = self.value.partition("@")
            return f"{local[:1]}***@{domain}"
        digits = re.sub(r"\W", "", self.value)
        return f"{digits[:2]}***{digits[-2:]}"


def luhn_is_valid(number: str) -> bool:
    """The Luhn (mod-10) checksum that every payment card number passes."""
    digits = [int(c) for c in number if c.isdigit()]
    if len(digits) < 2:
        return False
    total = 0
    for i, digit in enumerate(reversed(digits)):
        if i % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def iban_is_valid(iban: str) -> bool:
    """ISO 13616: move the first four characters to the end, letters to 10-35, remainder mod 97 is 1."""
    compact = re.sub(r"\s", "", iban).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]{11,30}", compact):
        return False
    rearranged = compact[4:] + compact[:4]
    return int("".join(str(int(c, 36)) for c in rearranged)) % 97 == 1


def _overlaps(start: int, end: int, taken: list[PiiMatch]) -> bool:
    return any(start < m.end and m.start < end for m in taken)


def find_pii(text: str, kinds: frozenset[PiiKind] | None = None) -> list[PiiMatch]:
    """Every email, phone number, valid IBAN and valid card number in ``text``, in order."""
    kinds = kinds or frozenset(_PLACEHOLDERS)  # type: ignore[arg-type]
    found: list[PiiMatch] = []
    if "email" in kinds:
        found += [PiiMatch("email", m.start(), m.end(), m.group()) for m in EMAIL_RE.finditer(text)]
    if "iban" in kinds:
        for m in _IBAN_RE.finditer(text):
            value = _longest_valid_iban(m.group())
            if value and not _overlaps(m.start(), m.start() + len(value), found):
                found.append(PiiMatch("iban", m.start(), m.start() + len(value), value))
    if "card" in kinds:
        for m in _CARD_RE.finditer(text):
            digits = re.sub(r"\D", "", m.group())
            plausible = 13 <= len(digits) <= 19 and _CARD_PREFIXES.match(digits) and luhn_is_valid(digits)
            if plausible and not _overlaps(m.start(), m.end(), found):
                found.append(PiiMatch("card", m.start(), m.end(), m.group()))
    if "phone" in kinds:
        # IBAN-shaped text with a wrong checksum is a mistyped IBAN, not a phone number.
        shaped = [PiiMatch("iban", m.start(), m.end(), "") for m in _IBAN_RE.finditer(text)]
        found += _find_phones(text, [*found, *shaped])
    return sorted(found, key=lambda m: m.start)


def _longest_valid_iban(candidate: str) -> str | None:
    """The longest valid IBAN at the start of ``candidate``, dropping trailing groups ("... 00 THANKS")."""
    groups = candidate.split(" ")
    while groups:
        value = " ".join(groups)
        if iban_is_valid(value):
            return value
        groups.pop()
    return None


def _find_phones(text: str, taken: list[PiiMatch]) -> list[PiiMatch]:
    phones: list[PiiMatch] = []
    candidates = list(_PHONE_RE.finditer(text))
    for m in _BARE_DIGITS_RE.finditer(text):
        before = text[max(0, m.start() - 40) : m.start()]
        if _PHONE_CONTEXT_RE.search(before) and not _NOT_PHONE_BEFORE_RE.search(before):
            candidates.append(m)
    for m in candidates:
        value = m.group().strip()
        digits = re.sub(r"\D", "", value)
        if not 7 <= len(digits) <= 15 or _DATE_LIKE_RE.match(value):
            continue
        if _overlaps(m.start(), m.start() + len(value), [*taken, *phones]):
            continue
        phones.append(PiiMatch("phone", m.start(), m.start() + len(value), value))
    return phones


def redact_pii(text: str, matches: list[PiiMatch]) -> str:
    """``text`` with each match replaced by its placeholder, such as ``[EMAIL]``."""
    pieces, position = [], 0
    for match in sorted(matches, key=lambda m: m.start):
        pieces += [text[position : match.start], _PLACEHOLDERS[match.kind]]
        position = match.end
    return "".join([*pieces, text[position:]])


@timed
def check_pii(text: str, config: PiiConfig | None = None) -> Verdict:
    """Redact personal data (``modify``), or block when a kind in ``config.block_on`` is present."""
    config = config or PiiConfig()
    if not config.enabled:
        return Verdict.ok("pii.disabled")
    matches = find_pii(text, config.kinds)
    if not matches:
        return Verdict.ok("pii.ok")
    details = {"found": [{"kind": m.kind, "span": [m.start, m.end], "masked": m.masked()} for m in matches]}
    kinds = sorted({m.kind for m in matches})
    blocking = sorted({m.kind for m in matches} & config.block_on)
    if blocking:
        return Verdict(
            action=Action.BLOCK,
            code="pii.blocked",
            message=f"The message contains {', '.join(blocking)} data, which this channel does not accept.",
            details=details,
        )
    return Verdict(
        action=config.action,
        code="pii.redacted",
        message=f"Personal data redacted: {', '.join(kinds)}.",
        details=details,
        modified_text=redact_pii(text, matches),
    )
