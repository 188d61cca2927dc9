"""Hearings and calendars over HTTP on the real store."""

from __future__ import annotations

from datetime import timedelta

import pytest

pytestmark = pytest.mark.integration

LAWYER = {"role": "lawyer", "sub": "lawyer-a"}
SOON = "2026-03-10T09:30:00"  # naive: Africa/Bamako time


def hearing_body(**overrides):
    return {"court": "ml-tgi-mopti", "chamber": "Chambre correctionnelle", "starts_at": SOON,
            "ends_at": "2026-03-10T12:00:00+00:00", "purpose": "trial"} | overrides


async def schedule(cw, case_id, **overrides):
    response = await cw.client.post(f"/cases/{case_id}/hearings", json=hearing_body(**overrides),
                                    headers=cw.headers(**LAWYER))
    assert response.status_code == 201, response.text
    return response.json()


async def test_scheduling_records_bamako_time_court_city_and_victims(cw):
    case_id, victim_id = await cw.open_case()
    hearing = await schedule(cw, case_id)
    assert (hearing["starts_at"], hearing["city"], hearing["victim_ids"]) == ("2026-03-10T09:30:00+00:00", "Mopti",
                                                                             [victim_id])
    assert hearing["court_name"] == "Tribunal de grande instance de Mopti"


@pytest.mark.parametrize(("overrides", "field"), [
    ({"starts_at": "2026-03-01T09:00:00"}, "starts_at"),
    ({"ends_at": "2026-03-10T08:00:00"}, "ends_at"),
    ({"court": "ml-cour-de-nulle-part"}, "court"),
    ({"purpose": "picnic"}, "purpose"),
    ({"starts_at": "next tuesday"}, "body.starts_at"),
    ({"room": "B"}, "body.room"),
])
async def test_bad_hearing_input_is_422_naming_the_field_and_nothing_is_written(cw, overrides, field):
    case_id, _ = await cw.open_case()
    before = await cw.count("hearings")
    response = await cw.client.post(f"/cases/{case_id}/hearings", json=hearing_body(**overrides),
                                    headers=cw.headers(**LAWYER))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert await cw.count("hearings") == before


async def test_a_cases_hearings_come_a_page_at_a_time_in_time_order(cw):
    case_id, _ = await cw.open_case()
    days = ["2026-03-12T09:00:00", "2026-03-10T09:00:00", "2026-03-11T09:00:00"]
    ids = {day: (await schedule(cw, case_id, starts_at=day, ends_at=None))["id"] for day in days}
    path = f"/cases/{case_id}/hearings"
    first = (await cw.client.get(path, params={"limit": 2}, headers=cw.headers(**LAWYER))).json()
    rest = (await cw.client.get(path, params={"limit": 2, "cursor": first["next_cursor"]},
                                headers=cw.headers(**LAWYER))).json()
    assert [h["id"] for h in first["items"] + rest["items"]] == [ids[day] for day in sorted(days)]
    assert rest["next_cursor"] is None


async def test_a_cursor_casework_never_issued_is_422_naming_it(cw):
    listed = await cw.client.get("/cases", params={"cursor": "not-a-cursor"}, headers=cw.headers("case_manager"))
    assert (listed.status_code, listed.json()["errors"][0]["field"]) == (422, "cursor")


async def test_hearings_of_a_case_are_listed_and_read_only_by_its_workers(cw):
    case_id, _ = await cw.open_case()
    hearing = await schedule(cw, case_id)
    listed = await cw.client.get(f"/cases/{case_id}/hearings", headers=cw.headers(**LAWYER))
    assert (listed.json()["items"][0]["id"], len(listed.json()["items"])) == (hearing["id"], 1)
    one = await cw.client.get(f"/hearings/{hearing['id']}", headers=cw.headers("case_manager"))
    assert one.json()["purpose"] == "trial"
    other = await cw.client.get(f"/hearings/{hearing['id']}", headers=cw.headers("lawyer", sub="lawyer-b"))
    assert other.status_code == 404


