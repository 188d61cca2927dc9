"""Rendering of the shipped templates: every kind x language, shared-phone safety, validation."""

from __future__ import annotations

import re
import string
from datetime import UTC, datetime

import pytest
from notify.domain.messages import (
    KIND_VARIABLES,
    LANGUAGES,
    SHARED_PHONE_VARIABLES,
    MessageKind,
    TemplateError,
    all_templates,
    format_when,
    load_template,
    normalise_language,
    render,
)
from notify.domain.sms import analyze

# Words that would reveal the crime, the case or the other party; "viol" also catches "violence".
FORBIDDEN = (
    "viol", "rape", "torture", "case number", "numéro de dossier", "crime", "victim", "meurtre",
    "murder", "accusé", "accused", "perpetrat", "bourreau", "militaire", "jihad", "sexual", "sexuel",
    "plainte", "complaint", "disparition", "enlèvement", "abduct", "massacre",
)  # fmt: skip
SHARED_FORBIDDEN = ("avocat", "lawyer", "awoka", "audience", "hearing", "kiiri", "tribunal", "court",
                    "dossier", "file", "juge", "judge")  # fmt: skip


def variables_for(kind: MessageKind, language: str = "fr") -> dict[str, str]:
    """A complete, realistic variable set for a kind."""
    full = {
        **format_when(datetime(2025, 9, 17, 14, 30, tzinfo=UTC), language),
        "place": "Tribunal de grande instance de la Commune III",
        "org_name": "Maison du droit",
        "callback_phone": "+223 20 22 33 44",
    }
    return {key: full[key] for key in KIND_VARIABLES[kind]}


def all_texts(tpl: object) -> list[str]:
    return [t.template for t in (tpl.subject, tpl.body, tpl.shared_subject, tpl.shared_body)]  # type: ignore[attr-defined]


def test_every_kind_ships_in_every_language() -> None:
    shipped = {(tpl.kind, tpl.language) for tpl in all_templates()}
    assert shipped == {(kind, language) for kind in MessageKind for language in LANGUAGES}


@pytest.mark.parametrize("kind", list(MessageKind))
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("shared_phone", [False, True])
def test_every_template_renders_without_missing_keys(kind: MessageKind, language: str, shared_phone: bool) -> None:
    message = render(kind, language, variables_for(kind, language), shared_phone=shared_phone)
    assert message.language == language
    assert message.body and message.subject
    assert "$" not in message.body + message.subject
    assert "+223 20 22 33 44" in message.body


def test_every_template_has_a_version_and_bambara_asks_for_native_review() -> None:
    for tpl in all_templates():
        assert tpl.version >= 1
        if tpl.language == "bm":
            assert "native speakers" in tpl.notes.lower()


def test_shared_phone_variants_name_only_the_organisation_and_callback_phone() -> None:
    for tpl in all_templates():
        used = set(tpl.shared_body.get_identifiers()) | set(tpl.shared_subject.get_identifiers())
        assert used <= SHARED_PHONE_VARIABLES
        assert "callback_phone" in tpl.shared_body.get_identifiers()


@pytest.mark.parametrize("kind", list(MessageKind))
def test_shared_phone_message_reveals_no_date_place_or_subject(kind: MessageKind) -> None:
    variables = variables_for(kind)
    for language in LANGUAGES:
        message = render(kind, language, variables, shared_phone=True)
        text = (message.subject + " " + message.body).lower()
        assert "tribunal" not in text and "2025" not in text and "14h30" not in text
        assert not any(word in text.replace("maison du droit", "") for word in SHARED_FORBIDDEN)


def test_no_template_mentions_the_crime_the_case_or_the_other_party() -> None:
    for tpl in all_templates():
        for text in all_texts(tpl):
            lowered = text.lower()
            assert not [word for word in FORBIDDEN if word in lowered], (tpl.kind, tpl.language)


