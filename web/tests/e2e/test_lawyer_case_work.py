"""A lawyer works a case in the browser: a hearing is put off with the postponement reason, cannot be
recorded as held before it starts (casework's answer is shown) and is cancelled with a reason; a past
deadline is refused with casework's reason beside the date, a valid one is listed on the lawyer's
deadlines; a reparation is requested; the lawyer's calendar and the organisation's show the hearing."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import sign_in, sign_in_at
from web_seed import BAMAKO, SUBJECTS, case_for_fatoumata, key, mali_phone, referred_victim


async def test_a_lawyer_reschedules_and_holds_a_hearing_sets_a_deadline_and_requests_a_reparation(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    referral = referred_victim(web_system, "Aïssata Canari", mali_phone())
    case_id = await case_for_fatoumata(web_system, referral)
    lawyer = web_system.client("casework", "lawyer", sub=SUBJECTS["fatoumata"], org="org-legal")
    now = datetime.now(BAMAKO)
    starts = (now + timedelta(hours=2)).replace(second=0, microsecond=0)
    created = lawyer.post(f"/cases/{case_id}/hearings", headers=key(), json={
        "court": "ml-tgi-mopti", "starts_at": starts.isoformat(), "purpose": "civil_party_hearing"})
    assert created.status_code == 201, created.text

    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in_at(page, web_app, f"/cases/{case_id}", "fatoumata")
    hearing = page.locator("[data-testid='hearing'][data-status='scheduled']")
    await hearing.get_by_role("button", name="Renvoyer").click()
    later = starts + timedelta(days=3)
    await hearing.get_by_label("Nouvelle date et heure").fill(later.strftime("%Y-%m-%dT%H:%M"))
    await hearing.get_by_label("Motif du renvoi").select_option("judge_absent")
    await hearing.get_by_role("button", name="Enregistrer le renvoi").click()
    await hearing.get_by_text("Absence du magistrat").wait_for()
    await hearing.get_by_role("button", name="Audience tenue").click()
    await hearing.get_by_label("Issue", exact=True).select_option("testimony_heard")
    await hearing.get_by_role("button", name="Enregistrer l'issue").click()
    await hearing.get_by_role("alert").wait_for()  # casework: a hearing not started yet cannot be held
    await check_screen(page, "case-hearing-not-started")
    await hearing.get_by_role("button", name="Annuler", exact=True).click()
    await hearing.get_by_role("button", name="Annuler l'audience").click()
    await hearing.get_by_label("Motif", exact=True).select_option("scheduled_in_error")
    await hearing.get_by_role("button", name="Confirmer l'annulation").click()
    await page.locator("[data-testid='hearing'][data-status='cancelled']").wait_for()

    tasks = page.get_by_role("form", name="Nouvelle échéance")
    await tasks.get_by_label("Type").select_option("filing")
    await tasks.get_by_label("Échéance").fill((now - timedelta(days=2)).strftime("%Y-%m-%d"))
    await tasks.get_by_role("button", name="Ajouter l'échéance").click()
    await tasks.locator(".field-error").get_by_text("passé").wait_for()  # casework's reason, beside the date
    await check_screen(page, "case-task-refused")
    await tasks.get_by_label("Échéance").fill((now + timedelta(days=10)).strftime("%Y-%m-%d"))
    await tasks.get_by_role("button", name="Ajouter l'échéance").click()
    await page.locator("[data-testid='task'][data-state='open']").wait_for()

    reparations = page.get_by_role("form", name="Demander une réparation")
    await reparations.get_by_label("Mesure").select_option("compensation")
    await reparations.get_by_label("Montant demandé").fill("2500000")
    await reparations.get_by_role("button", name="Enregistrer la demande").click()
    await page.get_by_test_id("reparation").get_by_text("Indemnisation").wait_for()
    await check_screen(page, "case-worked")

    await page.get_by_role("link", name="Échéances").first.click()
    await page.locator("[data-testid='task'][data-state='open']").first.wait_for()
    await check_screen(page, "tasks")
    await page.get_by_role("link", name="Agenda").first.click()
    if later.month != now.month:
        await page.get_by_role("button", name="Mois suivant").click()
    await page.get_by_test_id("calendar-hearing").first.wait_for()
    await check_screen(page, "calendar-lawyer")

    office = await (await new_context()).new_page()
    watch.attach(office)
    await sign_in(office, web_app, "kadiatou")
    await office.get_by_role("link", name="Agenda").first.click()
    if later.month != now.month:
        await office.get_by_role("button", name="Mois suivant").click()
    await office.locator(f"[data-testid='calendar-hearing'] a[href='/cases/{case_id}']").wait_for()
    await check_screen(office, "calendar-organisation")
    assert watch.csp_violations == [] and watch.errors == []
