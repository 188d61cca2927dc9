"""Words for messages: Bambara dates written out, court names by language, and a spelling that fits two SMS.

Bambara's own letters (ɛ ɔ ɲ ŋ) are outside the GSM 03.38 alphabet, so a message that uses them
travels as UCS-2, 67 characters a part. A message that would take more than MAX_SEGMENTS parts in
its standard spelling is sent in the common SMS spelling instead (ɛ -> e, ɔ -> o, ɲ -> ny, ŋ -> ng;
French accents outside GSM-7 lose theirs), which travels as GSM-7, 153 characters a part. Reviewers
of the Bambara templates approve this spelling rule with the wording (docs/templates-review.md).
"""

from __future__ import annotations

from datetime import datetime

from servicekit.vocabulary import load_vocabulary

from .sms import analyze, is_gsm7

MAX_SEGMENTS = 2
# Bambara names of the weekdays (Monday first) and of the months, standard orthography (DRAFT: review).
BM_DAYS = ("Ntɛnɛ", "Tarata", "Araba", "Alamisa", "Juma", "Sibiri", "Kari")
BM_MONTHS = ("Zanwuyekalo", "Feburuyekalo", "Marisikalo", "Awirilikalo", "Mɛkalo", "Zuwɛnkalo", "Zuluyekalo",
             "Utikalo", "Sɛtanburukalo", "Ɔkutɔburukalo", "Nowanburukalo", "Desanburukalo")
# The usual SMS spelling: Bambara letters and the French accents that GSM-7 lacks, one for one.
GSM7_SPELLING = str.maketrans({
    "ɛ": "e", "Ɛ": "E", "ɔ": "o", "Ɔ": "O", "ɲ": "ny", "Ɲ": "Ny", "ŋ": "ng", "Ŋ": "Ng",
    "â": "a", "ê": "e", "î": "i", "ô": "o", "û": "u", "ë": "e", "ï": "i", "ç": "c", "œ": "oe", "Œ": "OE",
    "Â": "A", "Ê": "E", "Î": "I", "Ô": "O", "Û": "U", "È": "E", "’": "'", "«": '"', "»": '"', "–": "-", "—": "-",
    "\u202f": " ", "\u00a0": " ",
})


def bambara_date(local: datetime) -> str:
    """A date written out in Bambara: "Araba, Zuwɛnkalo tile 10, 2026" (weekday, month, day, year)."""
    return f"{BM_DAYS[local.weekday()]}, {BM_MONTHS[local.month - 1]} tile {local.day}, {local.year}"


def sms_spelling(text: str) -> str:
    """The text as sent: its own spelling if it fits MAX_SEGMENTS parts, else the GSM-7 spelling if that fits."""
    if analyze(text).segments <= MAX_SEGMENTS:
        return text
    plain = text.translate(GSM7_SPELLING)
    return plain if is_gsm7(plain) and analyze(plain).segments < analyze(text).segments else text


def court_name(code: str, fallback: str, language: str) -> str:
    """How a message names a court: Bambara where a name is known, else French; the event's name for unknown codes."""
    term = load_vocabulary("notify", "courts").get(code) if code else None
    if term is None:
        return fallback
    if language == "bm":
        return str(term.attributes.get("label_bm") or term.label_fr)
    return term.label(language)


def place(code: str, court: str, city: str, language: str) -> str:
    """Where the hearing sits, as written in a message: the court and its city."""
    name = court_name(code, court, language)
    text = name if not city or city.lower() in name.lower() else f"{name}, {city}"
    return text[:120]