def test_templates_use_only_the_allowed_placeholders() -> None:
    allowed = {"date", "time", "place", "org_name", "callback_phone"}
    for tpl in all_templates():
        for text in all_texts(tpl):
            assert set(string.Template(text).get_identifiers()) <= allowed
            assert not re.search(r"\{[^}]*\}", text), "no str.format or Jinja syntax in templates"


def test_french_and_english_sms_bodies_stay_in_gsm7() -> None:
    for tpl in all_templates():
        if tpl.language in ("fr", "en"):
            for variant in (False, True):
                body = render(tpl.kind, tpl.language, variables_for(tpl.kind, tpl.language), shared_phone=variant).body
                assert analyze(body).encoding == "GSM-7", (tpl.kind, tpl.language, variant)


def test_unknown_language_falls_back_to_french() -> None:
    kind = MessageKind.HEARING_SCHEDULED
    assert render(kind, "wo", variables_for(kind), shared_phone=False).language == "fr"
    assert render(kind, None, variables_for(kind), shared_phone=False).language == "fr"


def test_language_codes_are_normalised() -> None:
    assert normalise_language("fr-ML") == "fr"
    assert normalise_language("BAM") == "bm"
    assert normalise_language("en_GB") == "en"
    assert normalise_language("") == "fr"


def test_hearing_message_carries_date_time_place_and_phone() -> None:
    kind = MessageKind.HEARING_SCHEDULED
    message = render(kind, "fr", variables_for(kind), shared_phone=False)
    assert "mercredi 17 septembre 2025" in message.body
    assert "14h30" in message.body
    assert "Tribunal de grande instance de la Commune III" in message.body
    assert message.template_ref == "hearing_scheduled/fr/v1/standard"


def test_shared_phone_changes_the_template_ref() -> None:
    kind = MessageKind.REFERRAL_ACCEPTED
    message = render(kind, "bm", variables_for(kind), shared_phone=True)
    assert message.template_ref == "referral_accepted/bm/v1/shared"


def test_unknown_variable_is_refused() -> None:
    kind = MessageKind.REFERRAL_ACCEPTED
    with pytest.raises(TemplateError, match="unknown variables \\['crime'\\]"):
        render(kind, "fr", {**variables_for(kind), "crime": "x"}, shared_phone=False)


def test_missing_variable_is_refused_even_for_the_shared_variant() -> None:
    kind = MessageKind.HEARING_SCHEDULED
    variables = variables_for(kind)
    del variables["place"]
    with pytest.raises(TemplateError, match="missing variables \\['place'\\]"):
        render(kind, "fr", variables, shared_phone=True)


@pytest.mark.parametrize("bad", ["", "   ", "a\nb", "x" * 200])
def test_bad_variable_values_are_refused_without_echoing_them(bad: str) -> None:
    kind = MessageKind.HEARING_SCHEDULED
    with pytest.raises(TemplateError) as error:
        render(kind, "fr", {**variables_for(kind), "place": bad}, shared_phone=False)
    assert bad.strip() == "" or bad not in str(error.value)


def test_callback_phone_must_look_like_a_phone_number() -> None:
    kind = MessageKind.REFERRAL_ACCEPTED
    with pytest.raises(TemplateError, match="callback_phone"):
        render(kind, "fr", {**variables_for(kind), "callback_phone": "call me"}, shared_phone=False)


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(TemplateError, match="unknown message kind"):
        render("verdict_announced", "fr", {}, shared_phone=False)


def test_missing_language_file_is_none() -> None:
    assert load_template(MessageKind.HEARING_SCHEDULED, "wo") is None


def test_format_when_uses_bamako_time_and_the_language() -> None:
    moment = datetime(2025, 8, 4, 9, 5, tzinfo=UTC)  # Bamako is UTC+0 all year
    assert format_when(moment, "fr") == {"date": "lundi 4 aout 2025", "time": "9h05"}
    assert format_when(moment, "en") == {"date": "Monday 4 August 2025", "time": "09:05"}
    assert format_when(moment, "bm") == {"date": "Ntɛnɛ, Utikalo tile 4, 2025", "time": "09:05"}


def test_format_when_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        format_when(datetime(2025, 8, 4, 9, 5), "fr")
