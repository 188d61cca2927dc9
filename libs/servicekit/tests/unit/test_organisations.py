"""The coalition's organisations vocabulary: kinds, and the 422s that name the field."""

from __future__ import annotations

import pytest
from servicekit.errors import InvalidInput
from servicekit.organisations import (
    is_legal_aid,
    kind_of,
    legal_aid_codes,
    organisations,
    organisations_public,
    require_organisation,
)


def test_the_two_legal_aid_organisations_are_the_only_ones_of_that_kind():
    assert legal_aid_codes() == ["org-legal", "org-wildaf"]
    assert is_legal_aid("org-wildaf") and not is_legal_aid("org-amdh") and not is_legal_aid("org-unknown")


def test_every_organisation_has_a_known_kind_and_both_labels():
    kinds = {k["code"] for k in organisations_public()["kinds"]}
    for term in organisations().terms:
        assert kind_of(term.code) in kinds
        assert term.label_fr and term.label_en


def test_an_unknown_organisation_is_a_422_naming_the_field():
    with pytest.raises(InvalidInput) as refused:
        require_organisation("org-nowhere", field="consent.sharing.0")
    assert (refused.value.code, refused.value.field) == ("unknown_term", "consent.sharing.0")
    assert "org-amdh" in refused.value.extra["allowed"]


def test_an_organisation_of_another_kind_is_refused_listing_those_of_the_kind_required():
    with pytest.raises(InvalidInput) as refused:
        require_organisation("org-fidh", field="receiving_organisation", kind="legal_aid")
    assert refused.value.code == "organisation_not_legal_aid"
    assert refused.value.extra["allowed"] == ["org-legal", "org-wildaf"]


def test_the_public_form_carries_the_version_and_each_term_its_kind():
    public = organisations_public()
    assert public["vocabulary"] == "organisations" and public["version"]
    assert {t["code"]: t["kind"] for t in public["terms"]}["org-legal"] == "legal_aid"
