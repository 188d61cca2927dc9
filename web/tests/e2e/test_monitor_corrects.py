"""A refused item stays on the device with the service's problem in French, is corrected and syncs once."""

from __future__ import annotations

from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import create_vault, events_about, once_each, sign_in, synced_ids, wait_vocabularies


async def test_bad_field_comes_back_in_french_next_to_the_queued_item_and_syncs_once_corrected(
        browser_context: Any, web_app: str, web_system: Any, infra: Any, watch: PageWatch) -> None:
    page = await browser_context.new_page()
    watch.attach(page)
    await sign_in(page, web_app, "awa")
    await page.get_by_role("link", name="Nouvelle victime").first.click()  # in the app: a reload forgets the token
    await create_vault(page)
    await wait_vocabularies(page)
    await page.get_by_label("Sexe").select_option("male")
    await page.get_by_label("Tranche d'âge").select_option("40-59")
    await page.get_by_label("Région de résidence").select_option("gao")
    await page.get_by_label("Téléphone").fill("12")  # not a phone number: intake refuses it
    await page.get_by_role("button", name="Ajouter à la file d'attente").click()
    await page.get_by_role("link", name="File d'attente").first.click()

    held = page.locator("li.queue-item[data-state='held']")
    await held.wait_for()
    problem = held.get_by_role("alert")
    assert "Le service a refusé une valeur" in await problem.inner_text()
    assert "Téléphone" in await problem.locator("strong").inner_text()
    await check_screen(page, "outbox-held")

    await held.get_by_label("Téléphone").fill("+223 76 00 11 22")
    await held.get_by_role("button", name="Corriger et renvoyer").click()
    await page.locator("li.queue-item[data-state='done']").wait_for()
    [victim_id] = await synced_ids(page, "victim")
    victim = web_system.client("intake", "monitor", org="org-amdh").get(f"/victims/{victim_id}").json()
    assert victim["identity"]["phone"] == "+22376001122"  # intake keeps contacts in E.164
    topic = web_system.namespace + "intake.victims"
    events = await events_about(infra.kafka_bootstrap, topic, victim_id)
    assert events[0] == "intake.victim.registered.v1" and once_each(events), events
    assert watch.csp_violations == [] and watch.errors == []
