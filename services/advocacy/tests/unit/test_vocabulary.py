"""Advocacy vocabularies: shipped files, loader, unknown terms and recommendation follow-up."""

from __future__ import annotations

import json

import pytest
from advocacy.domain.action import require_terms
from advocacy.domain.vocabulary import allowed_transitions, vocabulary
from servicekit.errors import InvalidInput
from servicekit.vocabulary import UnknownTerm

NAMES = ("target_bodies", "action_types", "recommendation_statuses", "report_labels")


@pytest.mark.parametrize("name", NAMES)
def test_every_term_has_a_unique_code_and_both_labels(name: str) -> None:
    vocab = vocabulary(name)
    assert vocab.name == name and vocab.version
    assert len(set(vocab.codes())) == len(vocab.terms) > 0
    for term in vocab.terms:
        assert term.code.islower() and " " not in term.code
        assert term.label_fr.strip() and term.label_en.strip()


@pytest.mark.parametrize("name", NAMES)
def test_public_form_has_the_shape_of_the_shipped_file(name: str) -> None:
    public = vocabulary(name).to_public()
    assert set(public) == {"vocabulary", "version", "terms"}
    assert json.loads(json.dumps(public)) == public


def test_target_bodies_cover_international_regional_and_national_levels() -> None:
    bodies = vocabulary("target_bodies")
    for code in ("un_human_rights_council", "un_upr", "un_cat", "un_independent_expert_mali", "achpr",
                 "ecowas_court", "icc_otp", "mali_ministry_justice", "mali_national_transition_council", "mali_cndh"):
        assert code in bodies
    assert {t.attributes["level"] for t in bodies.terms} == {"international", "regional", "national", "other"}


def test_action_types_include_the_core_kinds() -> None:
    assert {"submission", "letter", "meeting", "press_release", "hearing"} <= set(vocabulary("action_types").codes())


def test_get_returns_the_term_or_none() -> None:
    term = vocabulary("action_types").get("letter")
    assert term is not None and term.label("en") == "Letter" and term.label("fr") == "Lettre"
    assert term.label("bm") == term.label_fr  # other languages fall back to French
    assert vocabulary("action_types").get("tweet") is None
    assert "tweet" not in vocabulary("action_types")


def test_an_unknown_action_type_is_the_kits_one_422_naming_the_field_and_the_allowed_codes() -> None:
    with pytest.raises(UnknownTerm) as caught:
        require_terms(target_body="un_upr", action_type="tweet")
    assert isinstance(caught.value, InvalidInput) and caught.value.code == "unknown_term"
    assert caught.value.field == "action_type" and caught.value.value == "tweet"
    assert caught.value.allowed == vocabulary("action_types").codes()


def test_unknown_vocabulary_is_a_lookup_error() -> None:
    with pytest.raises(LookupError):
        vocabulary("colours")


def test_terms_are_read_only() -> None:
    term = vocabulary("recommendation_statuses").get("made")
    assert term is not None
    with pytest.raises(TypeError):
        term.attributes["next"] = []  # type: ignore[index]


def test_recommendation_transitions_refer_to_known_statuses() -> None:
    statuses = vocabulary("recommendation_statuses")
    assert set(statuses.codes()) == {"made", "acknowledged", "partially_implemented", "implemented", "rejected"}
    for code in statuses.codes():
        assert set(allowed_transitions(code)) <= set(statuses.codes()) - {code, "made"}


def test_recommendation_follow_up_allows_reconsideration_and_rollback() -> None:
    assert "implemented" in allowed_transitions("made")
    assert "acknowledged" in allowed_transitions("rejected")
    assert allowed_transitions("implemented") == ("partially_implemented",)
    assert allowed_transitions("no_such_status") == ()


def test_report_labels_name_the_regions_violations_and_stages_that_advocacy_counts() -> None:
    labels = vocabulary("report_labels")
    kinds = {t.attributes["kind"] for t in labels.terms}
    assert kinds == {"region", "violation_type", "perpetrator_category", "verification_status", "case_stage"}
    assert labels.get("segou").label_fr == "Ségou" and labels.get("complaint_civil_party") is not None
