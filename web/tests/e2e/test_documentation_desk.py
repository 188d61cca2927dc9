"""A documentation officer at the desk: verifies an incident with a reason, checks its integrity, sends a CSV
with one bad row and learns that nothing was imported."""

from __future__ import annotations

import re
import uuid
from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import sign_in


def documented_incident(web_system: Any) -> str:
    """An incident of the officer's organisation, documented by a monitor through the API."""
    monitor = web_system.client("intake", "monitor", org="org-amdh")
    response = monitor.post("/incidents", json={
        "occurred_on": "2023-02-14", "region": "segou", "cercle": "segou/niono", "external_reference": "E2E-DESK",
        "acts": [{"violation_type": "torture", "perpetrators": [
            {"category": "community_militias", "involvement": "carried_out"}]}],
        "sources": [{"kind": "witness_testimony", "reliability": "B", "credibility": "2"}],
    }, headers={"Idempotency-Key": f"e2e-{uuid.uuid4().hex}"})
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_documentation_officer_verifies_the_incident_and_sends_a_csv_with_one_bad_row_that_imports_nothing(
        browser_context: Any, web_app: str, web_system: Any, watch: PageWatch, tmp_path: Any) -> None:
    incident_id = documented_incident(web_system)
    page = await browser_context.new_page()
    watch.attach(page)
    await sign_in(page, web_app, "moussa")
    await page.get_by_role("link", name="Incidents").first.click()
    await page.get_by_label("Région").select_option("segou")
    await page.get_by_role("button", name="Filtrer").click()
    await page.locator(f"a[href='/incidents/{incident_id}']").wait_for()
    await check_screen(page, "incident-list")
    await page.locator(f"a[href='/incidents/{incident_id}']").click()
    await page.get_by_test_id("verification-status").filter(has_text="Non vérifié").wait_for()
    await page.get_by_label("Nouveau statut").select_option("pending")
    await page.get_by_label("Motif").fill("Deux témoignages concordants à recouper.")
    await page.get_by_role("button", name=re.compile("Passer à.*Vérification en cours")).click()
    await page.get_by_text("Statut de vérification modifié.").wait_for()
    await page.get_by_test_id("verification-status").filter(has_text="Vérification en cours").wait_for()
    await page.get_by_role("button", name="Vérifier l'intégrité de l'historique").click()
    await page.get_by_text("Historique intact").wait_for()
    await check_screen(page, "incident-page")
    officer = web_system.client("intake", "documentation_officer", org="org-amdh")
    assert officer.get(f"/incidents/{incident_id}").json()["verification_status"] == "pending"

    rows = [f"E2E-CSV-{uuid.uuid4().hex[:6]}-{n}" for n in range(3)]
    csv = ("external_reference,occurred_on,region,violation_types\n"
           f"{rows[0]},2022-03-27,mopti,massacre\n{rows[1]},2022-05-02,gao,abduction\n"
           f"{rows[2]},2022-06-10,atlantis,massacre\n")
    await page.get_by_role("link", name="Import CSV").first.click()
    await page.get_by_label("Fichier").set_input_files(files=[{"name": "incidents.csv", "mimeType": "text/csv",
                                                               "buffer": csv.encode()}])
    await page.get_by_role("button", name="Importer").click()
    job = page.get_by_test_id("import-job")
    await page.locator("[data-testid='import-job'][data-status='completed']").wait_for(timeout=60_000)
    assert await page.get_by_test_id("import-rejected").inner_text() == "1"
    report = job.get_by_role("table")
    assert "4" in await report.locator("tbody td").nth(0).inner_text()
    assert await report.locator("tbody td").nth(1).inner_text() == "Région"
    assert await page.locator("progress").get_attribute("value") == "0"  # one bad row: intake imports nothing
    await job.get_by_text("Rien n'a été importé").wait_for()
    await check_screen(page, "import-report")
    exported = officer.get("/incidents/export", params={"region": "gao"}).json()
    assert [r for r in exported if r["occurred_on"] == "2022-05-02"] == []  # the good gao row was not imported either
    assert watch.csp_violations == [] and watch.errors == []
