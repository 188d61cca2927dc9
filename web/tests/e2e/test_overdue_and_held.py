"""A lawyer sees a deadline that has passed flagged as overdue (casework's own flag), on the case and
among her deadlines, and records a hearing that has begun as held, with its outcome. Casework refuses
both records at its API today, so they are committed as of an earlier day (web_past_records)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import sign_in_at
from web_past_records import PastRecords
from web_seed import BAMAKO, SUBJECTS, case_for_fatoumata, mali_phone, referred_victim


async def test_a_lawyer_sees_a_past_deadline_flagged_overdue_and_records_a_begun_hearing_as_held(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    referral = referred_victim(web_system, "Nana Canari", mali_phone())
    case_id = await case_for_fatoumata(web_system, referral)
    lawyer = web_system.client("casework", "lawyer", sub=SUBJECTS["fatoumata"], org="org-legal")
    case = lawyer.get(f"/cases/{case_id}").json()
    now = datetime.now(BAMAKO)
    past = PastRecords(web_system)
    try:
        task_id = await past.overdue_task(case, SUBJECTS["fatoumata"], due_on=(now - timedelta(days=2)).date())
        hearing_id = await past.begun_hearing(case, court="ml-tgi-mopti",
                                              starts_at=(now - timedelta(hours=3)).replace(second=0, microsecond=0))
    finally:
        await past.close()
    tasks = lawyer.get(f"/cases/{case_id}/tasks").json()["items"]
    assert [t["is_overdue"] for t in tasks if t["id"] == task_id] == [True]  # the service's flag, shown as is

    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in_at(page, web_app, f"/cases/{case_id}", "fatoumata")
    overdue = page.locator("[data-testid='task'][data-state='overdue']")
    await overdue.get_by_text("en retard").wait_for()
    await check_screen(page, "case-task-overdue")

    hearing = page.locator(f"[data-testid='hearing'][data-hearing-id='{hearing_id}']")
    await hearing.get_by_role("button", name="Audience tenue").click()
    await hearing.get_by_label("Issue", exact=True).select_option("testimony_heard")
    await hearing.get_by_role("button", name="Enregistrer l'issue").click()
    held = page.locator(f"[data-testid='hearing'][data-hearing-id='{hearing_id}'][data-status='held']")
    await held.get_by_text("Issue :").wait_for()
    await check_screen(page, "case-hearing-held")
    assert lawyer.get(f"/hearings/{hearing_id}").json()["status"] == "held"

    await page.get_by_role("link", name="Échéances").first.click()
    await page.locator("[data-testid='task'][data-state='overdue']").first.wait_for()
    await check_screen(page, "tasks-overdue")
    assert watch.csp_violations == [] and watch.errors == []
