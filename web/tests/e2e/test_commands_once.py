"""A casework command sent twice from the browser is done once: the app keys every command with its
intent's Idempotency-Key, so a double click on a slow network, or a retry after an answer lost on the way
back, reaches casework with the same key; the one effect is checked through casework's API and the bus."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import events_about, sign_in_at
from web_seed import BAMAKO, SUBJECTS, case_for_fatoumata, mali_phone, referred_victim

STAGE_CHANGED = "casework.case.stage_changed.v1"


async def open_case(new_context: Any, web_app: str, web_system: Any, watch: PageWatch, name: str) -> tuple[Any, str]:
    """Fatoumata on the page of a new case of hers (a monitor's referral her organisation accepted)."""
    case_id = await case_for_fatoumata(web_system, referred_victim(web_system, name, mali_phone()))
    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in_at(page, web_app, f"/cases/{case_id}", "fatoumata")
    await page.get_by_test_id("case").wait_for()
    return page, case_id


class LostAnswers:
    """Routes a command's requests: the first reaches casework but its answer is dropped before the browser
    sees it (the connection breaks on the way back); the following ones pass. Keeps every key sent."""

    def __init__(self) -> None:
        self.keys: list[str | None] = []

    async def __call__(self, route: Any) -> None:
        if route.request.method != "POST":
            await route.continue_()
            return
        self.keys.append(await route.request.header_value("idempotency-key"))
        if len(self.keys) == 1:
            answer = await route.fetch()
            assert answer.status == 200, await answer.text()  # casework did it...
            await route.abort("connectionreset")  # ...and the browser never hears so
            return
        await route.continue_()


async def stage_moves(web_system: Any, infra: Any, case_id: str) -> tuple[list[Any], list[str]]:
    """The case's stage history as casework serves it, and its stage-change events on the bus."""
    lawyer = web_system.client("casework", "lawyer", sub=SUBJECTS["fatoumata"], org="org-legal")
    history = lawyer.get(f"/cases/{case_id}").json()["history"]
    events = await events_about(infra.kafka_bootstrap, web_system.namespace + "casework.cases", case_id)
    return history, [e for e in events if e == STAGE_CHANGED]


async def lose_the_first_move(page: Any, case_id: str) -> LostAnswers:
    """Asks for the move to a complaint; casework records it, the answer is lost, the app says it may resend."""
    lost = LostAnswers()
    await page.route(f"**/cases/{case_id}/stage", lost)
    await page.get_by_label("Nouvelle étape").select_option("complaint_civil_party")
    await page.get_by_role("button", name="Enregistrer l'étape").click()
    said = page.get_by_role("form", name="Étape suivante").get_by_role("alert")
    await said.get_by_text("elle ne sera pas faite deux fois").wait_for()  # no answer: sending again is safe
    return lost


async def test_a_deadline_double_clicked_on_a_slow_network_is_added_once(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    page, case_id = await open_case(new_context, web_app, web_system, watch, "Kadia Canari")
    sent: list[Any] = []
    both = asyncio.Event()

    async def slow(route: Any) -> None:
        # A slow network: neither request leaves before the second click, as on a field office's link.
        if route.request.method != "POST":
            await route.continue_()
            return
        sent.append(route.request)
        if len(sent) == 2:
            both.set()
        await asyncio.wait_for(both.wait(), 10)
        await route.continue_()

    await page.route(f"**/cases/{case_id}/tasks", slow)
    form = page.get_by_role("form", name="Nouvelle échéance")
    await form.get_by_label("Type").select_option("filing")
    await form.get_by_label("Échéance").fill((datetime.now(BAMAKO) + timedelta(days=10)).strftime("%Y-%m-%d"))
    await form.get_by_role("button", name="Ajouter l'échéance").dblclick()
    await page.locator("[data-testid='task'][data-state='open']").wait_for()

    keys = [await request.header_value("idempotency-key") for request in sent]
    assert len(keys) == 2 and keys[0] and keys[0] == keys[1], keys
    lawyer = web_system.client("casework", "lawyer", sub=SUBJECTS["fatoumata"], org="org-legal")
    tasks = lawyer.get(f"/cases/{case_id}/tasks").json()["items"]
    assert len(tasks) == 1, tasks
    assert await page.locator("[data-testid='task']").count() == 1
    await check_screen(page, "case-task-once")
    assert watch.csp_violations == [] and watch.errors == []


async def test_a_stage_move_whose_answer_was_lost_is_sent_again_and_moves_the_case_once(
        new_context: Any, web_app: str, web_system: Any, infra: Any, watch: PageWatch) -> None:
    page, case_id = await open_case(new_context, web_app, web_system, watch, "Nana Canari")
    lost = await lose_the_first_move(page, case_id)
    await check_screen(page, "case-move-answer-lost")
    await page.get_by_role("button", name="Enregistrer l'étape").click()  # the same move, sent again
    await page.get_by_text("Étape enregistrée.").wait_for()
    await page.get_by_test_id("stage-timeline").get_by_text("Orientation acceptée → Plainte").wait_for()

    assert len(lost.keys) == 2 and lost.keys[0] and lost.keys[0] == lost.keys[1], lost.keys
    history, changed = await stage_moves(web_system, infra, case_id)
    assert [step["to_stage"] for step in history] == ["complaint_civil_party"], history
    assert changed == [STAGE_CHANGED], changed
    assert watch.csp_violations == [] and watch.errors == []


async def test_a_stage_move_sent_again_with_other_values_is_refused_in_french_and_the_case_moves_once(
        new_context: Any, web_app: str, web_system: Any, infra: Any, watch: PageWatch) -> None:
    page, case_id = await open_case(new_context, web_app, web_system, watch, "Sali Canari")
    lost = await lose_the_first_move(page, case_id)
    yesterday = (datetime.now(BAMAKO) - timedelta(days=1)).strftime("%Y-%m-%d")
    await page.get_by_label("Date de l'acte").fill(yesterday)  # not the same move any more
    await page.get_by_role("button", name="Enregistrer l'étape").click()
    refused = page.get_by_role("form", name="Étape suivante").get_by_role("alert")
    await refused.get_by_text("déjà été envoyée avec d'autres valeurs").wait_for()
    text = await refused.inner_text()
    assert "idempotency" not in text.lower() and "409" not in text, text
    # The screen read the case again: the move recorded by the first send is there to check, no reload.
    await page.get_by_test_id("stage-timeline").get_by_text("Orientation acceptée → Plainte").wait_for()
    await check_screen(page, "case-move-key-reused")

    assert len(lost.keys) == 2 and lost.keys[0] and lost.keys[0] == lost.keys[1], lost.keys
    history, changed = await stage_moves(web_system, infra, case_id)
    assert [step["to_stage"] for step in history] == ["complaint_civil_party"], history
    assert history[0]["effective_on"] != yesterday, history  # the first send is the one recorded
    assert changed == [STAGE_CHANGED], changed
    assert watch.csp_violations == [] and watch.errors == []
