"""A desk's screens open without a network: the service worker precached every desk's chunk, so a signed-in
analyst who loses the connection still gets the dashboard's screen, which says the service is unreachable
instead of showing figures it does not have."""

from __future__ import annotations

from typing import Any

from web_browser import PageWatch, check_screen
from web_journeys import sign_in


async def test_the_analysis_desk_opens_offline_from_the_precached_chunk_and_says_the_service_is_unreachable(
        new_context: Any, web_app: str, web_system: Any, watch: PageWatch) -> None:
    context = await new_context()
    page = await context.new_page()
    watch.attach(page)
    await sign_in(page, web_app, "mariam")
    await page.wait_for_function("""async () => {
        await navigator.serviceWorker.ready;
        const cache = await caches.open('redress-shell-v1');
        return (await cache.keys()).some((r) => r.url.includes('/assets/analysis-'));
    }""", polling=250)
    loaded = await page.evaluate(
        "() => performance.getEntriesByType('resource').some((e) => e.name.includes('/assets/analysis-'))")
    assert not loaded  # the desk's code has not been fetched by the page yet
    await context.set_offline(True)
    await page.get_by_role("link", name="Indicateurs").first.click()
    await page.get_by_role("heading", name="Indicateurs", exact=True).wait_for()
    await page.get_by_role("alert").filter(has_text="Le service est injoignable.").wait_for()
    await check_screen(page, "indicators-offline")
    await context.set_offline(False)
    assert watch.csp_violations == []
