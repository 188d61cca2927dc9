"""iCalendar rendering: RFC 5545 folding and escaping, and no names in the feed."""

from __future__ import annotations

from datetime import timedelta

from casework.domain import hearing
from casework.domain.hearing import HEARING
from casework.ics import escape_text, fold, render_calendar
from casework_factories import NOW


def a_hearing(chamber=None):
    events = hearing.schedule(None, hearing_id="h-1", case_id="case-1", victim_ids=["vic-1"],
                              court="ml-pjs-bamako", chamber=chamber, starts_at=NOW + timedelta(days=2),
                              ends_at=None, purpose="trial", now=NOW)
    return HEARING.fold("h-1", None, events)


def test_text_escaping_covers_backslash_semicolon_comma_and_newline():
    assert escape_text("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "é" * 100
    folded = fold(line)
    parts = folded.split("\r\n ")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert "".join(parts) == line


def test_calendar_lines_end_with_crlf_and_times_are_utc():
    body = render_calendar([a_hearing()], name="Audiences", now=NOW)
    assert body.startswith("BEGIN:VCALENDAR\r\n") and body.endswith("END:VCALENDAR\r\n")
    assert "\n" not in body.replace("\r\n", "")
    assert "DTSTART:20260304T100000Z" in body
    assert "UID:h-1@casework.redress" in body


def test_location_escapes_commas_in_the_court_name():
    body = render_calendar([a_hearing(chamber="Chambre 2, section B")], name="x", now=NOW)
    unfolded = body.replace("\r\n ", "")
    assert "LOCATION:Pôle judiciaire spécialisé de lutte contre le terrorisme et la criminalité transnationale " \
           "organisée\\, Bamako" in unfolded
    assert "Chambre 2\\, section B" in unfolded


def test_feed_mentions_no_victim_id():
    assert "vic-1" not in render_calendar([a_hearing()], name="x", now=NOW)
