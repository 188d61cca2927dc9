"""The shipped sample files, in French and in English, import whole: incidents, then victims, then acts."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook
from servicekit.testing import eventually

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SETS = {"fr": ("incidents.fr.csv", "victimes.fr.csv", "actes.fr.csv"),
        "en": ("incidents.en.csv", "victims.en.csv", "acts.en.csv")}


async def upload(client, name: str, content: bytes, kind: str):
    return await client.post("/incidents/imports", params={"kind": kind},
                             files={"file": (name, content, "application/octet-stream")})


async def imported(client, name: str, content: bytes, kind: str) -> dict:
    started = await upload(client, name, content, kind)
    assert started.status_code == 202, started.text

    async def done():
        job = (await client.get(f"/incidents/imports/{started.json()['id']}")).json()
        return job if job["status"] != "running" else None
    return await eventually(done, "the import job to finish", timeout=20)


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_sample_files_import_incidents_victims_and_their_acts(intake, language):
    incidents, victims, acts = SETS[language]
    async with intake.client("documentation_officer", org=f"org-sample-{language}") as officer:
        jobs = [await imported(officer, name, (SAMPLES / name).read_bytes(), kind)
                for name, kind in zip((incidents, victims, acts), ("incidents", "victims", "acts"), strict=True)]
        listed = [(await officer.get(f"/incidents/{i['id']}")).json()
                  for i in (await officer.get("/incidents")).json()["items"]]
    assert [job["errors"] for job in jobs] == [[], [], []]
    assert [job["status"] for job in jobs] == ["completed"] * 3
    assert jobs[0]["created"] == len(listed) and jobs[1]["created"] == 2
    with_acts = [i for i in listed if i["acts"]]
    assert with_acts and all(act["victim_ids"] for i in with_acts for act in i["acts"])


async def test_the_french_sample_is_read_as_windows_1252_with_its_labels_reported(intake):
    async with intake.client("documentation_officer", org="org-sample-reading") as monitor:
        job = await imported(monitor, "incidents.fr.csv", (SAMPLES / "incidents.fr.csv").read_bytes(), "incidents")
        regions = sorted(i["region"] for i in (await monitor.get("/incidents")).json()["items"])
    assert job["reading"]["encoding"] == "cp1252" and job["reading"]["columns"]["Région"] == "region"
    assert {"column": "region", "value": "Ségou", "code": "segou"} in job["reading"]["labels"]
    assert regions == ["mopti", "segou", "tombouctou"]


async def test_an_xlsx_workbook_imports_like_its_csv(intake):
    book = Workbook()
    sheet = book.active
    sheet.append(["Référence", "Date des faits", "Région", "Type de violation"])
    sheet.append(["XL-1", "03/2022", "Kayes", "Pillage"])
    content = io.BytesIO()
    book.save(content)
    async with intake.client("monitor", org="org-sample-xlsx") as monitor:
        job = await imported(monitor, "incidents.xlsx", content.getvalue(), "incidents")
        [item] = (await monitor.get("/incidents")).json()["items"]
    assert job["reading"]["file_format"] == "xlsx" and job["created"] == 1
    assert (item["region"], item["date_precision"], item["occurred_on"]) == ("kayes", "month", "2022-03-01")


async def test_acts_naming_a_victim_never_imported_import_nothing(intake):
    text = "incident_reference,violation_type,victim_references\nNOPE-1,torture,V-404\n"
    async with intake.client("monitor", org="org-sample-orphan") as monitor:
        job = await imported(monitor, "acts.csv", text.encode(), "acts")
    assert {(e["field"], e["code"]) for e in job["errors"]} == \
        {("incident_reference", "row_incident_unknown"), ("victim_references", "row_victim_unknown")}
    assert job["accepted"] == 0
