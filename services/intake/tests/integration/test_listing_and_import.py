"""Listing with filters and cursors, the non-identifying export, and CSV import with its job resource."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from intake_support import incident_body
from servicekit.testing import eventually

pytestmark = pytest.mark.integration


async def document_many(client, count: int, **fields) -> list[str]:
    ids = []
    for _ in range(count):
        response = await client.post("/incidents", json=incident_body(**fields))
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


async def test_listing_pages_through_every_match_once(intake):
    org = "org-pages"
    async with intake.client("monitor", org=org) as monitor:
        ids = await document_many(monitor, 7)
        seen, cursor = [], None
        while True:
            params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
            page = (await monitor.get("/incidents", params=params)).json()
            seen += [item["id"] for item in page["items"]]
            cursor = page["next_cursor"]
            if cursor is None:
                break
    assert sorted(seen) == sorted(ids) and len(seen) == 7


async def test_listing_filters_by_region_type_perpetrator_status_and_dates(intake):
    org = "org-filters"
    async with intake.client("documentation_officer", org=org) as officer:
        [gao_militia] = await document_many(officer, 1, region="gao", violation_types=["pillage"],
                                            perpetrator_categories=["community_militias"], occurred_on="2021-05-10")
        [mopti_massacre] = await document_many(officer, 1, occurred_on="2019-01-15")
        await officer.post(f"/incidents/{mopti_massacre}/verification", json={"status": "pending", "reason": "check"})

        async def ids(**params):
            return [item["id"] for item in (await officer.get("/incidents", params=params)).json()["items"]]

        assert await ids(region="gao") == [gao_militia]
        assert await ids(violation_type="killings") == [mopti_massacre]  # a parent finds its children
        assert await ids(perpetrator_category="community_militias") == [gao_militia]
        assert await ids(verification_status="pending") == [mopti_massacre]
        assert await ids(date_from="2020-01-01") == [gao_militia]
        assert await ids(date_to="2020-01-01") == [mopti_massacre]


async def test_a_month_precision_date_matches_a_window_inside_that_month(intake):
    org = "org-months"
    async with intake.client("monitor", org=org) as monitor:
        [incident_id] = await document_many(monitor, 1, occurred_on="2022-06-01", date_precision="month")
        found = (await monitor.get("/incidents", params={"date_from": "2022-06-20", "date_to": "2022-06-25"})).json()
    assert [item["id"] for item in found["items"]] == [incident_id]


async def test_monitors_listing_leaves_out_confidential_incidents(intake):
    org = "org-conf"
    async with intake.client("documentation_officer", org=org) as officer:
        [secret] = await document_many(officer, 1, confidentiality="confidential")
        [restricted] = await document_many(officer, 1)
        officer_ids = {i["id"] for i in (await officer.get("/incidents")).json()["items"]}
    async with intake.client("monitor", org=org) as monitor:
        monitor_ids = {i["id"] for i in (await monitor.get("/incidents")).json()["items"]}
    assert officer_ids == {secret, restricted} and monitor_ids == {restricted}


async def test_export_is_non_identifying_and_leaves_out_confidential_incidents(intake):
    org = "org-export"
    async with intake.client("monitor", org=org) as monitor:
        victim = (await monitor.post("/victims", json={"sex": "male", "age_band": "12-17", "region": "gao"})).json()
        act = {"violation_type": "child_recruitment_use", "victim_ids": [victim["id"]]}
        [shown] = await document_many(monitor, 1, region="kidal", violation_types=[], acts=[act],
                                      coordinates={"lat": 18.44111, "lon": 1.40777})
    async with intake.client("documentation_officer", org=org) as officer:
        [hidden] = await document_many(officer, 1, region="kidal", confidentiality="confidential")
    async with intake.client("analyst", org=None) as analyst:
        rows = (await analyst.get("/incidents/export", params={"region": "kidal"})).json()
        text = (await analyst.get("/incidents/export", params={"region": "kidal", "format": "csv"})).text
    row = next(r for r in rows if r["id"] == shown)
    assert hidden not in {r["id"] for r in rows}
    assert (row["latitude"], row["longitude"], row["victim_count"]) == (18.4, 1.4, 1)
    assert victim["id"] not in str(rows) + text and "18.44111" not in text
    assert next(r for r in csv.DictReader(io.StringIO(text)) if r["id"] == shown)["violation_types"] == \
        "child_recruitment_use"


HEADER = "external_reference,occurred_on,date_precision,region,cercle,violation_types,perpetrator_categories,"
CSV_TEXT = HEADER + """latitude,longitude
AMDH-001,2022-03-27,day,mopti,mopti/djenne,massacre|pillage,national_armed_forces,14.1,-4.5
AMDH-002,2022-04,month,gao,,abduction,jihadist_armed_groups,,
"""
BAD_CSV_TEXT = CSV_TEXT + """AMDH-003,2099-01-01,day,mopti,,massacre,,,
AMDH-004,2022-01-01,day,atlantis,,massacre,,,
AMDH-001,2022-01-02,day,mopti,,massacre,,,
AMDH-005,2021-01-01,year,segou,,torture,,15.0,
"""


async def import_file(client, text: str):
    return await client.post("/incidents/imports", files={"file": ("incidents.csv", text.encode(), "text/csv")})


async def finished(intake, client, job_id: str):
    async def done():
        job = (await client.get(f"/incidents/imports/{job_id}")).json()
        return job if job["status"] != "running" else None
    return await eventually(done, "the import job to finish", timeout=20)


async def test_a_file_with_a_refused_row_imports_nothing_and_reports_every_row(intake):
    before = await intake.counts()
    async with intake.client("monitor", org="org-import") as monitor:
        started = await import_file(monitor, BAD_CSV_TEXT)
        assert started.status_code == 202, started.text
        job = await finished(intake, monitor, started.json()["id"])
        listed = (await monitor.get("/incidents")).json()["items"]
    assert (job["total"], job["accepted"], job["rejected"], job["created"]) == (6, 0, 4, 0)
    assert job["processed"] == 0 and job["status"] == "completed"
    errors = {(e["row"], e["field"], e["code"]) for e in job["errors"]}
    assert errors == {(4, "occurred_on", "incident_date_in_future"), (5, "region", "unknown_term"),
                      (6, "external_reference", "row_repeats_reference"), (7, "longitude", "float_parsing")}
    after = await intake.counts()
    assert listed == [] and {**after, "import_jobs": 0} == {**before, "import_jobs": 0}  # only the report is new


async def test_the_per_row_report_is_written_in_the_readers_language(intake):
    async with intake.client("monitor", org="org-import-lang") as monitor:
        job_id = (await import_file(monitor, BAD_CSV_TEXT)).json()["id"]
        await finished(intake, monitor, job_id)
        fr = (await monitor.get(f"/incidents/imports/{job_id}")).json()
        en = (await monitor.get(f"/incidents/imports/{job_id}", headers={"Accept-Language": "en"})).json()
    fr_reason = {e["row"]: e["reason"] for e in fr["errors"]}
    en_reason = {e["row"]: e["reason"] for e in en["errors"]}
    assert fr_reason[4] == "La date de l'incident est dans le futur."
    assert en_reason[4] == "The incident date is in the future."
    assert fr_reason[6] == "Cette référence figure déjà à la ligne 2."


async def test_importing_the_same_file_again_changes_nothing(intake):
    async with intake.client("monitor", org="org-reimport") as monitor:
        first = await finished(intake, monitor, (await import_file(monitor, CSV_TEXT)).json()["id"])
        commits_before = await intake.db["events"].count_documents({})
        second = await finished(intake, monitor, (await import_file(monitor, CSV_TEXT)).json()["id"])
        listed = (await monitor.get("/incidents")).json()["items"]
    assert first["created"] == 2 and (second["created"], second["unchanged"]) == (0, 2)
    assert await intake.db["events"].count_documents({}) == commits_before
    assert len(listed) == 2


async def test_reimporting_a_corrected_row_updates_its_incident(intake):
    async with intake.client("monitor", org="org-correct") as monitor:
        await finished(intake, monitor, (await import_file(monitor, CSV_TEXT)).json()["id"])
        corrected = CSV_TEXT.replace("AMDH-002,2022-04,month,gao,", "AMDH-002,2022-04,month,kidal,")
        job = await finished(intake, monitor, (await import_file(monitor, corrected)).json()["id"])
        regions = {i["external_reference"]: i["region"] for i in (await monitor.get("/incidents")).json()["items"]}
    assert (job["updated"], job["unchanged"]) == (1, 1)
    assert regions == {"AMDH-001": "mopti", "AMDH-002": "kidal"}


async def test_import_progress_is_readable_while_it_runs(intake):
    rows = "".join(f"P-{n:03d},2020-01-{1 + n % 28:02d},day,mopti,,massacre,,,\n" for n in range(40))
    header = CSV_TEXT.splitlines()[0] + "\n"
    async with intake.client("monitor", org="org-progress") as monitor:
        started = (await import_file(monitor, header + rows)).json()
        job = await finished(intake, monitor, started["id"])
    assert started["total"] == 40 and started["processed"] <= 40
    assert (job["processed"], job["created"]) == (40, 40)


async def test_import_with_an_unknown_column_is_refused_whole(intake):
    before = await intake.counts()
    async with intake.client("monitor", org="org-badheader") as monitor:
        refused = await import_file(monitor, "external_reference,occurred_on,region,violation_types,victim_name\n")
    assert refused.status_code == 422 and refused.json()["unknown_columns"] == ["victim_name"]
    assert await intake.counts() == before


async def test_import_jobs_of_another_organisation_are_404(intake):
    async with intake.client("monitor", org="org-owner") as monitor:
        job_id = (await import_file(monitor, CSV_TEXT)).json()["id"]
        await finished(intake, monitor, job_id)
    async with intake.client("monitor", org="org-stranger") as stranger:
        assert (await stranger.get(f"/incidents/imports/{job_id}")).status_code == 404


async def test_semicolon_separated_files_from_french_spreadsheets_are_read(intake):
    text = "external_reference;occurred_on;region;violation_types\nFR-1;2023-02-01;segou;pillage;\n"
    text = text.replace("pillage;\n", "pillage|burning_of_villages\n")
    async with intake.client("monitor", org="org-semicolon") as monitor:
        job = await finished(intake, monitor, (await import_file(monitor, text)).json()["id"])
        [item] = (await monitor.get("/incidents")).json()["items"]
    assert job["created"] == 1 and item["violation_types"] == ["burning_of_villages", "pillage"]


async def test_an_import_that_stopped_progressing_reads_as_interrupted(intake):
    async with intake.client("monitor", org="org-stalled") as monitor:
        job_id = (await import_file(monitor, CSV_TEXT)).json()["id"]
        await finished(intake, monitor, job_id)
        long_ago = datetime.now(UTC) - timedelta(minutes=10)
        await intake.db["import_jobs"].update_one({"_id": job_id}, {"$set": {"status": "running",
                                                                            "updated_at": long_ago}})
        job = (await monitor.get(f"/incidents/imports/{job_id}")).json()
    assert job["status"] == "interrupted"