async def test_rescheduling_keeps_the_postponement(cw):
    case_id, _ = await cw.open_case()
    hearing = await schedule(cw, case_id)
    moved = await cw.client.post(f"/hearings/{hearing['id']}/reschedule",
                                 json={"starts_at": "2026-03-17T09:30:00+00:00", "reason": "judge_absent"},
                                 headers=cw.headers(**LAWYER))
    assert moved.json()["starts_at"] == "2026-03-17T09:30:00+00:00"
    assert moved.json()["postponements"] == [{"from_starts_at": "2026-03-10T09:30:00+00:00",
                                              "to_starts_at": "2026-03-17T09:30:00+00:00", "reason": "judge_absent"}]


async def test_a_hearing_is_recorded_held_only_once_its_time_has_come(cw):
    case_id, _ = await cw.open_case()
    hearing = await schedule(cw, case_id)
    early = await cw.client.post(f"/hearings/{hearing['id']}/held", json={"outcome": "testimony_heard"},
                                 headers=cw.headers(**LAWYER))
    assert early.status_code == 409
    cw.clock.advance(timedelta(days=9))
    held = await cw.client.post(f"/hearings/{hearing['id']}/held", json={"outcome": "testimony_heard"},
                                headers=cw.headers(**LAWYER))
    assert (held.json()["status"], held.json()["outcome"]) == ("held", "testimony_heard")
    cancel = await cw.client.post(f"/hearings/{hearing['id']}/cancel", json={"reason": "other"},
                                  headers=cw.headers(**LAWYER))
    assert cancel.status_code == 409


async def test_cancelling_needs_a_known_reason(cw):
    case_id, _ = await cw.open_case()
    hearing = await schedule(cw, case_id)
    unknown = await cw.client.post(f"/hearings/{hearing['id']}/cancel", json={"reason": "rain"},
                                   headers=cw.headers(**LAWYER))
    assert unknown.status_code == 422
    cancelled = await cw.client.post(f"/hearings/{hearing['id']}/cancel", json={"reason": "security"},
                                     headers=cw.headers(**LAWYER))
    assert (cancelled.json()["status"], cancelled.json()["cancellation_reason"]) == ("cancelled", "security")


async def test_lawyer_calendar_shows_their_hearings_in_the_range(cw):
    case_id, _ = await cw.open_case(lawyers=("lawyer-cal",))
    inside = await cw.client.post(f"/cases/{case_id}/hearings", json=hearing_body(),
                                  headers=cw.headers("lawyer", sub="lawyer-cal"))
    await cw.client.post(f"/cases/{case_id}/hearings", json=hearing_body(starts_at="2026-05-02T09:00:00",
                                                                         ends_at=None),
                         headers=cw.headers("lawyer", sub="lawyer-cal"))
    response = await cw.client.get("/calendar/lawyers/lawyer-cal",
                                   params={"start": "2026-03-09T00:00:00", "end": "2026-03-11T00:00:00"},
                                   headers=cw.headers("lawyer", sub="lawyer-cal"))
    assert [h["id"] for h in response.json()] == [inside.json()["id"]]


async def test_a_calendar_range_ending_before_it_starts_is_422(cw):
    response = await cw.client.get("/calendar/lawyers/lawyer-a",
                                   params={"start": "2026-03-11T00:00:00", "end": "2026-03-09T00:00:00"},
                                   headers=cw.headers(**LAWYER))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "end"


