"""The intake vocabularies: data integrity and the loader API."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from intake.vocabularies import (
    VOCABULARY_NAMES,
    Term,
    UnknownTerm,
    Vocabulary,
    can_transition,
    is_valid_location,
    region_of,
    require_location,
    require_term,
    verification_transitions,
    vocabularies,
    vocabulary,
)

REGIONS_2023 = {
    "bamako-district",
    "kayes",
    "koulikoro",
    "sikasso",
    "segou",
    "mopti",
    "tombouctou",
    "gao",
    "kidal",
    "taoudenit",
    "menaka",
    "nioro",
    "kita",
    "dioila",
    "nara",
    "bougouni",
    "koutiala",
    "san",
    "douentza",
    "bandiagara",
}

# Cercles per region under Law 2023-006 (159 in all, Bamako's communes excluded).
CERCLES_PER_REGION = {
    "kayes": 10,
    "koulikoro": 8,
    "sikasso": 8,
    "segou": 11,
    "mopti": 8,
    "tombouctou": 13,
    "gao": 16,
    "kidal": 9,
    "taoudenit": 6,
    "menaka": 6,
    "nioro": 6,
    "kita": 6,
    "dioila": 6,
    "nara": 6,
    "bougouni": 10,
    "koutiala": 8,
    "san": 7,
    "douentza": 6,
    "bandiagara": 9,
}


def _raw(name: str) -> dict:
    text = resources.files("intake.vocabularies").joinpath(f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


# -- every file --------------------------------------------------------------------------


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_file_has_the_common_envelope(name: str) -> None:
    raw = _raw(name)
    assert raw["vocabulary"] == name
    assert raw["version"] == "2026.1"
    assert raw["notes"].strip()
    assert isinstance(raw["terms"], list) and raw["terms"]


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_every_file_loads_and_is_cached(name: str) -> None:
    vocab = vocabulary(name)
    assert isinstance(vocab, Vocabulary)
    assert vocab.name == name and vocab.version == "2026.1"
    assert vocabulary(name) is vocab
    assert len(vocab) == len(vocab.codes()) > 0


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_codes_are_unique_in_the_raw_file(name: str) -> None:
    seen: list[str] = []

    def walk(terms: list[dict]) -> None:
        for t in terms:
            seen.append(t["code"])
            walk(t.get("children", []))

    walk(_raw(name)["terms"])
    duplicates = {c for c in seen if seen.count(c) > 1}
    assert not duplicates
    assert set(seen) == set(vocabulary(name).codes())


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_every_term_has_french_and_english_labels(name: str) -> None:
    for term in vocabulary(name).terms:
        assert term.label_fr.strip(), term.code
        assert term.label_en.strip(), term.code
        assert term.label_fr == term.label_fr.strip()


@pytest.mark.parametrize("name", VOCABULARY_NAMES)
def test_hierarchy_parents_exist_and_are_consistent(name: str) -> None:
    vocab = vocabulary(name)
    for term in vocab.terms:
        if term.parent is None:
            assert term in vocab.roots()
        else:
            assert term.parent in vocab
            assert term in vocab.children(term.parent)
            assert vocab.ancestors(term.code)[0].code == term.parent


def test_unknown_vocabulary_is_a_lookup_error() -> None:
    with pytest.raises(LookupError, match="known: regions"):
        vocabulary("colours")


def test_vocabularies_returns_all_in_order() -> None:
    assert list(vocabularies()) == list(VOCABULARY_NAMES)


# -- Term and Vocabulary API -------------------------------------------------------------


def test_term_is_frozen_and_hashable() -> None:
    term = vocabulary("verification_statuses").get("verified")
    assert isinstance(term, Term)
    with pytest.raises(AttributeError):
        term.code = "x"  # type: ignore[misc]
    with pytest.raises(TypeError):
        term.attributes["transitions"] = ()  # type: ignore[index]
    assert {term: 1}[vocabulary("verification_statuses").get("verified")] == 1
    assert term.label("en") == "Verified" and term.label("bm") == "Vérifié"


def test_contains_is_false_for_non_strings_and_unknown_codes() -> None:
    vocab = vocabulary("confidentiality_levels")
    assert "public" in vocab
    assert "secret" not in vocab
    assert None not in vocab
    assert 3 not in vocab


def test_terms_are_flattened_depth_first_with_parents() -> None:
    terms = vocabulary("violation_types").terms
    codes = [t.code for t in terms]
    assert codes.index("killings") < codes.index("summary_execution") < codes.index("enforced_disappearance")
    by_code = {t.code: t for t in terms}
    assert by_code["summary_execution"].parent == "killings"
    assert by_code["killings"].parent is None


def test_children_ancestors_descendants() -> None:
    vocab = vocabulary("violation_types")
    assert [t.code for t in vocab.children("sexual_violence")] == [
        "rape",
        "sexual_slavery",
        "forced_marriage",
        "other_sexual_violence",
    ]
    assert vocab.children("pillage") == ()
    assert vocab.ancestors("killings") == []
    regions = vocabulary("regions")
    assert [t.code for t in regions.ancestors("segou/niono/niono")] == ["segou/niono", "segou"]
    assert "segou/niono/niono" in {t.code for t in regions.descendants("segou")}


def test_get_unknown_is_none() -> None:
    assert vocabulary("date_precisions").get("week") is None


def test_to_public_is_a_json_tree_and_a_fresh_copy() -> None:
    vocab = vocabulary("violation_types")
    doc = vocab.to_public()
    assert doc["vocabulary"] == "violation_types" and doc["version"] == vocab.version
    killings = next(t for t in doc["terms"] if t["code"] == "killings")
    assert killings["parent"] is None
    assert {c["code"] for c in killings["children"]} >= {"summary_execution", "massacre"}
    assert all(c["parent"] == "killings" for c in killings["children"])
    assert json.loads(json.dumps(doc, ensure_ascii=False)) == doc
    doc["terms"].clear()
    assert vocab.to_public()["terms"], "mutating the served document must not affect the vocabulary"


def test_to_public_keeps_file_level_extras() -> None:
    doc = vocabulary("source_reliability").to_public()
    assert [c["code"] for c in doc["credibility_scale"]] == ["1", "2", "3", "4", "5", "6"]


# -- regions -----------------------------------------------------------------------------


def test_twenty_top_level_entries_19_regions_and_bamako() -> None:
    roots = vocabulary("regions").roots()
    assert {t.code for t in roots} == REGIONS_2023
    levels = [t.attributes["level"] for t in roots]
    assert levels.count("region") == 19
    assert levels.count("district") == 1


def test_cercle_counts_follow_the_2023_map() -> None:
    regions = vocabulary("regions")
    counts = {r: len(regions.children(r)) for r in CERCLES_PER_REGION}
    assert counts == CERCLES_PER_REGION
    assert sum(counts.values()) == 159
    assert len(regions.children("bamako-district")) == 6


def test_every_cercle_has_at_least_its_seat_commune() -> None:
    regions = vocabulary("regions")
    for region in regions.roots():
        for cercle in regions.children(region.code):
            assert cercle.attributes["level"] == "cercle"
            communes = regions.children(cercle.code)
            assert communes, cercle.code
            assert all(c.attributes["level"] == "commune" for c in communes)
            assert sum(1 for c in communes if c.attributes.get("seat_of_cercle")) == 1, cercle.code


def test_region_codes_are_ascii_slug_paths() -> None:
    pattern = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*(/[a-z0-9]+(-[a-z0-9]+)*){0,2}$")
    for term in vocabulary("regions").terms:
        assert pattern.match(term.code), term.code
        depth = term.code.count("/")
        assert term.attributes["level"] in {0: ("region", "district"), 1: ("cercle",), 2: ("commune",)}[depth]


def test_national_admin_codes_nest() -> None:
    regions = vocabulary("regions")
    for term in regions.terms:
        code = term.attributes.get("admin_code")
        if code is None or term.parent is None:
            continue
        parent_code = regions.get(term.parent).attributes.get("admin_code")
        if parent_code is not None:
            assert code.startswith(parent_code), term.code


@pytest.mark.parametrize(
    ("code", "label_fr"),
    [("segou", "Ségou"), ("tombouctou", "Tombouctou"), ("menaka", "Ménaka"), ("dioila", "Dioïla")],
)
def test_french_labels_with_accents_round_trip(code: str, label_fr: str) -> None:
    assert vocabulary("regions").get(code).label_fr == label_fr
    for ensure_ascii in (False, True):
        served = json.loads(json.dumps(vocabulary("regions").to_public(), ensure_ascii=ensure_ascii))
        assert {t["code"]: t["label_fr"] for t in served["terms"]}[code] == label_fr


def test_english_label_of_tombouctou_is_timbuktu() -> None:
    assert vocabulary("regions").get("tombouctou").label_en == "Timbuktu"


def test_region_of() -> None:
    assert region_of("segou/niono/niono") == "segou"
    assert region_of("segou/niono") == "segou"
    assert region_of("segou") == "segou"
    assert region_of("douentza/bore/dangol-bore") == "douentza"
    with pytest.raises(UnknownTerm) as info:
        region_of("segou/atlantis")
    assert info.value.field == "location"
    assert "segou/niono" in info.value.allowed


def test_is_valid_location() -> None:
    assert is_valid_location("segou", None, None)
    assert is_valid_location("segou", "segou/niono", None)
    assert is_valid_location("segou", "segou/niono", "segou/niono/niono")
    assert is_valid_location("bamako-district", "bamako-district/commune-iv", "bamako-district/commune-iv/commune-iv")
    assert not is_valid_location("mopti", "segou/niono", None)  # cercle of another region
    assert not is_valid_location("segou", "segou/niono", "segou/macina/macina")  # commune of another cercle
    assert not is_valid_location("segou", None, "segou/niono/niono")  # commune without its cercle
    assert not is_valid_location("segou/niono", None, None)  # a cercle is not a region
    assert not is_valid_location("atlantis", None, None)


def test_require_location_names_the_bad_field_and_narrows_allowed() -> None:
    with pytest.raises(UnknownTerm) as info:
        require_location("segou", "segou/niono", "segou/niono/nowhere")
    assert info.value.field == "commune"
    assert info.value.allowed == tuple(t.code for t in vocabulary("regions").children("segou/niono"))
    with pytest.raises(UnknownTerm) as info:
        require_location("mopti", "segou/niono")
    assert info.value.field == "cercle"
    assert "mopti/konna" in info.value.allowed and "segou/niono" not in info.value.allowed
    region, cercle, commune = require_location("douentza", "douentza/boni", "douentza/boni/haire")
    assert (region.code, cercle.code, commune.code) == ("douentza", "douentza/boni", "douentza/boni/haire")
    assert commune.attributes["chef_lieu"] == "Boni"


# -- violation types ---------------------------------------------------------------------


def test_every_violation_leaf_has_a_legal_qualification() -> None:
    vocab = vocabulary("violation_types")
    leaves = [t for t in vocab.terms if not vocab.children(t.code)]
    assert len(leaves) >= 25
    for leaf in leaves:
        quals = leaf.attributes.get("legal_qualifications")
        assert quals, leaf.code
        for q in quals:
            assert set(q) == {"instrument", "article", "label_en", "label_fr"}, leaf.code
            assert all(str(v).strip() for v in q.values()), leaf.code


def test_design_categories_are_present() -> None:
    codes = set(vocabulary("violation_types").codes())
    assert {
        "killings",
        "summary_execution",
        "killing_civilians_hors_de_combat",
        "massacre",
        "death_in_custody",
        "enforced_disappearance",
        "abduction_hostage_taking",
        "torture_cruel_treatment",
        "mutilation",
        "arbitrary_detention",
        "sexual_violence",
        "rape",
        "sexual_slavery",
        "forced_marriage",
        "other_sexual_violence",
        "grave_violations_children",
        "attacks_protected_objects",
        "denial_humanitarian_access",
        "pillage",
        "burning_villages_livestock",
        "forced_displacement",
        "persecution",
    } <= codes


def test_six_mrm_grave_violations_against_children() -> None:
    children = vocabulary("violation_types").children("grave_violations_children")
    assert [t.code for t in children] == [
        "child_killing_maiming",
        "child_recruitment_use",
        "child_sexual_violence",
        "attacks_schools_hospitals",
        "child_abduction",
        "child_denial_humanitarian_access",
    ]


def _articles(code: str, instrument: str = "Rome Statute") -> set[str]:
    quals = vocabulary("violation_types").get(code).attributes["legal_qualifications"]
    return {q["article"] for q in quals if q["instrument"] == instrument}


@pytest.mark.parametrize(
    ("code", "article"),
    [
        ("summary_execution", "8(2)(c)(iv)"),
        ("killing_civilians_hors_de_combat", "8(2)(c)(i)"),
        ("massacre", "7(1)(a)"),
        ("enforced_disappearance", "7(1)(i)"),
        ("hostage_taking", "8(2)(c)(iii)"),
        ("torture", "7(1)(f)"),
        ("cruel_inhuman_treatment", "8(2)(c)(ii)"),
        ("mutilation", "8(2)(e)(xi)"),
        ("arbitrary_detention", "7(1)(e)"),
        ("rape", "8(2)(e)(vi)"),
        ("sexual_slavery", "7(1)(g)"),
        ("child_recruitment_use", "8(2)(e)(vii)"),
        ("attack_religious_cultural_property", "8(2)(e)(iv)"),
        ("pillage", "8(2)(e)(v)"),
        ("burning_of_villages", "8(2)(e)(xii)"),
        ("forced_displacement", "8(2)(e)(viii)"),
        ("forced_displacement", "7(1)(d)"),
        ("persecution", "7(1)(h)"),
    ],
)
def test_key_rome_statute_articles(code: str, article: str) -> None:
    assert article in _articles(code)


def test_war_crimes_use_the_non_international_provisions_only() -> None:
    for term in vocabulary("violation_types").terms:
        for q in term.attributes.get("legal_qualifications", ()):
            if q["instrument"] == "Rome Statute" and q["article"].startswith("8"):
                assert q["article"].startswith(("8(2)(c)", "8(2)(e)")), (term.code, q["article"])


def test_human_rights_norms_are_mapped() -> None:
    assert "art. 6" in _articles("summary_execution", "ICCPR")
    assert _articles("torture", "CAT")
    assert _articles("enforced_disappearance", "ICPPED")
    assert "art. 5" in _articles("torture", "African Charter on Human and Peoples' Rights")
    assert _articles("child_recruitment_use", "CRC OPAC")


# -- perpetrators, involvement -----------------------------------------------------------


def test_perpetrator_categories() -> None:
    vocab = vocabulary("perpetrator_categories")
    assert [t.code for t in vocab.roots()] == [
        "national_armed_forces",
        "state_security_forces",
        "foreign_allied_forces",
        "jihadist_armed_groups",
        "signatory_armed_movements",
        "community_militias",
        "criminal_groups",
        "unidentified_armed_men",
    ]
    assert {"jnim", "issp"} <= {t.code for t in vocab.children("jihadist_armed_groups")}
    assert {"private_military_company", "foreign_military_partner"} <= {
        t.code for t in vocab.children("foreign_allied_forces")
    }
    assert {"police", "gendarmerie", "national_guard"} <= {t.code for t in vocab.children("state_security_forces")}


def test_involvement_degrees() -> None:
    assert [t.code for t in vocabulary("involvement_degrees").roots()] == [
        "carried_out",
        "ordered",
        "planned",
        "accomplice",
        "failed_to_prevent_or_punish",
    ]
    term = vocabulary("involvement_degrees").get("failed_to_prevent_or_punish")
    assert "art. 28" in term.attributes["legal_reference"]


# -- verification workflow ---------------------------------------------------------------


def test_verification_transitions_reference_known_statuses() -> None:
    transitions = verification_transitions()
    statuses = set(vocabulary("verification_statuses").codes())
    assert set(transitions) == statuses
    for targets in transitions.values():
        assert targets <= statuses


def test_verification_transitions_match_the_workflow() -> None:
    assert verification_transitions() == {
        "unverified": frozenset({"pending"}),
        "pending": frozenset({"verified", "falsely_attributed", "rejected"}),
        "verified": frozenset({"pending"}),
        "falsely_attributed": frozenset({"pending"}),
        "rejected": frozenset({"pending"}),
    }
    assert can_transition("pending", "verified")
    assert not can_transition("unverified", "verified")
    assert not can_transition("nonsense", "pending")


def test_verification_transitions_returns_a_fresh_dict() -> None:
    verification_transitions().clear()
    assert verification_transitions()["unverified"] == frozenset({"pending"})


# -- scales ------------------------------------------------------------------------------


def test_source_reliability_scale() -> None:
    vocab = vocabulary("source_reliability")
    assert [t.code for t in vocab.roots()] == ["A", "B", "C", "D", "E", "F"]
    assert vocab.get("A").label_en == "Completely reliable"
    assert vocab.get("F").label_en == "Reliability cannot be judged"
    credibility = vocab.extra["credibility_scale"]
    assert [c["code"] for c in credibility] == ["1", "2", "3", "4", "5", "6"]
    assert all(c["label_fr"] and c["label_en"] for c in credibility)


def test_confidentiality_levels_are_ordered() -> None:
    vocab = vocabulary("confidentiality_levels")
    ranked = sorted(vocab.terms, key=lambda t: t.attributes["rank"])
    assert [t.code for t in ranked] == ["public", "restricted", "confidential"]


def test_date_precisions() -> None:
    vocab = vocabulary("date_precisions")
    assert set(vocab.codes()) == {"day", "month", "year", "range"}
    assert vocab.get("month").attributes["format"] == "YYYY-MM"


# -- require_term ------------------------------------------------------------------------


def test_require_term_returns_the_term() -> None:
    term = require_term("involvement_degrees", "ordered", field="involvement")
    assert term.code == "ordered" and term.label_fr == "A ordonné"


def test_require_term_error_names_field_and_allowed_values() -> None:
    with pytest.raises(UnknownTerm) as info:
        require_term("confidentiality_levels", "top_secret", field="confidentiality")
    problem = info.value.problem()
    assert problem["status"] == 422 and problem["code"] == "unknown_term"
    assert problem["errors"][0]["field"] == "confidentiality"
    assert problem["vocabulary"] == "confidentiality_levels"
    assert problem["allowed"] == ["public", "restricted", "confidential"]
    assert "top_secret" not in str(problem), "the value sent stays out of the problem"


def test_require_term_narrows_allowed_communes_to_the_parent() -> None:
    with pytest.raises(UnknownTerm) as info:
        require_term("regions", "kayes/kayes/nowhere", field="commune")
    assert info.value.field == "commune"
    assert info.value.allowed == tuple(t.code for t in vocabulary("regions").children("kayes/kayes"))
    assert "kayes/kayes/kayes" in info.value.allowed
    with pytest.raises(UnknownTerm) as info:
        require_term("regions", "atlantis", field="region")
    assert set(info.value.allowed) == REGIONS_2023


def test_require_term_rejects_non_string_codes() -> None:
    with pytest.raises(UnknownTerm) as info:
        require_term("date_precisions", None, field="date_precision")  # type: ignore[arg-type]
    assert info.value.field == "date_precision"
