"""The app shell without a session: strict CSP, offline start, the device vault and the wipe."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from servicekit.testing import free_port
from web_browser import PageWatch, check_screen, device_storage_text
from web_host import SERVICES, serve

PASSPHRASE = "sable rouge de Tombouctou"


@pytest.fixture(scope="module")
def shell_origin(web_dist: Path) -> Iterator[str]:
    """The app alone on a free port; its services and provider are unreachable, as in the field."""
    origin = f"http://127.0.0.1:{free_port()}"
    dead = f"http://127.0.0.1:{free_port()}"
    proc = serve(web_dist, origin, f"{dead}/realms/redress", dict.fromkeys(SERVICES, dead))
    yield origin
    proc.terminate()
    proc.wait(10)


async def open_controlled(context: Any, origin: str, watch: PageWatch) -> Any:
    """A page of the app once its service worker controls it (the offline shell is cached)."""
    page = await context.new_page()
    watch.attach(page)
    await page.goto(origin)
    await page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    await page.reload()
    await page.wait_for_function("() => !!navigator.serviceWorker.controller")
    return page


async def test_app_shell_opens_offline_in_french_under_a_strict_csp(browser_context: Any, shell_origin: str,
                                                              watch: PageWatch) -> None:
    page = await open_controlled(browser_context, shell_origin, watch)
    await browser_context.set_offline(True)
    await page.reload()
    await page.get_by_role("heading", name="Bienvenue sur Redress").wait_for()
    assert await page.locator(".pill-offline").inner_text() == "Hors ligne"
    assert await page.locator("html").get_attribute("lang") == "fr"
    await check_screen(page, "home-signed-out-offline")
    await page.get_by_role("button", name="English").click()
    await page.get_by_role("heading", name="Welcome to Redress").wait_for()
    assert await page.locator("html").get_attribute("lang") == "en"
    await check_screen(page, "home-signed-out-offline-en")
    await page.get_by_role("button", name="Français").click()
    await page.get_by_role("heading", name="Bienvenue sur Redress").wait_for()
    assert watch.csp_violations == [] and watch.errors == []


async def test_monitor_protects_the_device_with_a_passphrase_and_wipes_it(browser_context: Any, shell_origin: str,
                                                                    watch: PageWatch) -> None:
    page = await open_controlled(browser_context, shell_origin, watch)
    await browser_context.set_offline(True)
    await page.get_by_role("link", name="Saisir hors ligne (file d'attente chiffrée)").click()
    await page.get_by_role("heading", name="Protéger cet appareil").wait_for()
    await check_screen(page, "vault-create")
    await page.get_by_label("Phrase secrète", exact=True).fill(PASSPHRASE)
    await page.get_by_label("Confirmer la phrase secrète").fill(PASSPHRASE)
    await page.get_by_role("button", name="Protéger l'appareil").click()
    await page.get_by_text("La file d'attente est vide.").wait_for()
    await check_screen(page, "outbox-empty")
    await page.reload()
    await page.get_by_role("heading", name="Déverrouiller la file d'attente").wait_for()
    await check_screen(page, "vault-unlock")
    await page.get_by_label("Phrase secrète").fill("pas la bonne phrase")
    await page.get_by_role("button", name="Déverrouiller").click()
    await page.get_by_text("Phrase secrète incorrecte.").wait_for()
    await page.get_by_label("Phrase secrète").fill(PASSPHRASE)
    await page.get_by_role("button", name="Déverrouiller").click()
    await page.get_by_text("La file d'attente est vide.").wait_for()
    await page.get_by_role("link", name="Cet appareil").click()
    await check_screen(page, "device")
    assert '"iterations"' in await device_storage_text(page, caches=False)  # the control: the wrapped key is there
    await page.get_by_role("button", name="Effacer cet appareil").click()
    await page.get_by_role("button", name="Oui, tout effacer").click()
    await page.get_by_text("Appareil effacé.").wait_for()
    assert '"iterations"' not in await device_storage_text(page)
    assert await page.evaluate("async () => (await caches.keys()).length") == 0
    assert watch.csp_violations == [] and watch.errors == []
