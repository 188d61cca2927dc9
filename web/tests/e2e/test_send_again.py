"""A message whose outcome notify cannot know, sent again on purpose in the browser: the carrier takes
the referral-accepted SMS but never answers, and notify's worker dies meanwhile; the restarted worker
settles the send as `unknown`. The administrator sees it, sends it again with a reason after confirming,
finds the decision in notify's audit log, and the carrier receives the message once more, exactly once."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import audit_entry, sign_in
from web_seed import SUBJECTS, case_for_fatoumata, mali_phone, referred_victim, sms_to, until


def unknown_delivery(web_system: Any) -> str | None:
    """The one delivery whose outcome notify records as unknown, once it does (the listing staff use, which
    audits a victim only when she appears in it: polling her history would audit every poll)."""
    staff = web_system.client("notify", "notify_admin", org="org-legal")
    found = staff.get("/deliveries", params={"status": "unknown"}).json()["items"]
    assert len(found) <= 1, found  # nothing else in this system leaves a send without its outcome
    return found[0]["id"] if found else None


async def die_while_sending(web_system: Any, sms_gateway: Any, phone: str) -> None:
    """Notify's worker is killed while the carrier holds its request: the claim stays without an outcome."""
    await until(sms_gateway.holding, timeout=60)
    worker = web_system.processes["notify:worker"]
    worker.proc.kill()
    worker.proc.wait(10)
    sms_gateway.release()
    worker.start()


async def test_an_administrator_sends_an_unknown_delivery_again_and_the_carrier_gets_it_once_more(
        new_context: Any, web_app: str, web_system: Any, sms_gateway: Any, watch: PageWatch) -> None:
    phone = mali_phone()
    sms_gateway.hold(phone)
    referral = referred_victim(web_system, f"Sira Canari-{uuid.uuid4().hex[:6]}", phone)
    victim_id = referral["victim_id"]
    await case_for_fatoumata(web_system, referral)
    await die_while_sending(web_system, sms_gateway, phone)
    delivery_id = await until(lambda: unknown_delivery(web_system), timeout=90)
    staff = web_system.client("notify", "notify_admin", org="org-legal")
    history = staff.get(f"/victims/{victim_id}/deliveries").json()["items"]
    assert [(d["kind"], d["status"]) for d in history if d["id"] == delivery_id] == [("referral_accepted", "unknown")]
    first = sms_to(sms_gateway, phone)
    assert len(first) == 1  # the carrier did receive it: only notify cannot know

    page = await (await new_context()).new_page()
    watch.attach(page)
    await sign_in(page, web_app, "admin")
    await page.get_by_role("link", name="Messages aux victimes").first.click()
    item = page.locator(f"[data-testid='unknown-delivery'][data-delivery-id='{delivery_id}']")
    await item.get_by_text("Orientation acceptée").wait_for()
    await check_screen(page, "messages-unknown")
    await item.get_by_label("Pourquoi renvoyer").select_option("victim_says_not_received")
    await item.get_by_role("button", name="Renvoyer le message").click()
    confirm = item.get_by_role("group", name="Renvoyer ce message à la victime ?")
    await confirm.wait_for()
    await check_screen(page, "messages-send-again-confirm")
    await confirm.get_by_role("button", name="Oui, renvoyer").click()
    await item.get_by_text("Renvoyé : un nouvel envoi a été créé.").wait_for()
    await check_screen(page, "messages-sent-again")

    await until(lambda: len(sms_to(sms_gateway, phone)) >= 2, timeout=60)
    await asyncio.sleep(3)  # a doubled send would arrive within the dispatcher's next polls
    again = sms_to(sms_gateway, phone)
    assert again == first * 2, again  # the same message, once more, exactly once

    entry = await audit_entry(page, "notify", victim_id, "delivery.send_again")
    assert SUBJECTS["admin"][:8] in await entry.inner_text()
    await check_screen(page, "audit-send-again")
    assert watch.csp_violations == [] and watch.errors == []
