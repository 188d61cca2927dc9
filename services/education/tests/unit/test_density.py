"""Documented-incident density folded from incident facts: corrections, rejections, periods (no I/O)."""

from __future__ import annotations

from datetime import date

from education.domain.density import documented_by_region


def fact(event_id: str, subject: str, at: str, *, region: str | None = None, occurred_on: str | None = None,
         status: str | None = None, offset: int = 0) -> dict:
    return {"_id": event_id, "subject": subject, "at": at, "offset": offset, "region": region,
            "occurred_on": occurred_on, "status": status}


def test_a_correction_moves_an_incident_whatever_the_order_the_facts_arrive_in():
    documented = fact("e1", "i1", "2025-01-01T10:00:00", region="gao", occurred_on="2024-05-01")
    corrected = fact("e2", "i1", "2025-01-02T10:00:00", region="mopti")
    assert documented_by_region([corrected, documented]) == {"mopti": 1}


def test_a_rejected_incident_is_not_counted_until_verification_reopens_it():
    documented = fact("e1", "i1", "2025-01-01T10:00:00", region="gao", occurred_on="2024-05-01")
    rejected = fact("e2", "i1", "2025-01-02T10:00:00", status="rejected")
    reopened = fact("e3", "i1", "2025-01-03T10:00:00", status="pending")
    assert documented_by_region([documented, rejected]) == {}
    assert documented_by_region([documented, rejected, reopened]) == {"gao": 1}


def test_only_incidents_dated_in_the_period_are_counted():
    facts = [fact("e1", "i1", "2025-01-01T10:00:00", region="gao", occurred_on="2023-12-31"),
             fact("e2", "i2", "2025-01-01T10:00:00", region="gao", occurred_on="2024-01-01")]
    assert documented_by_region(facts, date(2024, 1, 1), date(2024, 12, 31)) == {"gao": 1}
