"""How many SMS parts each template takes, per language, with the longest values a message can carry.

The table is printed (`pytest -s` or `-rP` shows it) and every message must fit in two parts: in its
own spelling where the alphabet allows, else in the GSM-7 spelling (domain/wording.py).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from notify.domain.messages import LANGUAGES, MessageKind, message_variables, render
from notify.domain.sms import analyze
from notify.domain.wording import MAX_SEGMENTS, bambara_date, court_name, place, sms_spelling
from servicekit.vocabulary import load_vocabulary

# A Wednesday in September: the longest weekday and month names in French and among the longest in Bambara.
WHEN = datetime(2026, 9, 30, 10, 30, tzinfo=UTC)
PHONE = "+223 20 22 33 44"
ORG_NAMES = ("Service d'information", "O" * 60)  # the default sender and the longest the settings allow


def longest_place(language: str) -> str:
    courts = load_vocabulary("notify", "courts")
    return max((place(t.code, t.label_fr, t.attributes["city"], language) for t in courts.terms), key=len)


def segments_table() -> list[tuple[str, str, str, int, str, int, int]]:
    rows = []
    for org in ORG_NAMES:
        for language in LANGUAGES:
            for kind in MessageKind:
                for shared in (False, True):
                    values = message_variables(kind, language=language, org_name=org, callback_phone=PHONE,
                                               hearing_starts_at=WHEN, hearing_place=longest_place(language))
                    sent = analyze(render(kind, language, values, shared_phone=shared).sms_body)
                    rows.append((kind.value, language, "shared" if shared else "standard", len(org), sent.encoding,
                                 sent.units, sent.segments))
    return rows


def test_every_template_fits_two_sms_parts_in_every_language_and_the_table_is_reported():
    rows = segments_table()
    print(f"\n{'template':22} {'lang':4} {'variant':8} {'org':>3} {'encoding':8} {'units':>5} parts")
    for row in rows:
        print(f"{row[0]:22} {row[1]:4} {row[2]:8} {row[3]:>3} {row[4]:8} {row[5]:>5} {row[6]}")
    assert [row for row in rows if row[6] > MAX_SEGMENTS] == []
    assert {row[1] for row in rows} == {"fr", "bm", "en"} and len(rows) == 2 * 3 * len(MessageKind) * 2


def test_bambara_keeps_its_own_letters_when_they_fit_in_two_parts():
    message = render(MessageKind.REFERRAL_ACCEPTED, "bm",
                     message_variables(MessageKind.REFERRAL_ACCEPTED, language="bm", org_name="AMDH",
                                       callback_phone=PHONE), shared_phone=False)
    assert message.sms_body == message.body and "ɔ" in message.sms_body
    assert analyze(message.sms_body).encoding == "UCS-2"


def test_a_bambara_hearing_message_too_long_for_ucs2_is_sent_in_the_gsm7_spelling():
    values = message_variables(MessageKind.HEARING_SCHEDULED, language="bm", org_name="Service d'information",
                               callback_phone=PHONE, hearing_starts_at=WHEN, hearing_place=longest_place("bm"))
    message = render(MessageKind.HEARING_SCHEDULED, "bm", values, shared_phone=False)
    assert analyze(message.body).segments > MAX_SEGMENTS  # 3 or more UCS-2 parts in standard spelling
    assert analyze(message.sms_body).encoding == "GSM-7" and "Setanburukalo" in message.sms_body


def test_a_short_text_keeps_its_spelling_and_a_long_one_drops_only_what_gsm7_lacks():
    assert sms_spelling("I ni ce, ɛ ɔ ɲ ŋ") == "I ni ce, ɛ ɔ ɲ ŋ"
    assert sms_spelling("ɛɔɲŋ é " * 40).startswith("eonyng é ")


def test_bambara_dates_are_written_in_words():
    assert bambara_date(WHEN) == "Araba, Sɛtanburukalo tile 30, 2026"


@pytest.mark.parametrize(("language", "expected"), [
    ("bm", "Kiritigɛso, Komini III, Bamako"),
    ("fr", "Tribunal de grande instance de la Commune III du District de Bamako"),
    ("en", "High Court of Commune III, Bamako District"),
])
def test_court_names_follow_the_victims_language(language, expected):
    assert court_name("ml-tgi-bamako-c3", "ignored", language) == expected


def test_a_court_without_a_bambara_name_is_named_in_french_and_an_unknown_code_as_the_event_says():
    assert court_name("icc", "x", "bm") == "Cour pénale internationale"
    assert court_name("ml-nowhere", "Tribunal de Kati", "bm") == "Tribunal de Kati"
