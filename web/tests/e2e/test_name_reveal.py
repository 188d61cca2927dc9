"""The victim's name is shown to a lawyer of the case only on an explicit "reveal": the read is audited
(the administrator finds it in casework's audit screen) and the name is in no cache or storage the
browser keeps (the service answers no-store, the app keeps it in memory)."""

from __future__ import annotations

import uuid
from typing import Any

from web_browser import PageWatch, check_screen, device_storage_text
from web_journeys import audit_entry, sign_in, sign_in_at
from web_seed import SUBJECTS, case_for_fatoumata, mali_phone, referred_victim


async def test_the_revealed_name_is_audited_for_the_administrator_and_absent_from_every_browser_store(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    name = f"Kadidia Traoré-{uuid.uuid4().hex[:6]}"
    referral = referred_victim(web_system, name, mali_phone())
    case_id, victim_id = await case_for_fatoumata(web_system, referral), referral["victim_id"]

    lawyer = await (await new_context()).new_page()
    watch.attach(lawyer)
    await sign_in_at(lawyer, web_app, f"/cases/{case_id}", "fatoumata")
    row = lawyer.locator(f"[data-testid='victim'][data-victim-id='{victim_id}']")
    assert await lawyer.get_by_text(name).count() == 0
    async with lawyer.expect_response(lambda r: r.url.endswith(f"/victims/{victim_id}/name")) as answer:
        await row.get_by_role("button", name="Afficher le nom").click()
    assert "no-store" in ((await answer.value).headers.get("cache-control") or "")
    await row.get_by_test_id("victim-name").filter(has_text=name).wait_for()
    assert name not in await device_storage_text(lawyer)
    await row.get_by_role("button", name="Masquer").click()
    assert await lawyer.get_by_text(name).count() == 0

    admin = await (await new_context()).new_page()
    watch.attach(admin)
    await sign_in(admin, web_app, "admin")
    entry = await audit_entry(admin, "casework", victim_id, "victim.name_read")
    assert SUBJECTS["fatoumata"][:8] in await entry.inner_text()
    await admin.get_by_role("button", name="Vérifier l'intégrité du journal").click()
    await admin.get_by_test_id("integrity").get_by_text("Journal intact").wait_for()
    await check_screen(admin, "audit")
    assert name not in await admin.content()
    assert watch.csp_violations == [] and watch.errors == []
