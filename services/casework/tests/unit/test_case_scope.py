"""The filter of the cases a caller sees, narrowed: plain equalities for one scope, so the store walks an index."""

from casework.domain.access import CASE_MANAGER, LAWYER, Access
from casework.queries import scoped, visible_scope

LAWYER_ONLY = Access(subject="lawyer-1", roles=frozenset({LAWYER}), organisation="org-legal")
BOTH = Access(subject="lawyer-1", roles=frozenset({LAWYER, CASE_MANAGER}), organisation="org-legal")


def test_a_lawyers_own_cases_are_one_plain_equality():
    assert scoped(visible_scope(LAWYER_ONLY), {"lawyers": "lawyer-1"}) == {"lawyers": "lawyer-1"}


def test_another_lawyers_cases_among_the_callers_keep_both_conditions():
    assert scoped(visible_scope(LAWYER_ONLY), {"lawyers": "lawyer-2"}) == {
        "$and": [{"lawyers": "lawyer-1"}, {"lawyers": "lawyer-2"}]}


def test_a_status_is_added_to_the_one_scope():
    assert scoped(visible_scope(LAWYER_ONLY), {"status": "open"}) == {"lawyers": "lawyer-1", "status": "open"}


def test_two_scopes_stay_alternatives_beside_the_narrowing():
    assert scoped(visible_scope(BOTH), {"lawyers": "lawyer-2"}) == {
        "$or": [{"lawyers": "lawyer-1"}, {"organisation": "org-legal"}], "lawyers": "lawyer-2"}
