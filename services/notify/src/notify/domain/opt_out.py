"""Recognise an inbound SMS reply asking to stop notifications (French, English, Bambara)."""

from __future__ import annotations

import re
import unicodedata

# Keyword sequences, already normalised (upper case, no accents). Bambara "dabila" = stop / leave
# off; "A dabila" = "stop it". Native speakers should confirm the usual replies in the field.
OPT_OUT_KEYWORDS: tuple[tuple[str, ...], ...] = (
    ("STOP",),
    ("STOPP",),
    ("ARRET",),
    ("ARRETE",),
    ("ARRETEZ",),
    ("ARRETER",),
    ("DABILA",),
    ("A", "DABILA"),
)

_NON_WORD = re.compile(r"[^A-Z0-9]+")


def normalise_reply(text: str) -> list[str]:
    """Upper-case words of the reply, with accents and punctuation removed."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Bambara letters without a decomposition: map them to their closest Latin letter.
    stripped = stripped.translate(str.maketrans("ɛƐɔƆɲƝŋŊ", "EEOONNNN"))
    return _NON_WORD.sub(" ", stripped.upper()).split()


def is_opt_out(text: str) -> bool:
    """True when the reply starts with a stop keyword ("STOP", "Arrêt !", " a dabila ", "Stop merci").

    Only the leading words count, so "don't stop" is not an opt-out while "STOP svp" is; a
    missed opt-out keeps messaging someone who asked us to stop, so polite additions are tolerated.
    """
    words = normalise_reply(text)
    return any(tuple(words[: len(keyword)]) == keyword for keyword in OPT_OUT_KEYWORDS)
