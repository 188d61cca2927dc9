"""SMS encoding detection (GSM 03.38 7-bit vs UCS-2) and segment counting."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

# GSM 03.38 default alphabet (the escape 0x1B is not a character of its own). Official table:
# 0x09 is the capital C with cedilla, so a lowercase "ç" forces UCS-2.
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Extension table: each of these is sent as ESC + code, so it costs two septets.
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")

GSM7_SINGLE_LIMIT = 160
GSM7_SEGMENT_LIMIT = 153  # 7 septets of each part go to the concatenation header
UCS2_SINGLE_LIMIT = 70
UCS2_SEGMENT_LIMIT = 67


@dataclass(frozen=True, slots=True)
class SmsInfo:
    """Encoding, length in encoding units (septets or UTF-16 code units) and segment count."""

    encoding: Encoding
    units: int
    segments: int


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM 03.38 basic or extension table."""
    return all(ch in GSM7_BASIC or ch in GSM7_EXTENSION for ch in text)


def detect_encoding(text: str) -> Encoding:
    """The encoding a gateway will use: GSM-7 when possible, UCS-2 otherwise."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def _char_costs(text: str, encoding: Encoding) -> list[int]:
    if encoding == "GSM-7":
        return [2 if ch in GSM7_EXTENSION else 1 for ch in text]
    # UCS-2 on the wire is UTF-16: characters outside the BMP (emoji) take a surrogate pair.
    return [2 if ord(ch) > 0xFFFF else 1 for ch in text]


def _pack(costs: list[int], limit: int) -> int:
    """Number of parts when characters are packed greedily without splitting one across parts."""
    parts, used = 1, 0
    for cost in costs:
        if used + cost > limit:
            parts, used = parts + 1, 0
        used += cost
    return parts


def analyze(text: str) -> SmsInfo:
    """Encoding, units and segment count of an SMS body, as recorded per message."""
    encoding = detect_encoding(text)
    costs = _char_costs(text, encoding)
    units = sum(costs)
    single, multi = (
        (GSM7_SINGLE_LIMIT, GSM7_SEGMENT_LIMIT) if encoding == "GSM-7" else (UCS2_SINGLE_LIMIT, UCS2_SEGMENT_LIMIT)
    )
    segments = 1 if units <= single else _pack(costs, multi)
    return SmsInfo(encoding=encoding, units=units, segments=segments)


def segment_count(text: str) -> int:
    """How many SMS parts the text is billed as."""
    return analyze(text).segments
