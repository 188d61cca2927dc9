"""The indexes casework's lists need (created at start-up by the kit, idempotently).

Equality fields first, then the sort key (ESR), so MongoDB serves each list from one index without a
sort stage. The keyset pages (inbox, "my cases") sort on a date then `_id`, so their indexes end with
both, in one direction: MongoDB reads a page and its cursor's range from the index, and the local store
walks the same index in order when the page's filter fixes the keys before them (a case manager's
cases, the referrals an organisation decided), and for a lawyer's cases (`lawyers` is a list) the table
of its elements that the local store keeps for `{lawyers, opened_on, _id}`; otherwise the first field's
equality is an index lookup and SQLite sorts what it keeps.
"""

from __future__ import annotations

from servicekit.indexes import Index

from .domain.case import CASE
from .domain.hearing import HEARING
from .domain.referral import REFERRAL
from .domain.reparation import REPARATION
from .domain.task import TASK

INDEXES = (
    Index(REFERRAL.collection, (("status", 1), ("receiving_organisation", 1), ("referred_at", 1), ("_id", 1)),
          "the inbox"),
    Index(REFERRAL.collection, (("organisation", 1), ("status", 1), ("referred_at", 1), ("_id", 1)),
          "referrals we decided"),
    Index(REFERRAL.collection, (("victim_id", 1),), "a victim's referrals (consent, erasure)"),
    Index(CASE.collection, (("organisation", 1), ("opened_on", -1), ("_id", -1)), "a case manager's cases"),
    Index(CASE.collection, (("lawyers", 1), ("opened_on", -1), ("_id", -1)), "a lawyer's cases (multikey)"),
    Index(CASE.collection, (("victim_ids", 1),), "a victim's cases (multikey; consent, erasure)"),
    Index(HEARING.collection, (("case_id", 1), ("starts_at", 1)), "hearings of cases"),
    Index(HEARING.collection, (("court_code", 1), ("starts_at", 1)), "hearings at a court"),
    Index(REPARATION.collection, (("case_id", 1), ("requested_on", 1)), "reparations of a case"),
    Index(TASK.collection, (("case_id", 1), ("due_on", 1)), "tasks of a case"),
    Index(TASK.collection, (("assignee", 1), ("due_on", 1)), "a lawyer's tasks"),
    Index("case_notes", (("case_id", 1), ("created_at", 1)), "notes of a case"),
    Index("case_note_keys", (("case_id", 1),), "note keys of a case"),
    Index("calendar_feeds", (("lawyer", 1), ("created_at", 1)), "a lawyer's calendar feeds"),
)
