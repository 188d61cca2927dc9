"""Browser helpers of the web app's tests: Debian's Chromium under Playwright, screenshots, axe-core."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.async_api import Page

ROOT = Path(__file__).resolve().parents[3]
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium floods this closed network with update checks.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--lang=fr-FR"]
# On Linux Chromium takes its own locale, which formats native date inputs (jj/mm/aaaa), from LANGUAGE (or
# LANG), not from --lang, the document's lang nor the context's locale: those alone left mm/dd/yyyy.
CHROMIUM_ENV = {"LANGUAGE": "fr"}
SCREENS = ROOT / "web" / "test-results" / "screens"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
WIDTHS = (360, 1280)
CATALOGUE_KEYS = sorted(json.loads((ROOT / "web" / "src" / "locales" / "fr.json").read_text(encoding="utf-8")))


@dataclass
class PageWatch:
    """What a page reported while it ran: Content-Security-Policy violations and uncaught errors."""

    csp_violations: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)

    def attach(self, page: Page) -> None:
        """Listen to the page's console and errors."""
        def on_console(message: Any) -> None:
            self.console.append(f"{message.type}: {message.text}")
            if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
                self.csp_violations.append(message.text)
        page.on("console", on_console)
        page.on("pageerror", lambda error: self.errors.append(str(error)))
        page.on("requestfailed", lambda request: self.console.append(f"failed: {request.method} {request.url}"))


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Serious and critical axe-core violations of the page as it is now.

    axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the check
    runs under the same strict policy as users get."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        await page.evaluate(AXE.read_text(encoding="utf-8"))
    result = await page.evaluate("""async () => {
        const r = await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] });
        return r.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }));
    }""")
    return [v for v in result if v["impact"] in ("serious", "critical")]


async def horizontal_overflow(page: Page) -> int:
    """How many pixels the page is wider than the viewport (0 when it fits)."""
    return int(await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth"))


async def check_screen(page: Page, name: str) -> None:
    """Screenshots at 360 px and 1280 px; axe-core clean, no horizontal scrolling at 360 px, no raw catalogue key."""
    SCREENS.mkdir(parents=True, exist_ok=True)
    original = page.viewport_size or {"width": 360, "height": 780}
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": original["height"]})
        await page.wait_for_timeout(100)
        await page.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
        if width == 360:
            assert await horizontal_overflow(page) <= 0, f"{name} overflows at 360 px"
            violations = await axe_violations(page)
            assert not violations, f"{name}: axe-core violations\n{json.dumps(violations, indent=1)}"
            text = await page.inner_text("body")
            assert not [key for key in CATALOGUE_KEYS if key in text], f"{name} shows a message key"
    await page.set_viewport_size(original)


async def device_storage_text(page: Page, *, caches: bool = True) -> str:
    """What the app keeps on the device, as text: IndexedDB (bytes decoded), Web Storage and, unless told
    otherwise, Cache Storage (the shell's code itself names "iterations" or "sealed": leave it out to look
    for the vault's own records)."""
    return str(await page.evaluate("""async (withCaches) => {
        const out = [];
        const decode = (v) => {
            if (v instanceof ArrayBuffer) return new TextDecoder('latin1').decode(v);
            if (ArrayBuffer.isView(v)) return new TextDecoder('latin1').decode(v.buffer);
            if (Array.isArray(v)) return v.map(decode);
            if (v && typeof v === 'object') {
                return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, decode(x)]));
            }
            return v;
        };
        for (const info of await indexedDB.databases()) {
            const db = await new Promise((ok, ko) => {
                const r = indexedDB.open(info.name);
                r.onsuccess = () => ok(r.result);
                r.onerror = () => ko(r.error);
            });
            for (const name of db.objectStoreNames) {
                const all = await new Promise((ok) => { const r = db.transaction(name).objectStore(name).getAll();
                    r.onsuccess = () => ok(r.result); });
                out.push(JSON.stringify(decode(all)));
            }
            db.close();
        }
        for (const name of withCaches ? await caches.keys() : []) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) out.push(request.url, await (await cache.match(request)).text());
        }
        out.push(JSON.stringify({ ...localStorage }), JSON.stringify({ ...sessionStorage }));
        return out.join('\\n');
    }""", caches))
