"""The kit's one page cursor and its one 422 for an unknown vocabulary term."""

from __future__ import annotations

import pytest
from servicekit.api import Listing
from servicekit.errors import InvalidInput
from servicekit.vocabulary import Term, UnknownTerm, Vocabulary, require_code


def test_a_cursor_resumes_after_the_last_item_in_the_listing_order():
    listing = Listing("opened_on", descending=True)
    cursor = listing.encode({"_id": "case-7", "opened_on": "2026-03-02"})
    assert listing.after(cursor) == {"$or": [{"opened_on": {"$lt": "2026-03-02"}},
                                             {"opened_on": "2026-03-02", "_id": {"$lt": "case-7"}}]}
    assert listing.sort() == [("opened_on", -1), ("_id", -1)]


@pytest.mark.parametrize("forged", ["not-base64!", "e30", "WyJhIl0", "W3siJG5lIjoxfSwiaWQiXQ"])
def test_a_cursor_we_did_not_issue_is_a_422_naming_the_cursor(forged):
    # garbage, {}, ["a"] and [{"$ne": 1}, "id"]: never a 500, never an operator in the query
    with pytest.raises(InvalidInput) as refused:
        Listing("opened_on").after(forged)
    assert refused.value.code == "cursor_invalid" and refused.value.field == "cursor"


def test_an_unknown_term_is_the_kits_422_naming_field_vocabulary_and_codes_but_not_the_value():
    regions = Vocabulary("regions", "2026.1", (Term("kayes", "Kayes", "Kayes"), Term("mopti", "Mopti", "Mopti")))
    with pytest.raises(UnknownTerm) as refused:
        require_code(regions, "Aminata Traoré", field="region")
    problem = refused.value.problem("fr")
    assert refused.value.status == 422 and problem["errors"][0]["field"] == "region"
    assert problem["vocabulary"] == "regions" and problem["allowed"] == ["kayes", "mopti"]
    assert "Aminata" not in str(problem)


def test_after_a_missing_value_an_ascending_listing_reads_the_set_values_and_the_missing_ones_after_it():
    listing = Listing("due_on")
    cursor = listing.encode({"_id": "task-3"})
    assert listing.after(cursor) == {"$or": [{"due_on": {"$ne": None}}, {"due_on": None, "_id": {"$gt": "task-3"}}]}


def test_a_nullable_descending_listing_reads_the_missing_values_last():
    listing = Listing("due_on", descending=True, nullable=True)
    assert listing.after(listing.encode({"_id": "task-3", "due_on": "2026-03-02"})) == {"$or": [
        {"due_on": {"$lt": "2026-03-02"}}, {"due_on": "2026-03-02", "_id": {"$lt": "task-3"}}, {"due_on": None}]}
    assert listing.after(listing.encode({"_id": "task-3"})) == {"due_on": None, "_id": {"$lt": "task-3"}}
