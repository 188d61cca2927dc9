"""iCalendar (RFC 5545) rendering of hearings: CRLF lines folded at 75 octets, TEXT escaped.

Pure. Shows the court, the city, the purpose and the case id: never a victim's name or any note.
Times are written in UTC ("...Z"), which is Africa/Bamako time (UTC+0, no daylight saving), so no
VTIMEZONE block is needed and every client reads the same instant.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from .domain.hearing import Hearing
from .vocabularies import term_list

PRODID = "-//Redress//casework hearings//FR"
DEFAULT_DURATION = timedelta(hours=2)
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """Escape a TEXT value (RFC 5545 3.3.11): backslash, semicolon, comma and newlines."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line into chunks of at most 75 octets, never splitting a UTF-8 character."""
    chunks: list[str] = []
    current, size, limit = "", 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            chunks.append(current)
            current, size, limit = "", 0, MAX_OCTETS - 1  # continuation lines start with one space
        current += char
        size += width
    chunks.append(current)
    return "\r\n ".join(chunks)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def event_lines(hearing: Hearing, now: datetime, lang: str) -> list[str]:
    """The VEVENT of one hearing."""
    purpose = term_list("hearing_purposes").get(hearing.purpose)
    purpose_label = (purpose.label_en if lang == "en" else purpose.label_fr) if purpose else hearing.purpose
    ends_at = hearing.ends_at or hearing.starts_at + DEFAULT_DURATION
    summary = f"{purpose_label} – {hearing.court_name}"
    details = [f"Dossier / case {hearing.case_id}"]
    if hearing.chamber:
        details.append(f"Chambre / chamber: {hearing.chamber}")
    return [
        "BEGIN:VEVENT",
        f"UID:{hearing.id}@casework.redress",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{_stamp(hearing.starts_at)}",
        f"DTEND:{_stamp(ends_at)}",
        f"SEQUENCE:{len(hearing.postponements)}",
        f"STATUS:{'CANCELLED' if hearing.status == 'cancelled' else 'CONFIRMED'}",
        f"SUMMARY:{escape_text(summary)}",
        f"LOCATION:{escape_text(f'{hearing.court_name}, {hearing.city}')}",
        f"DESCRIPTION:{escape_text(chr(10).join(details))}",
        "TRANSP:OPAQUE",
        "END:VEVENT",
    ]


def render_calendar(hearings: Iterable[Hearing], *, name: str, now: datetime, lang: str = "fr") -> str:
    """A whole VCALENDAR document."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
             f"X-WR-CALNAME:{escape_text(name)}", "X-WR-TIMEZONE:Africa/Bamako"]
    for hearing in hearings:
        lines += event_lines(hearing, now, lang)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
