"""Consent gates the referral in the app as in intake; signing out names what it will erase, then erases it."""

from __future__ import annotations

from typing import Any

from web_browser import PageWatch, check_screen, device_storage_text
from web_journeys import create_vault, sign_in, wait_vocabularies


async def register_victim(page: Any, sex: str, region: str) -> None:
    """A victim without any consent ticked, through the form."""
    await page.get_by_role("link", name="Nouvelle victime").first.click()
    await wait_vocabularies(page)
    await page.get_by_label("Sexe").select_option(sex)
    await page.get_by_label("Tranche d'âge").select_option("18-24")
    await page.get_by_label("Région de résidence").select_option(region)
    await page.get_by_role("button", name="Ajouter à la file d'attente").click()
    await page.get_by_text("ajoutée à la file d'attente").wait_for()


async def test_referral_is_disabled_with_its_reason_without_consent_and_sign_out_erases_after_warning(
        browser_context: Any, web_app: str, watch: PageWatch) -> None:
    page = await browser_context.new_page()
    watch.attach(page)
    await sign_in(page, web_app, "awa")
    await page.get_by_role("link", name="Nouvelle victime").first.click()
    await create_vault(page)
    await register_victim(page, "female", "kidal")
    await page.get_by_role("link", name="Orienter vers l'aide juridique").click()
    await page.get_by_label("Victime").select_option(index=1)
    await page.get_by_text("n'a pas consenti à l'accompagnement juridique").wait_for()
    await page.get_by_label("Représentation en justice").check()
    assert await page.get_by_role("button", name="Ajouter à la file d'attente").is_disabled()
    await check_screen(page, "referral-no-consent")

    await browser_context.set_offline(True)
    await register_victim(page, "male", "gao")
    await page.get_by_role("link", name="Se déconnecter").click()
    warning = page.get_by_role("alert")
    assert "ne sont pas synchronisés" in await warning.inner_text()
    await check_screen(page, "sign-out-unsynced")
    assert '"iterations"' in await device_storage_text(page, caches=False)  # the control: the vault is there
    await page.get_by_role("button", name="Effacer et se déconnecter").click()
    await page.get_by_role("heading", name="Bienvenue sur Redress").wait_for()
    stored = await device_storage_text(page, caches=False)
    assert '"iterations"' not in stored and "sealed" not in stored, stored
    assert watch.csp_violations == [] and watch.errors == []
