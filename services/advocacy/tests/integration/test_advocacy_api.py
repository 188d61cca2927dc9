"""Advocacy's own records over HTTP on the real store: actions, recommendations, reports, access."""

from __future__ import annotations

import hashlib

import pytest
from servicekit.ids import new_id

pytestmark = pytest.mark.integration


def incident(advocacy, region: str, occurred_on: str, violation: str = "killing"):
    return advocacy.event("intake.incident.documented.v1", new_id(), {
        "organisation": "org-amdh", "occurred_on": occurred_on, "region": region, "violation_types": [violation]})


async def counted(advocacy, year: int, total: int) -> None:
    async def done() -> bool:
        async with advocacy.client("analyst") as analyst:
            body = (await analyst.get("/indicators/incidents-by-region",
                                      params={"period_start": f"{year}-01-01", "period_end": f"{year}-12-31"})).json()
        return body["total"] == total

    await advocacy.eventually(done)


ACTION = {"target_body": "un_human_rights_council", "action_type": "submission", "taken_on": "2025-03-10",
          "title": "Written statement on impunity in central Mali",
          "attachments": [{"title": "Statement", "reference": "https://example.org/statement.pdf"}],
          "cited_indicators": [{"indicator": "incidents_by_region", "period_start": "2015-01-01",
                                "period_end": "2015-12-31"}]}


async def test_an_action_keeps_the_figures_it_cited_even_after_new_events(advocacy):
    await advocacy.publish_twice("intake.incidents", *[incident(advocacy, "mopti", "2015-05-01") for _ in range(6)])
    await counted(advocacy, 2015, 6)
    async with advocacy.client("advocacy_officer", org="org-fidh") as officer:
        logged = await officer.post("/actions", json=ACTION)
        assert logged.status_code == 201, logged.text
        await advocacy.publish("intake.incidents", incident(advocacy, "mopti", "2015-06-01"))
        await counted(advocacy, 2015, 7)
        stored = (await officer.get(f"/actions/{logged.json()['id']}")).json()
    [snapshot] = stored["cited_indicators"]
    assert (snapshot["figures"]["values"], snapshot["figures"]["total"]) == ([6], 6)
    assert stored["organisation"] == "org-fidh"


