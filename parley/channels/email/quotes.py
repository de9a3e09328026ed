"""Finding the new text in an e-mail reply: quoted history and signatures removed.

Customers reply above (or, in some clients, below) the whole previous thread. The agent must answer what
was just written, not the quoted offer from last week, so each client's way of introducing a quotation is
recognised: Gmail and Apple Mail "On ... wrote:", Outlook's header block or "-----Original Message-----",
Yahoo's "--- On ... wrote:", forwarded-message banners and ``>`` quoted lines. Signatures ("-- " and
"Sent from my iPhone") are removed in a separate step, so callers can keep them if they want.
"""

from __future__ import annotations

import re

__all__ = ["extract_new_text", "strip_quoted_reply", "strip_signature"]

_WROTE_VERBS = (
    r"wrote|writes|escribió|escribio|escreveu|a écrit|schrieb|ha scritto|scrisse|schreef|skrev|kirjoitti"
    r"|napisał|napsal|написал|написала|написав|yazdı|έγραψε|het volgende geschreven"
)
_WROTE = re.compile(rf"\b({_WROTE_VERBS})\b.*:\s*$", re.IGNORECASE)
_HEADER_START = re.compile(
    r"^(On|Am|Le|El|Em|Il|Op|Den|På|W dniu|Dne|В|\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\d{1,2} \w+ \d{4})\b",
    re.IGNORECASE,
)
_HEADER_EVIDENCE = re.compile(r"@|\d{1,2}:\d{2}|\d{4}|\d{1,2}/\d{1,2}/\d{2,4}")
_BANNER = re.compile(
    r"^[-_=*\s]{2,}(original message|forwarded message|original|message d'origine|message transféré"
    r"|ursprüngliche nachricht|weitergeleitete nachricht|mensaje original|mensaje reenviado"
    r"|oorspronkelijk bericht|doorgestuurd bericht|messaggio originale|messaggio inoltrato"
    r"|mensagem original|исходное сообщение|пересылаемое сообщение|wiadomość oryginalna)[-_=*\s]{2,}$",
    re.IGNORECASE,
)
_FORWARD_INTRO = re.compile(
    r"^(begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié)\s*:?$",
    re.IGNORECASE,
)
_FROM_FIELD = re.compile(r"^\*?(From|Von|De|Van|Da|Od|От|Från|Fra|Lähettäjä)\s*:\*?\s*\S", re.IGNORECASE)
_OTHER_FIELD = re.compile(
    r"^\*?(Sent|Date|To|Cc|Subject|Gesendet|Datum|An|Betreff|Envoyé|À|Objet|Enviado|Fecha|Para|Asunto"
    r"|Verzonden|Aan|Onderwerp|Inviato|Oggetto|Отправлено|Дата|Кому|Тема|Skickat|Till|Ämne)\s*:",
    re.IGNORECASE,
)
_RULE = re.compile(r"^[-_=]{5,}$")
_QUOTED = re.compile(r"^\s*>")
_SIGNATURE_DELIMITER = re.compile(r"^--\s*$")
_MOBILE_SIGNATURE = re.compile(
    r"^(sent from my|sent from (mail|outlook|yahoo|aol|samsung|gmail)|sent (via|with|using) |get outlook for"
    r"|enviado desde mi|enviado do meu|envoyé de mon|envoyé depuis|von meinem .* gesendet|gesendet von"
    r"|inviato da|verzonden met|verstuurd vanaf|отправлено с)",
    re.IGNORECASE,
)
_MAX_SIGNATURE_LINES = 12
_MAX_HEADER_LINES = 3


def _unquote(line: str) -> str:
    return re.sub(r"^[\s>]*", "", line).lstrip("-").strip()


def _wrote_header_start(lines: list[str], index: int) -> int | None:
    """Where an "On <date>, <name> wrote:" header ending at ``index`` starts, if it is one."""
    if not _WROTE.search(_unquote(lines[index])):
        return None
    candidates = []
    for span in range(_MAX_HEADER_LINES):
        start = index - span
        if start < 0 or any(not lines[i].strip() for i in range(start, index + 1)):
            break
        joined = " ".join(_unquote(lines[i]) for i in range(start, index + 1))
        if len(joined) <= 400:
            candidates.append((start, joined))
    for start, joined in reversed(candidates):  # the widest header that starts like one
        if _HEADER_START.match(joined) and _HEADER_EVIDENCE.search(joined):
            return start
    if candidates and "@" in candidates[0][1]:  # "Name <address> wrote:" alone on its line
        return candidates[0][0]
    return None


def _is_header_block(lines: list[str], index: int) -> bool:
    """Outlook's "From: / Sent: / To: / Subject:" block introducing the previous message."""
    if not _FROM_FIELD.match(lines[index].strip()):
        return False
    following = [line.strip() for line in lines[index + 1 : index + 6]]
    return sum(1 for line in following if _OTHER_FIELD.match(line)) >= 2


def _find_splitter(lines: list[str]) -> tuple[int, int, bool] | None:
    """(first line, last line, introduces '>' quotes) of the first quotation header, if any."""
    for index, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        start = _wrote_header_start(lines, index)
        if start is not None:
            return start, index, True
        if _QUOTED.match(line):
            continue
        if _BANNER.match(stripped) or _FORWARD_INTRO.match(stripped) or _is_header_block(lines, index):
            if index > 0 and _RULE.match(lines[index - 1].strip()):
                return index - 1, index, False
            return index, index, False
    return None


def _tidy(lines: list[str]) -> str:
    text = "\n".join(line.rstrip() for line in lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip("\n")


def strip_quoted_reply(text: str) -> str:
    """Return the text above (or, for bottom-posting clients, around) the quoted earlier messages.

    When the quotation header comes first (Thunderbird's bottom-posting), only the header and the ``>``
    lines are dropped and the customer's text below is kept. Inline ``>`` quotes are dropped too.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    splitter = _find_splitter(lines)
    if splitter is not None:
        start, end, introduces_quotes = splitter
        before = [line for line in lines[:start] if line.strip() and not _QUOTED.match(line)]
        if before:
            lines = lines[:start]
        elif introduces_quotes:
            lines = lines[:start] + lines[end + 1 :]
        else:
            lines = []
    while lines and _RULE.match(lines[-1].strip()):
        lines.pop()
    return _tidy([line for line in lines if not _QUOTED.match(line)])


def strip_signature(text: str) -> str:
    """Remove a trailing "-- " signature block or a "Sent from my ..." line.

    A delimiter counts only near the end (at most a dozen lines follow it), so a dash in the middle of a
    long message is not mistaken for one.
    """
    lines = text.split("\n")
    for index, line in enumerate(lines):
        rest = [item for item in lines[index + 1 :] if item.strip()]
        if _SIGNATURE_DELIMITER.match(line) and index > 0 and len(rest) <= _MAX_SIGNATURE_LINES:
            lines = lines[:index]
            break
    non_empty = [index for index, line in enumerate(lines) if line.strip()]
    for index in non_empty[-3:]:
        if index > 0 and _MOBILE_SIGNATURE.match(lines[index].strip()):
            lines = lines[:index]
            break
    return _tidy(lines)


def extract_new_text(text: str) -> str:
    """Only what the customer just wrote: quotations first, then the signature, removed."""
    return strip_signature(strip_quoted_reply(text))
