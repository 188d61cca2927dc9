"""A monitor in the field: signs in through the provider, documents offline, closes the tab, syncs once."""

from __future__ import annotations

import hashlib
import uuid
from typing import Any

from web_browser import PageWatch, check_screen, device_storage_text
from web_journeys import (
    create_vault,
    events_about,
    once_each,
    png,
    sign_in,
    sign_in_again,
    synced_ids,
    unlock,
    wait_vocabularies,
    wait_vocabularies_cached,
)


async def test_monitor_signs_in_through_the_providers_login_page(browser_context: Any, web_app: str,
                                                                 watch: PageWatch) -> None:
    page = await browser_context.new_page()
    watch.attach(page)
    await page.goto(web_app)
    await check_screen(page, "home-signed-out")
    await page.get_by_role("button", name="Se connecter").click()
    await page.locator("#username").wait_for()
    assert not page.url.startswith(web_app)  # the provider's own page, not a form of the app
    await page.screenshot(path=str(__import__("web_browser").SCREENS / "provider-login-360.png"))
    await page.locator("#username").fill("awa")
    await page.locator("#password").fill("redress-demo")
    await page.locator("#kc-login").click()
    await page.get_by_role("heading", name="Bonjour awa").wait_for()
    await page.get_by_text("moniteur·rice").wait_for()
    await check_screen(page, "home-monitor")
    stored = await page.evaluate("() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage })")
    assert "eyJ" not in stored, "a token was written to Web Storage"
    assert watch.csp_violations == [] and watch.errors == []


async def test_monitor_documents_incident_offline_and_it_syncs_once(browser_context: Any, web_app: str, web_system: Any,
                                                                    infra: Any, watch: PageWatch) -> None:
    canary = f"Kadidia Canari-{uuid.uuid4().hex[:8]}"
    reference = f"E2E-{uuid.uuid4().hex[:8]}"
    photo = png(canary)
    page = await browser_context.new_page()
    watch.attach(page)
    await sign_in(page, web_app, "awa")
    await page.get_by_role("link", name="Nouvelle victime").first.click()
    await create_vault(page)
    await wait_vocabularies(page)  # fetched while online, kept on the device for the forms
    await wait_vocabularies_cached(page)
    await page.evaluate("async () => { await navigator.serviceWorker.ready; }")

    await browser_context.set_offline(True)
    await page.reload()  # the shell now comes from the service worker
    await unlock(page)
    await wait_vocabularies(page)
    await page.get_by_label("Sexe").select_option("female")
    await page.get_by_label("Tranche d'âge").select_option("25-39")
    await page.get_by_label("Région de résidence").select_option("mopti")
    await page.get_by_label("Nom complet").fill(canary)
    await page.get_by_label("Téléphone").fill("+223 70 12 34 56")
    await page.get_by_label("Récit").fill(f"{canary} raconte l'attaque du marché.")
    await page.get_by_label("J'accepte que mon dossier soit transmis à des avocat·es").check()
    await check_screen(page, "victim-form")
    await page.get_by_role("button", name="Ajouter à la file d'attente").click()
    await page.get_by_text("ajoutée à la file d'attente").wait_for()

    await page.get_by_role("link", name="Documenter l'incident").click()
    await wait_vocabularies(page)
    await page.get_by_label("Région", exact=True).select_option("mopti")
    await page.get_by_label("Cercle").select_option("mopti/djenne")
    await page.get_by_label("Type de violation").select_option("summary_execution")
    await page.get_by_role("button", name="Ajouter un auteur présumé").click()
    await page.get_by_label("Catégorie d'auteur").select_option("jihadist_armed_groups")
    await page.get_by_label("Degré d'implication").select_option("carried_out")
    await page.get_by_label("Référence interne (facultatif)").fill(reference)
    await check_screen(page, "incident-form")
    await page.get_by_role("button", name="Ajouter à la file d'attente").click()
    await page.get_by_text("ajouté à la file d'attente").wait_for()

    await page.get_by_role("link", name="Joindre une preuve").click()
    await page.get_by_label("Fichier").set_input_files(files=[{"name": "marche.png", "mimeType": "image/png",
                                                               "buffer": photo}])
    device_hash = await page.get_by_test_id("device-hash").inner_text()
    assert device_hash == hashlib.sha256(photo).hexdigest()
    await check_screen(page, "evidence-form")
    await page.get_by_role("button", name="Ajouter à la file d'attente").click()
    await page.get_by_text("ajoutée à la file d'attente").wait_for()
    await page.get_by_role("link", name="File d'attente").first.click()
    await check_screen(page, "outbox-offline")

    # Nothing of the victim in plaintext on the device while queued (issue 10, test 4).
    stored = await device_storage_text(page)
    assert len(stored) > 1000
    for secret in (canary, "Canari", "+223 70 12 34 56", "raconte", "marche.png"):
        assert secret not in stored, f"{secret!r} is readable on the device"

    await page.close()  # the tab closes with everything still queued
    page = await browser_context.new_page()
    watch.attach(page)
    await page.goto(f"{web_app}/outbox")
    await unlock(page)
    await page.locator("li.queue-item").nth(2).wait_for()
    assert await page.locator("li.queue-item[data-state='pending']").count() == 3

    await browser_context.set_offline(False)
    await sign_in_again(page, web_app)
    await page.get_by_role("link", name="File d'attente").first.click()  # in the app: a reload forgets the token
    await unlock(page)
    await page.locator("li.queue-item[data-state='done']").nth(2).wait_for(timeout=60_000)
    await page.get_by_text("Empreinte vérifiée").wait_for()
    await check_screen(page, "outbox-synced")
    [victim_id] = await synced_ids(page, "victim")
    [incident_id] = await synced_ids(page, "incident")
    [evidence_id] = await synced_ids(page, "evidence")

    intake = web_system.client("intake", "documentation_officer", org="org-amdh")
    listed = [i for i in intake.get("/incidents", params={"region": "mopti"}).json()["items"]
              if i["external_reference"] == reference]
    assert [i["id"] for i in listed] == [incident_id]
    incident = intake.get(f"/incidents/{incident_id}").json()
    assert incident["acts"][0]["victim_ids"] == [victim_id]
    assert intake.get(f"/victims/{victim_id}").json()["identity"]["name"] == canary
    evidence = intake.get(f"/evidence/{evidence_id}").json()
    assert evidence["sha256"] == hashlib.sha256(photo).hexdigest() and evidence["incident_id"] == incident_id

    ns, bootstrap = web_system.namespace, infra.kafka_bootstrap
    for topic, subject, first in (("intake.victims", victim_id, "intake.victim.registered.v1"),
                                  ("intake.incidents", incident_id, "intake.incident.documented.v1"),
                                  ("intake.evidence", evidence_id, "intake.evidence.recorded.v1")):
        events = await events_about(bootstrap, ns + topic, subject)
        assert events[0] == first and once_each(events), events
    assert watch.csp_violations == [] and watch.errors == []
