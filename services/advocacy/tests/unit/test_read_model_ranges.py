"""Which marks the read model asks for: everything past what it read, nothing it read (pure, no store)."""

from __future__ import annotations

from advocacy.projections.generations import position_key
from advocacy.projections.readmodel import Folded, unread_ranges


def asked(ranges: list[dict], key: str) -> int:
    """How many of the `_id` ranges a mark's key falls in."""
    def inside(bounds: dict) -> bool:
        return ("$gt" not in bounds or key > bounds["$gt"]) and ("$lt" not in bounds or key < bounds["$lt"])

    return sum(inside(r.get("_id", {})) for r in ranges)


SEEN = {("intake.incidents", 0): 41, ("intake.incidents", 2): 7, ("intake.victims", 1): 3}


def test_a_reader_that_read_nothing_asks_for_every_mark():
    assert unread_ranges({}) == [{}]


def test_marks_already_read_are_not_asked_for_again():
    ranges = unread_ranges(SEEN)
    for (topic, partition), last in SEEN.items():
        for offset in range(last + 1):
            assert asked(ranges, position_key(topic, partition, offset)) == 0


def test_every_mark_past_a_partition_last_offset_is_asked_for_once():
    ranges = unread_ranges(SEEN)
    for (topic, partition), last in SEEN.items():
        for offset in (last + 1, last + 2, 10**12):
            assert asked(ranges, position_key(topic, partition, offset)) == 1


def test_partitions_and_topics_not_read_yet_are_asked_for_once():
    ranges = unread_ranges(SEEN)
    for topic, partition in [("intake.incidents", 1), ("intake.incidents", 3), ("casework.cases", 0),
                             ("intake.victims", 0), ("intake.victims.x", 2), ("z", 0), ("education.sessions", 11)]:
        assert asked(ranges, position_key(topic, partition, 0)) == 1


def record(event_id: str, subject: str, kind: str = "documented", region: str = "gao") -> dict:
    return {"_id": event_id, "subject": subject, "kind": kind, "at": "2021-01-01T00:00:00+00:00", "offset": 0,
            "data": {"occurred_on": "2021-01-01", "region": region, "violation_types": ["killing"],
                     "perpetrator_categories": [], "verification_status": "unverified"}}


def test_a_fact_taken_in_twice_is_folded_once_and_changes_nothing_the_second_time():
    folded = Folded(generation=1)
    folded.add("incidents", [record("e1", "i1")])
    version = folded.versions["incidents"]
    folded.add("incidents", [{**record("e1", "i1"), "offset": 9}])
    assert folded.versions["incidents"] == version
    assert list(folded.view("incidents")) == ["i1"]


def test_a_later_fact_folds_its_subject_again():
    folded = Folded(generation=1)
    folded.add("incidents", [record("e1", "i1"), record("e2", "i2")])
    assert folded.view("incidents")["i1"].region == "gao"
    folded.add("incidents", [{**record("e3", "i1", kind="updated", region="mopti"), "at": "2021-02-01T00:00:00+00:00"}])
    assert folded.view("incidents")["i1"].region == "mopti"
    assert folded.view("incidents")["i2"].region == "gao"