async def test_an_action_citing_an_unknown_indicator_is_refused_naming_the_field(advocacy):
    body = {**ACTION, "cited_indicators": [{"indicator": "happiness_index"}]}
    async with advocacy.client("advocacy_officer") as officer:
        response = await officer.post("/actions", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cited_indicators.0.indicator"


async def test_an_action_with_an_unknown_field_is_refused(advocacy):
    async with advocacy.client("advocacy_officer") as officer:
        response = await officer.post("/actions", json={**ACTION, "victim_name": "someone"})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["errors"][0]["field"] == "body.victim_name"


async def test_retrying_an_action_with_its_idempotency_key_logs_it_once(advocacy):
    key = {"Idempotency-Key": f"retry-{new_id()}"}
    async with advocacy.client("advocacy_officer", org="org-retry") as officer:
        first = await officer.post("/actions", json={**ACTION, "cited_indicators": []}, headers=key)
        second = await officer.post("/actions", json={**ACTION, "cited_indicators": []}, headers=key)
        listed = (await officer.get("/actions", params={"organisation": "org-retry"})).json()
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert [a["id"] for a in listed["items"]] == [first.json()["id"]]


async def test_an_idempotency_key_reused_with_another_body_is_refused_and_logs_nothing(advocacy):
    key = {"Idempotency-Key": f"reuse-{new_id()}"}
    async with advocacy.client("advocacy_officer", org="org-reuse") as officer:
        first = await officer.post("/actions", json={**ACTION, "cited_indicators": []}, headers=key)
        other = await officer.post("/actions", json={**ACTION, "cited_indicators": [], "title": "Another"},
                                   headers=key)
        listed = (await officer.get("/actions", params={"organisation": "org-reuse"})).json()
    assert first.status_code == 201
    assert other.status_code == 409 and other.headers["content-type"].startswith("application/problem+json")
    assert (other.json()["code"], other.json()["errors"][0]["field"]) == ("idempotency_key_reused", "Idempotency-Key")
    assert [a["title"] for a in listed["items"]] == [ACTION["title"]]


async def test_actions_are_listed_a_page_at_a_time_newest_first(advocacy):
    async with advocacy.client("advocacy_officer", org="org-pages") as officer:
        for day in ("2025-01-01", "2025-01-03", "2025-01-02"):
            assert (await officer.post("/actions", json={**ACTION, "cited_indicators": [],
                                                        "taken_on": day})).status_code == 201
        first = (await officer.get("/actions", params={"organisation": "org-pages", "limit": 2})).json()
        rest = (await officer.get("/actions", params={"organisation": "org-pages", "limit": 2,
                                                      "cursor": first["next_cursor"]})).json()
        forged = await officer.get("/actions", params={"cursor": "not-a-cursor"})
    assert [a["taken_on"] for a in first["items"] + rest["items"]] == ["2025-01-03", "2025-01-02", "2025-01-01"]
    assert rest["next_cursor"] is None
    assert forged.status_code == 422 and forged.json()["errors"][0]["field"] == "cursor"


async def test_analysts_read_but_do_not_write_advocacy_records(advocacy):
    async with advocacy.client("analyst") as analyst:
        assert (await analyst.post("/actions", json=ACTION)).status_code == 403
        assert (await analyst.get("/actions")).status_code == 200
    async with advocacy.client("monitor") as monitor:
        assert (await monitor.get("/indicators/cases-by-stage")).status_code == 403


async def test_a_recommendation_is_followed_up_with_its_history(advocacy):
    async with advocacy.client("advocacy_officer", org="org-amdh") as officer:
        made = await officer.post("/recommendations", json={
            "addressee": "mali_ministry_justice", "text": "Open investigations into the Moura killings",
            "made_on": "2024-04-01"})
        assert made.status_code == 201, made.text
        url = f"/recommendations/{made.json()['id']}/status"
        acknowledged = await officer.post(url, json={"to_status": "acknowledged", "changed_on": "2024-06-01",
                                                     "evidence": ["https://example.org/reply.pdf"]})
        refused = await officer.post(url, json={"to_status": "made", "changed_on": "2024-07-01"})
    assert acknowledged.status_code == 200, acknowledged.text
    assert [h["status"] for h in acknowledged.json()["history"]] == ["made", "acknowledged"]
    assert refused.status_code == 409
    async with advocacy.client("advocacy_officer", org="org-other") as stranger:
        response = await stranger.post(url, json={"to_status": "rejected", "changed_on": "2024-07-01"})
    assert response.status_code == 403


async def test_a_published_report_serves_files_whose_hash_matches_the_record(advocacy):
    await advocacy.publish_twice("intake.incidents",
                                 *[incident(advocacy, "gao", "2014-03-01", "torture") for _ in range(8)])
    await counted(advocacy, 2014, 8)
    async with advocacy.client("advocacy_officer", org="org-fidh") as officer:
        response = await officer.post("/reports", json={"title": "Impunity in Mali, 2014",
                                                        "period_start": "2014-01-01", "period_end": "2014-12-31"})
        assert response.status_code == 201, response.text
        report = response.json()
        html = await officer.get(f"/reports/{report['id']}/files/report.html")
        data = await officer.get(f"/reports/{report['id']}/files/indicators.json")
    recorded = {f["name"]: f["sha256"] for f in report["files"]}
    assert hashlib.sha256(html.content).hexdigest() == recorded["report.html"]
    assert {"charts/incidents_over_time.png", "charts/case_pipeline.png", "indicators.csv"} <= set(recorded)
    assert data.json()["indicators"]["incidents_by_region"]["values"] == [8]


@pytest.mark.parametrize(("language", "heading"), [("fr", "indicateur;ligne;colonne;valeur"),
                                                   ("en", "indicator;row;column;value")])
async def test_a_report_is_published_in_its_language_with_a_pdf_frozen_like_the_other_files(advocacy, language,
                                                                                            heading):
    async with advocacy.client("advocacy_officer", org=f"org-lang-{language}") as officer:
        response = await officer.post("/reports", json={"title": "Impunité au Mali — Kɔnɛ", "language": language,
                                                        "csv_excel": True, "period_start": "2015-01-01",
                                                        "period_end": "2015-12-31"})
        assert response.status_code == 201, response.text
        report = response.json()
        pdf = await officer.get(f"/reports/{report['id']}/files/report.pdf")
        page = await officer.get(f"/reports/{report['id']}/files/report.html")
        table = await officer.get(f"/reports/{report['id']}/files/indicators.csv")
    recorded = {f["name"]: f["sha256"] for f in report["files"]}
    assert report["language"] == language and pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-") and hashlib.sha256(pdf.content).hexdigest() == recorded["report.pdf"]
    assert f"<html lang='{language}'>" in page.text
    assert table.content.decode("utf-8").startswith("\ufeff" + heading)


async def test_a_tampered_report_file_is_refused_not_served(advocacy):
    async with advocacy.client("advocacy_officer") as officer:
        report = (await officer.post("/reports", json={"title": "Tamper test", "period_start": "2013-01-01",
                                                       "period_end": "2013-12-31"})).json()
        csv = next(f for f in report["files"] if f["name"] == "indicators.csv")
        await advocacy.deps.core.db["report_files"].update_one({"_id": f"{report['id']}:{csv['sha256']}"},
                                                               {"$set": {"content": b"indicator,row\nforged,1\n"}})
        response = await officer.get(f"/reports/{report['id']}/files/indicators.csv")
    assert response.status_code == 500
    assert response.json()["code"] == "report_file_tampered"


async def test_a_report_whose_period_ends_before_it_starts_is_refused(advocacy):
    async with advocacy.client("advocacy_officer") as officer:
        response = await officer.post("/reports", json={"title": "Backwards", "period_start": "2014-12-31",
                                                        "period_end": "2014-01-01"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body.period_end"


async def test_a_report_retried_with_its_idempotency_key_is_published_and_stored_once(advocacy):
    key = {"Idempotency-Key": f"report-{new_id()}"}
    body = {"title": "Retried report", "period_start": "2012-01-01", "period_end": "2012-12-31"}
    async with advocacy.client("advocacy_officer", org="org-report-retry") as officer:
        first = await officer.post("/reports", json=body, headers=key)
        again = await officer.post("/reports", json=body, headers=key)
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    stored = await advocacy.deps.core.db["report_files"].count_documents({"_id": {"$regex": f"^{first.json()['id']}:"}})
    assert stored == len(first.json()["files"])
