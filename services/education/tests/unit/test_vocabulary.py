"""Education vocabularies: topics, venues, age bands and the youth flag."""

from __future__ import annotations

import itertools

import pytest
from education.domain.vocabularies import require_codes, vocabulary, youth_bands
from servicekit.vocabulary import UnknownTerm

NAMES = ("topics", "venues", "age_bands")


@pytest.mark.parametrize("name", NAMES)
def test_every_term_has_a_unique_code_and_both_labels(name: str) -> None:
    vocab = vocabulary(name)
    assert vocab.name == name and vocab.version
    assert len(set(vocab.codes())) == len(vocab.terms) > 0
    assert all(t.label_fr.strip() and t.label_en.strip() for t in vocab.terms)
    assert set(vocab.to_public()) == {"vocabulary", "version", "terms"}


def test_topics_include_the_programme_themes() -> None:
    expected = {"fight_against_impunity", "victims_rights", "international_criminal_law", "sexual_violence",
                "childrens_rights", "transitional_justice", "international_humanitarian_law",
                "human_rights_mechanisms"}
    assert expected <= set(vocabulary("topics").codes())


def test_venues_are_the_five_settings() -> None:
    assert vocabulary("venues").codes() == ("school", "university", "radio", "community", "online")


def test_age_bands_are_contiguous_and_youth_means_under_25() -> None:
    bands = vocabulary("age_bands")
    assert bands.codes() == ("under_15", "15_17", "18_24", "25_plus")
    ages = [(t.attributes["min_age"], t.attributes["max_age"]) for t in bands.terms]
    assert all(prev[1] + 1 == nxt[0] for prev, nxt in itertools.pairwise(ages))
    assert youth_bands() == {"under_15", "15_17", "18_24"}


def test_an_unknown_topic_is_the_kit_s_422_naming_the_field_and_not_the_value() -> None:
    with pytest.raises(UnknownTerm) as caught:
        require_codes("topics", ["victims_rights", "astrology"], field="topics")
    problem = caught.value.problem()
    assert (caught.value.status, caught.value.field, problem["vocabulary"]) == (422, "topics.1", "topics")
    assert "fight_against_impunity" in problem["allowed"] and "astrology" not in str(problem)
