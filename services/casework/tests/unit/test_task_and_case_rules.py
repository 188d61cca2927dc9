"""Tasks (deadlines, overdue) and case commands (assignment, court, flags, visibility)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from casework.domain import case_commands, task
from casework.domain.access import Access, visible_to
from casework.domain.case import CASE
from casework.domain.task import TASK
from casework_factories import TODAY, a_case
from servicekit.errors import Conflict, InvalidInput, NotFound


def a_task(due_on=TODAY + timedelta(days=3)):
    return TASK.fold("t-1", None, task.create(None, task_id="t-1", case_id="case-1", case_lawyers=["lawyer-a"],
                                               assignee="lawyer-a", kind="appeal_deadline", due_on=due_on,
                                               today=TODAY))


def test_a_task_is_overdue_only_while_open_and_past_its_deadline():
    due = a_task()
    assert not due.overdue(TODAY + timedelta(days=3))
    assert due.overdue(TODAY + timedelta(days=4))
    done = TASK.fold("t-1", due, task.complete(due, completed_on=TODAY, today=TODAY))
    assert not done.overdue(TODAY + timedelta(days=4))


def test_a_task_for_someone_not_on_the_case_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        task.create(None, task_id="t", case_id="case-1", case_lawyers=["lawyer-a"], assignee="lawyer-z",
                    kind="filing", due_on=TODAY, today=TODAY)
    assert refused.value.field == "assignee"


def test_a_deadline_already_past_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        a_task(due_on=TODAY - timedelta(days=1))
    assert refused.value.field == "due_on"


def test_assigning_a_lawyer_twice_is_a_conflict():
    with pytest.raises(Conflict, match="lawyer_already_assigned"):
        case_commands.assign_lawyer(a_case(), lawyer_id="lawyer-a")


def test_the_last_lawyer_cannot_be_unassigned():
    with pytest.raises(Conflict, match="last_lawyer"):
        case_commands.unassign_lawyer(a_case(), lawyer_id="lawyer-a")


def test_assign_then_unassign_leaves_the_other_lawyer():
    case = CASE.fold("case-1", a_case(), case_commands.assign_lawyer(a_case(), lawyer_id="lawyer-b"))
    case = CASE.fold("case-1", case, case_commands.unassign_lawyer(case, lawyer_id="lawyer-a"))
    assert case.lawyers == ["lawyer-b"]


def test_consent_flag_is_set_once_and_lifted_on_renewed_consent():
    flagged = CASE.fold("case-1", a_case(), case_commands.flag(a_case(), victim_id="vic-1", flag="consent_withdrawn"))
    assert case_commands.flag(flagged, victim_id="vic-1", flag="consent_withdrawn") == []
    cleared = CASE.fold("case-1", flagged, case_commands.clear_flag(flagged, victim_id="vic-1",
                                                                    flag="consent_withdrawn"))
    assert cleared.flags == []


def test_lawyer_sees_only_assigned_cases_and_case_manager_only_their_organisation():
    case = a_case()
    assert Access("lawyer-a", frozenset({"lawyer"}), "org-x").sees(case)
    assert not Access("lawyer-b", frozenset({"lawyer"}), "org-legal").sees(case)
    assert Access("cm-1", frozenset({"case_manager"}), "org-legal").sees(case)
    assert not Access("cm-2", frozenset({"case_manager"}), "org-other").sees(case)


def test_a_command_on_someone_elses_case_is_not_found():
    guarded = visible_to(Access("lawyer-b", frozenset({"lawyer"}), None),
                         lambda state: case_commands.change_court(state, court="ml-ca-mopti"))
    with pytest.raises(NotFound, match="case_not_found"):
        guarded(a_case())
