"""The analysis desk, signed in through the provider: the analyst's dashboard shows a small count as
withheld and its chart draws no bar for it; an advocacy officer publishes a report whose downloaded file
the browser verifies against the published SHA-256."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import sign_in
from web_seed import one_incident_in, until

REGION = "taoudenit"  # no other journey documents an incident there: its count stays below 5


async def test_the_analyst_sees_a_small_count_withheld_and_the_chart_draws_no_bar_for_it(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    one_incident_in(web_system, REGION)
    analyst = web_system.client("advocacy", "analyst", org="org-fidh")
    by_region = lambda: analyst.get("/indicators/incidents-by-region").json()  # noqa: E731
    await until(lambda: REGION in by_region().get("labels", []))
    served = dict(zip(by_region()["labels"], by_region()["values"], strict=True))
    assert served[REGION] == "<5"

    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in(page, web_app, "mariam")
    await page.get_by_role("link", name="Indicateurs").first.click()
    row = page.locator(f"[data-testid='series-table'] tr[data-label='{REGION}']")
    await row.get_by_test_id("withheld").filter(has_text="<5").wait_for()
    chart = page.get_by_test_id("chart")
    assert await chart.locator(f"[data-testid='chart-bar'][data-label='{REGION}']").count() == 0
    await chart.locator(f"[data-testid='chart-withheld'][data-label='{REGION}']").wait_for()
    await page.get_by_test_id("legend").get_by_text("pourrait désigner une personne").wait_for()
    await check_screen(page, "indicators")
    assert watch.csp_violations == [] and watch.errors == []


async def test_a_published_report_downloads_and_its_file_matches_the_published_sha256(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    title = f"Bilan 2021 {uuid.uuid4().hex[:6]}"
    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in(page, web_app, "oumar")
    await page.get_by_role("link", name="Rapports").first.click()
    form = page.get_by_role("form", name="Préparer un rapport")
    await form.get_by_label("Titre").fill(title)
    await form.get_by_label("Début de la période").fill("2021-01-01")
    await form.get_by_label("Fin de la période").fill("2021-12-31")
    await form.get_by_role("button", name="Aperçu des chiffres").click()
    await form.get_by_test_id("report-preview").wait_for()
    await check_screen(page, "report-build")
    await form.get_by_role("button", name="Publier le rapport").click()
    await form.get_by_text("Rapport publié.").wait_for()
    report = page.get_by_test_id("report").filter(has_text=title)
    await report.wait_for()
    report_id = await report.get_attribute("data-report-id")
    published = web_system.client("advocacy", "analyst", org="org-fidh").get(f"/reports/{report_id}").json()
    expected = next(f["sha256"] for f in published["files"] if f["name"] == "indicators.csv")

    item = report.locator("[data-testid='report-file'][data-name='indicators.csv']")
    async with page.expect_download() as download_info:
        await item.get_by_role("button", name="Télécharger et vérifier indicators.csv").click()
    download = await download_info.value
    saved = await download.path()
    assert hashlib.sha256(saved.read_bytes()).hexdigest() == expected
    await item.get_by_text("Fichier vérifié").wait_for()
    await check_screen(page, "reports")
    assert watch.csp_violations == [] and watch.errors == []


async def test_an_officer_logs_an_action_and_moves_a_recommendation_through_the_statuses_offered(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    text = f"Créer un pôle judiciaire spécialisé à Mopti {uuid.uuid4().hex[:6]}"
    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in(page, web_app, "oumar")
    await page.get_by_role("link", name="Plaidoyer").first.click()
    action = page.get_by_role("form", name="Enregistrer une action")
    await action.get_by_label("Titre").fill("Communication au Comité contre la torture")
    await action.get_by_label("Institution visée").select_option("un_cat")
    await action.get_by_label("Type d'action").select_option("communication")
    await action.get_by_role("button", name="Enregistrer l'action").click()
    await page.get_by_test_id("action").filter(has_text="Communication au Comité contre la torture").first.wait_for()

    form = page.get_by_role("form", name="Enregistrer une recommandation")
    await form.get_by_label("Destinataire").select_option("un_cat")
    await form.get_by_label("Texte de la recommandation").fill(text)
    await form.get_by_role("button", name="Enregistrer la recommandation").click()
    item = page.get_by_test_id("recommendation").filter(has_text=text)
    await item.wait_for()
    status = item.get_by_label("Statut", exact=True)
    # The form appears once advocacy's statuses have arrived; reading its options does not wait for it.
    await status.wait_for()
    offered = await status.locator("option").evaluate_all("(options) => options.map((o) => o.value).filter(Boolean)")
    assert "made" not in offered and "acknowledged" in offered
    await status.select_option("acknowledged")
    await item.get_by_role("button", name="Enregistrer le statut").click()
    await page.locator("[data-testid='recommendation'][data-status='acknowledged']").filter(has_text=text).wait_for()
    assert await item.locator("ol.timeline li").count() == 2
    await check_screen(page, "actions")
    assert watch.csp_violations == [] and watch.errors == []