async def test_court_calendar_shows_only_hearings_of_cases_the_caller_sees(cw):
    ours, _ = await cw.open_case(org="org-court-1")
    theirs, _ = await cw.open_case(org="org-court-2")
    mine = await cw.client.post(f"/cases/{ours}/hearings", json=hearing_body(court="ml-ca-kayes"),
                                headers=cw.headers("case_manager", org="org-court-1"))
    await cw.client.post(f"/cases/{theirs}/hearings", json=hearing_body(court="ml-ca-kayes"),
                         headers=cw.headers("case_manager", org="org-court-2"))
    response = await cw.client.get("/calendar/courts/ml-ca-kayes",
                                   params={"start": "2026-03-01T00:00:00", "end": "2026-04-01T00:00:00"},
                                   headers=cw.headers("case_manager", org="org-court-1"))
    assert [h["id"] for h in response.json()] == [mine.json()["id"]]
    unknown = await cw.client.get("/calendar/courts/ml-nowhere", params={"start": "2026-03-01", "end": "2026-04-01"},
                                  headers=cw.headers("case_manager"))
    assert unknown.status_code == 422


async def test_organisation_calendar_shows_the_hearings_of_the_organisations_cases_only(cw):
    ours, _ = await cw.open_case(lawyers=("lawyer-org-1",), org="org-cal-1")
    other, _ = await cw.open_case(lawyers=("lawyer-org-2",), org="org-cal-1")
    theirs, _ = await cw.open_case(org="org-cal-2")
    manager = cw.headers("case_manager", org="org-cal-1")
    first = await cw.client.post(f"/cases/{ours}/hearings", json=hearing_body(), headers=manager)
    second = await cw.client.post(f"/cases/{other}/hearings", headers=manager,
                                  json=hearing_body(starts_at="2026-03-20T10:00:00", ends_at=None))
    await cw.client.post(f"/cases/{theirs}/hearings", json=hearing_body(),
                         headers=cw.headers("case_manager", org="org-cal-2"))
    response = await cw.client.get("/calendar/organisation",
                                   params={"start": "2026-03-01T00:00:00", "end": "2026-04-01T00:00:00"},
                                   headers=manager)
    assert [h["id"] for h in response.json()] == [first.json()["id"], second.json()["id"]]


async def test_organisation_calendar_is_for_case_managers(cw):
    response = await cw.client.get("/calendar/organisation",
                                   params={"start": "2026-03-01T00:00:00", "end": "2026-04-01T00:00:00"},
                                   headers=cw.headers(**LAWYER))
    assert response.status_code == 403


async def test_ics_calendar_has_the_hearing_and_no_victim_identity(cw):
    case_id, victim_id = await cw.open_case(lawyers=("lawyer-ics",))
    hearing = await cw.client.post(f"/cases/{case_id}/hearings", json=hearing_body(),
                                   headers=cw.headers("lawyer", sub="lawyer-ics"))
    response = await cw.client.get("/calendar/me.ics", headers=cw.headers("lawyer", sub="lawyer-ics"))
    assert response.headers["content-type"].startswith("text/calendar")
    body = response.text
    assert f"UID:{hearing.json()['id']}@casework.redress" in body and "DTSTART:20260310T093000Z" in body
    assert victim_id not in body and "Aminata" not in body
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


async def test_a_subscribed_feed_serves_the_calendar_until_revoked(cw):
    case_id, _ = await cw.open_case(lawyers=("lawyer-feed",))
    await cw.client.post(f"/cases/{case_id}/hearings", json=hearing_body(),
                         headers=cw.headers("lawyer", sub="lawyer-feed"))
    created = await cw.client.post("/calendar/feeds", headers=cw.headers("lawyer", sub="lawyer-feed"))
    assert created.status_code == 201
    url = created.json()["url_path"]
    served = await cw.client.get(url)
    assert served.status_code == 200 and "BEGIN:VEVENT" in served.text
    listed = await cw.client.get("/calendar/feeds", headers=cw.headers("lawyer", sub="lawyer-feed"))
    assert [f["feed_id"] for f in listed.json()] == [created.json()["feed_id"]]
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    assert token not in listed.text and await cw.count("calendar_feeds", {"_id": token}) == 0
    revoked = await cw.client.delete(f"/calendar/feeds/{created.json()['feed_id']}",
                                     headers=cw.headers("lawyer", sub="lawyer-feed"))
    assert revoked.status_code == 204
    assert (await cw.client.get(url)).status_code == 404
