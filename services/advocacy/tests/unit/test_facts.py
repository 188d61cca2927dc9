"""Folding consumed-event records into current facts: order, duplicates, consent, tracks."""

from __future__ import annotations

from datetime import date

from advocacy.domain import facts as f

_seq = iter(range(1_000_000))


def record(kind: str, data: dict, *, at: str = "2024-01-01T00:00:00+00:00", subject: str = "s1") -> dict:
    n = next(_seq)
    return {"_id": f"e{n}", "subject": subject, "kind": kind, "at": at, "offset": n, "data": data}


def documented(region: str = "gao", **extra) -> dict:
    return record("documented", {"occurred_on": "2023-05-01", "region": region, "violation_types": ["killing"],
                                 "perpetrator_categories": [], "verification_status": "unverified", **extra})


def test_an_update_changes_only_the_fields_it_carries():
    update = record("updated", {"occurred_on": None, "region": "menaka", "violation_types": None,
                                "perpetrator_categories": None}, at="2024-02-01T00:00:00+00:00")
    incident = f.fold_incident([documented(), update])
    assert (incident.region, incident.violation_types, incident.occurred_on) == ("menaka", ("killing",),
                                                                               date(2023, 5, 1))


def test_a_change_recorded_before_its_incident_is_applied_once_the_incident_arrives():
    verified = record("verification_changed", {"status": "verified"}, at="2023-12-31T23:59:59+00:00")
    incident = f.fold_incident([verified, documented()])
    assert incident.verified


def test_an_incident_without_its_documentation_has_no_facts_yet():
    assert f.fold_incident([record("verification_changed", {"status": "verified"})]) is None


def test_a_victim_is_counted_once_their_consent_to_statistics_arrives():
    registered = record("registered", {"sex": "male", "age_band": "25-39", "region": "gao"})
    assert not f.fold_victim([registered]).counted
    assert f.fold_victim([registered, record("consent_changed", {"statistics": True})]).counted


def test_a_victim_who_withdraws_consent_to_statistics_is_not_counted():
    victim = f.fold_victim([record("registered", {"sex": "female", "age_band": "12-17", "region": "mopti"}),
                            record("consent_changed", {"statistics": False}, at="2024-03-01T00:00:00+00:00")])
    assert (victim.sex, victim.counted) == ("female", False)


def test_an_erased_victim_stays_uncounted_and_keeps_no_bands():
    registered = record("registered", {"sex": "male", "age_band": "18-24", "region": "gao"},
                        at="2024-01-01T00:00:00+00:00")
    erased = record("erased", {}, at="2024-05-01T00:00:00+00:00")
    consent = record("consent_changed", {"statistics": True}, at="2024-06-01T00:00:00+00:00")
    assert f.fold_victim([consent, erased, registered]) == f.VictimFacts(counted=False)


def stage(to: str, on: str, track: str = "domestic") -> dict:
    return record("stage_changed", {"track": track, "from_stage": None, "to_stage": to, "at": on},
                  at=f"{on}T12:00:00+00:00")


def test_a_case_remembers_the_first_day_it_reached_each_stage():
    opened = record("opened", {"opened_on": "2022-01-10", "stage": "referral_accepted", "referral_id": None,
                               "victim_keys": ["k1"]}, at="2022-01-10T00:00:00+00:00")
    case = f.fold_case([opened, stage("complaint_civil_party", "2022-02-01"), stage("trial", "2022-09-01"),
                        stage("judgment", "2023-01-15")])
    assert case.reached_on("complaint_civil_party") == date(2022, 2, 1)
    assert (case.stage, case.reached_trial, case.victim_keys) == ("judgment", True, ("k1",))


def test_a_victim_who_joins_a_case_is_counted_among_its_victims_once():
    opened = record("opened", {"opened_on": "2022-01-10", "stage": "referral_accepted", "victim_keys": ["k1"]},
                    at="2022-01-10T00:00:00+00:00")
    joined = record("victim_joined", {"victim_key": "k2"}, at="2022-03-01T00:00:00+00:00")
    early_join = record("victim_joined", {"victim_key": "k1"}, at="2022-01-09T00:00:00+00:00")
    case = f.fold_case([joined, opened, early_join])
    assert case.victim_keys == ("k1", "k2")


def test_an_international_track_does_not_move_the_domestic_pipeline():
    opened = record("opened", {"opened_on": "2022-01-10", "stage": "referral_accepted"}, at="2022-01-10T00:00:00Z")
    case = f.fold_case([opened, stage("merits", "2022-05-01", track="ecowas_court")])
    assert case.stage == "referral_accepted" and not case.reached_trial


def test_a_rescheduled_hearing_counts_one_postponed_sitting_then_the_held_one():
    hearing = f.fold_hearing([
        record("scheduled", {"case_id": "c", "on": "2022-03-01"}, at="2022-01-01T00:00:00Z"),
        record("rescheduled", {"case_id": "c", "on": "2022-04-01", "previous": "2022-03-01"},
               at="2022-03-01T00:00:00Z"),
        record("held", {"case_id": "c", "on": "2022-04-01"}, at="2022-04-01T00:00:00Z"),
    ])
    assert hearing.sittings == (f.Sitting(date(2022, 3, 1), "postponed"), f.Sitting(date(2022, 4, 1), "held"))
    assert hearing.held_on == date(2022, 4, 1)


def test_a_hearing_still_to_come_is_one_scheduled_sitting():
    hearing = f.fold_hearing([record("scheduled", {"case_id": "c", "on": "2030-03-01"})])
    assert hearing.sittings == (f.Sitting(date(2030, 3, 1), "scheduled"),)


def test_the_latest_payment_record_carries_the_total_paid():
    reparation = f.fold_reparation([
        record("awarded", {"case_id": "c", "measure": "compensation", "amount_xof": 1_000_000,
                           "awarded_on": "2023-01-01"}, at="2023-01-01T00:00:00Z"),
        record("paid", {"case_id": "c", "payment_status": "paid_in_part", "total_paid_xof": 300_000,
                        "paid_on": "2023-03-01"}, at="2023-03-01T00:00:00Z"),
        record("paid", {"case_id": "c", "payment_status": "paid_in_part", "total_paid_xof": 600_000,
                        "paid_on": "2023-06-01"}, at="2023-06-01T00:00:00Z"),
    ])
    assert (reparation.awarded_xof, reparation.paid_xof, reparation.payment_status) == (1_000_000, 600_000,
                                                                                          "paid_in_part")


def test_a_non_monetary_measure_is_awarded_with_no_amount():
    reparation = f.fold_reparation([record("awarded", {"case_id": "c", "measure": "satisfaction",
                                                       "amount_xof": None, "awarded_on": "2023-01-01"})])
    assert (reparation.measure, reparation.awarded_xof) == ("satisfaction", 0)


def test_records_group_by_the_thing_they_are_about():
    groups = f.group_by_subject([record("held", {}, subject="a"), record("held", {}, subject="b"),
                                 record("held", {}, subject="a")])
    assert {k: len(v) for k, v in groups.items()} == {"a": 2, "b": 1}
