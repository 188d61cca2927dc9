"""The programme staff's desk, signed in through the provider: a victim's delivery history shows the
hearing message's status (never its text), beside the providers' health and the templates' previews."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import sign_in
from web_seed import BAMAKO, SUBJECTS, case_for_fatoumata, key, mali_phone, referred_victim, sms_to, until


async def test_programme_staff_see_a_victims_delivery_status_and_never_the_message(
        new_context: Any, web_app: str, web_system: Any, sms_gateway: Any, watch: PageWatch) -> None:
    phone = mali_phone()
    referral = referred_victim(web_system, f"Fanta Diarra-{uuid.uuid4().hex[:6]}", phone)
    case_id = await case_for_fatoumata(web_system, referral)
    lawyer = web_system.client("casework", "lawyer", sub=SUBJECTS["fatoumata"], org="org-legal")
    starts = (datetime.now(BAMAKO) + timedelta(days=20)).replace(hour=10, minute=0, second=0, microsecond=0)
    hearing = lawyer.post(f"/cases/{case_id}/hearings", headers=key(), json={
        "court": "ml-tgi-mopti", "starts_at": starts.isoformat(), "purpose": "civil_party_hearing"})
    assert hearing.status_code == 201, hearing.text
    await until(lambda: sms_to(sms_gateway, phone), timeout=60)
    sent = sms_to(sms_gateway, phone)

    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in(page, web_app, "aminata")
    await page.get_by_role("link", name="Messages aux victimes").first.click()
    form = page.get_by_role("form", name="Historique des envois d'une victime")
    await form.get_by_label("Victime").fill(referral["victim_id"])
    await form.get_by_role("button", name="Afficher l'historique").click()
    rows = page.get_by_test_id("delivery").filter(has_text="Audience programmée")
    await rows.first.wait_for()
    assert await page.get_by_test_id("providers").get_by_text("Envoi de SMS configuré.").count() == 1
    await page.get_by_test_id("template-preview").locator("blockquote").wait_for()
    await page.get_by_test_id("unknown-deliveries").get_by_text("Aucun envoi à l'issue inconnue.").wait_for()
    text = await page.locator("main").inner_text()
    assert all(message not in text for message in sent)  # the status only, never what was sent
    await check_screen(page, "messages")
    assert watch.csp_violations == [] and watch.errors == []
