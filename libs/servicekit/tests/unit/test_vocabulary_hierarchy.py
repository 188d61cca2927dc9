"""Hierarchical vocabularies: parents and descendants, and a refused code offered the codes beside it."""

from __future__ import annotations

import pytest
from servicekit.vocabulary import Term, UnknownTerm, Vocabulary, require_code

PLACES = Vocabulary("regions", "2026.1", (
    Term("segou", "Ségou", "Segou"),
    Term("segou/niono", "Niono", "Niono", parent="segou"),
    Term("segou/niono/niono", "Niono", "Niono", {"seat": True}, parent="segou/niono"),
    Term("segou/niono/pogo", "Pogo", "Pogo", parent="segou/niono"),
    Term("mopti", "Mopti", "Mopti"),
))


def test_a_term_knows_its_ancestors_and_descendants():
    assert [t.code for t in PLACES.ancestors("segou/niono/pogo")] == ["segou/niono", "segou"]
    assert [t.code for t in PLACES.descendants("segou")] == ["segou/niono", "segou/niono/niono", "segou/niono/pogo"]
    assert [t.code for t in PLACES.roots()] == ["segou", "mopti"]


def test_a_refused_commune_is_offered_the_communes_of_its_cercle_only():
    with pytest.raises(UnknownTerm) as refused:
        require_code(PLACES, "segou/niono/nowhere", field="commune")
    assert refused.value.allowed == ("segou/niono/niono", "segou/niono/pogo")


def test_a_refused_code_with_no_known_parent_is_offered_the_roots():
    with pytest.raises(UnknownTerm) as refused:
        require_code(PLACES, "atlantis", field="region")
    assert refused.value.allowed == ("segou", "mopti")


def test_the_public_form_nests_children_under_their_parent_and_is_a_fresh_copy():
    public = PLACES.to_public()
    [segou, mopti] = public["terms"]
    assert segou["children"][0]["children"][0] == {"code": "segou/niono/niono", "label_fr": "Niono",
                                                   "label_en": "Niono", "parent": "segou/niono", "seat": True}
    assert mopti == {"code": "mopti", "label_fr": "Mopti", "label_en": "Mopti", "parent": None}
    public["terms"].clear()
    assert PLACES.to_public()["terms"]


def test_a_field_narrowed_to_some_terms_refuses_a_known_code_outside_them():
    with pytest.raises(UnknownTerm) as refused:
        require_code(PLACES, "segou/niono", field="cercle", among=PLACES.children("mopti"))
    assert refused.value.field == "cercle" and refused.value.allowed == ()
