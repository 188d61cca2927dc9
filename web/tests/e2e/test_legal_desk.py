"""The legal desk, signed in through the provider as each person: a monitor's referral reaches the inbox of
a lawyer of the organisation, who accepts it into a case of her own, moves the case one stage (only the
service's moves are offered) and schedules a hearing whose SMS reaches the victim's gateway exactly once;
a lawyer of another organisation gets "not found" where casework answers 404; a case manager passes a
referral on."""

from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta
from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import sign_in, sign_in_at
from web_seed import BAMAKO, SUBJECTS, case_for_fatoumata, mali_phone, referred_victim, sms_to, until

COURT = "ml-tgi-mopti"
COURT_NAME = "Tribunal de grande instance de Mopti"


async def take_from_the_inbox(page: Any, web_app: str, web_system: Any, referral: dict[str, str]) -> str:
    """Fatoumata, lawyer of org-legal, accepts the referral from her organisation's inbox into a new case."""
    lawyer = web_system.client("casework", "lawyer", sub=SUBJECTS["fatoumata"], org="org-legal")
    await until(lambda: lawyer.get(f"/referrals/{referral['referral_id']}").status_code == 200)
    await sign_in(page, web_app, "fatoumata")
    await page.get_by_role("link", name="Orientations reçues").first.click()
    item = page.locator(f"[data-testid='referral'][data-referral-id='{referral['referral_id']}']")
    await item.wait_for()
    assert await item.get_by_role("button", name="Transférer").count() == 0  # casework keeps that for managers
    await check_screen(page, "inbox-lawyer")
    await item.get_by_role("button", name="Accepter").click()
    await item.get_by_text("Le nouveau dossier vous sera affecté").wait_for()
    assert await item.get_by_label("Avocat·es").count() == 0
    await item.get_by_label("Juridiction").select_option(COURT)
    await check_screen(page, "inbox-lawyer-accept")
    await item.get_by_role("button", name="Confirmer l'acceptation").click()
    await item.get_by_text("Orientation acceptée.").wait_for()
    await item.get_by_role("link", name="Ouvrir le dossier").click()
    case = page.get_by_test_id("case")
    await case.wait_for()
    case_id = str(await case.get_attribute("data-case-id"))
    assert lawyer.get(f"/cases/{case_id}").json()["lawyers"] == [SUBJECTS["fatoumata"]]
    return case_id


async def test_referral_reaches_the_lawyers_inbox_is_accepted_moves_one_stage_and_its_hearing_texts_the_victim_once(
        new_context: Any, web_app: str, web_system: Any, sms_gateway: Any, watch: PageWatch) -> None:
    phone = mali_phone()
    referral = referred_victim(web_system, f"Oumou Canari-{uuid.uuid4().hex[:6]}", phone)
    page = await (await new_context()).new_page()
    watch.attach(page)
    case_id = await take_from_the_inbox(page, web_app, web_system, referral)

    await page.get_by_role("link", name="Dossiers").first.click()
    await page.locator(f"[data-testid='case-row'][data-case-id='{case_id}']").wait_for()
    await check_screen(page, "cases-mine")
    await page.locator(f"[data-testid='case-row'][data-case-id='{case_id}'] a").click()
    stage = page.get_by_test_id("case-stage")
    await stage.filter(has_text="Orientation acceptée").wait_for()
    move = page.get_by_label("Nouvelle étape")
    offered = await move.locator("option").evaluate_all("(options) => options.map((o) => o.value).filter(Boolean)")
    lawyer = web_system.client("casework", "lawyer", sub=SUBJECTS["fatoumata"], org="org-legal")
    allowed = lawyer.get(f"/cases/{case_id}").json()["allowed_next"]["domestic"]
    assert sorted(offered) == sorted(allowed) and "trial" not in offered  # an invalid move is not offered
    await check_screen(page, "case-lawyer")
    await move.select_option("complaint_civil_party")
    await page.get_by_role("button", name="Enregistrer l'étape").click()
    await stage.filter(has_text="Plainte / constitution de partie civile").wait_for()
    await page.get_by_test_id("stage-timeline").get_by_text("Orientation acceptée → Plainte").wait_for()
    assert lawyer.get(f"/cases/{case_id}").json()["stage"] == "complaint_civil_party"

    starts = (datetime.now(BAMAKO) + timedelta(days=12)).replace(hour=9, minute=30, second=0, microsecond=0)
    form = page.get_by_role("form", name="Programmer une audience")
    await form.get_by_label("Juridiction").select_option(COURT)
    await form.get_by_label("Date et heure").fill(starts.strftime("%Y-%m-%dT%H:%M"))
    await form.get_by_label("Objet").select_option("civil_party_hearing")
    await form.get_by_role("button", name="Programmer l'audience").click()
    await page.get_by_text("Audience programmée.").wait_for()
    await page.locator("[data-testid='hearing'][data-status='scheduled']").wait_for()
    await check_screen(page, "case-hearing-scheduled")

    about_hearing = lambda: [m for m in sms_to(sms_gateway, phone) if COURT_NAME in m]  # noqa: E731
    await until(about_hearing, timeout=60)
    await asyncio.sleep(3)  # a doubled send would arrive within the dispatcher's next polls
    assert len(about_hearing()) == 1, sms_to(sms_gateway, phone)
    assert watch.csp_violations == [] and watch.errors == []


async def test_a_lawyer_of_another_organisation_is_told_the_case_is_not_found(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    referral = referred_victim(web_system, "Awa Canari", mali_phone())
    case_id = await case_for_fatoumata(web_system, referral)
    page = await (await new_context()).new_page()
    watch.attach(page)
    answers: list[int] = []
    page.on("response", lambda r: answers.append(r.status) if r.url.endswith(f"/cases/{case_id}") else None)
    await sign_in_at(page, web_app, f"/cases/{case_id}", "ibrahim")
    problem = page.get_by_test_id("case-problem")
    await problem.get_by_role("heading", name="Dossier introuvable").wait_for()
    assert await problem.get_attribute("data-status") == "404" and 404 in answers
    await check_screen(page, "case-not-found")
    assert watch.csp_violations == [] and watch.errors == []


async def test_a_case_manager_transfers_a_referral_to_an_organisation_the_victim_shares_with(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    referral = referred_victim(web_system, "Mariam Canari", mali_phone(), sharing=("org-legal", "org-wildaf"))
    manager = web_system.client("casework", "case_manager", org="org-legal")
    await until(lambda: manager.get(f"/referrals/{referral['referral_id']}").status_code == 200)
    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in(page, web_app, "kadiatou")
    await page.get_by_role("link", name="Orientations reçues").first.click()
    item = page.locator(f"[data-testid='referral'][data-referral-id='{referral['referral_id']}']")
    await item.get_by_role("button", name="Transférer").click()
    await item.get_by_label("Transférer à").select_option("org-wildaf")
    await check_screen(page, "inbox-transfer")
    await item.get_by_role("button", name="Confirmer le transfert").click()
    await item.get_by_text("Orientation transférée").wait_for()
    other = web_system.client("casework", "case_manager", org="org-wildaf")
    moved = other.get(f"/referrals/{referral['referral_id']}")
    assert moved.status_code == 200 and moved.json()["passed_on_by"] == ["org-legal"], moved.text
    assert watch.csp_violations == [] and watch.errors == []
