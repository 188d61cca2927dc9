"""Steps the browser journeys share: signing in through the provider's own page, the vault, the queue."""

from __future__ import annotations

import struct
import zlib

from playwright.async_api import Locator, Page
from servicekit.testing import header, read_topic

PASSWORD = "redress-demo"  # the demo users' password (demo realm only)
PASSPHRASE = "sable rouge de Tombouctou"


async def sign_in(page: Page, origin: str, username: str) -> None:
    """From the app's home: the provider's real login page, then back to the app, signed in."""
    await page.goto(origin)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(lambda url: not url.startswith(origin))
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("#kc-login").click()
    await page.wait_for_url(lambda url: url.startswith(origin) and "/auth/callback" not in url)
    await page.get_by_role("heading", name=f"Bonjour {username}").wait_for()


async def sign_in_again(page: Page, origin: str) -> None:
    """The provider still knows the browser: the sign-in comes straight back without the form."""
    await page.goto(origin)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(lambda url: url.startswith(origin) and "/auth/callback" not in url)
    await page.get_by_role("heading", name="Bonjour").first.wait_for()


async def create_vault(page: Page) -> None:
    """First use: the monitor sets the device passphrase."""
    await page.get_by_label("Phrase secrète", exact=True).fill(PASSPHRASE)
    await page.get_by_label("Confirmer la phrase secrète").fill(PASSPHRASE)
    await page.get_by_role("button", name="Protéger l'appareil").click()


async def unlock(page: Page) -> None:
    """After a restart: the passphrase opens the queue."""
    await page.get_by_role("heading", name="Déverrouiller la file d'attente").wait_for()
    await page.get_by_label("Phrase secrète").fill(PASSPHRASE)
    await page.get_by_role("button", name="Déverrouiller").click()


async def wait_vocabularies(page: Page) -> None:
    """The forms' lists are filled (from the service, or from the device's copy)."""
    await page.wait_for_function("() => !!document.querySelector('select option[value=\"mopti\"]')")


async def wait_vocabularies_cached(page: Page) -> None:
    """Every intake vocabulary is on the device, so the forms work offline."""
    await page.wait_for_function("""async () => {
        const db = await new Promise((ok) => {
            const r = indexedDB.open('redress-device');
            r.onsuccess = () => ok(r.result);
        });
        const n = await new Promise((ok) => { const r = db.transaction('vocab').objectStore('vocab').count();
            r.onsuccess = () => ok(r.result); });
        db.close();
        return n >= 8;
    }""", polling=250)


def png(seed: str) -> bytes:
    """A small valid PNG whose bytes depend on seed (intake checks the magic bytes)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes((i * 7 + len(seed) + x) % 256 for x in range(24)) for i in range(8))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 8, 8, 8, 0, 0, 0, 0))
            + chunk(b"tEXt", b"seed\x00" + seed.encode()) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


async def events_about(bootstrap: str, topic: str, subject: str) -> list[str]:
    """The types of the events published on a topic about one aggregate, in order."""
    records = await read_topic(bootstrap, topic, timeout=15, idle=2.0)
    return [header(r, "ce_type") or "" for r in records if header(r, "ce_subject") == subject]


def once_each(types: list[str]) -> bool:
    """Every event of the aggregate was published once: nothing doubled by a retry or a correction."""
    return len(types) == len(set(types))


async def synced_ids(page: Page, kind: str) -> list[str]:
    """The service ids the queue screen shows for its synced items of one kind."""
    items = page.locator(f"li.queue-item[data-kind='{kind}'][data-state='done']")
    return [str(await items.nth(i).get_attribute("data-server-id")) for i in range(await items.count())]


async def sign_in_at(page: Page, origin: str, path: str, username: str) -> None:
    """Opening a link into the app signed out: the provider's login page, then straight to that screen."""
    await page.goto(origin + path)
    await page.get_by_role("button", name="Se connecter").click()
    await page.wait_for_url(lambda url: not url.startswith(origin))
    await page.locator("#username").fill(username)
    await page.locator("#password").fill(PASSWORD)
    await page.locator("#kc-login").click()
    await page.wait_for_url(lambda url: url.startswith(origin + path))


async def audit_entry(page: Page, service: str, victim_id: str, action: str) -> Locator:
    """From anywhere in the app: the administrator's audit screen filtered on one service and one victim,
    and the entry of `action` about her, once shown."""
    await page.get_by_role("link", name="Journal d'audit").first.click()
    filters = page.get_by_role("form", name="Filtres du journal")
    await filters.get_by_label("Service").select_option(service)
    await filters.get_by_label("Victime").fill(victim_id)
    await filters.get_by_role("button", name="Rechercher").click()
    entry = page.locator(f"[data-testid='audit-entry'][data-action='{action}'][data-resource-id='{victim_id}']")
    await entry.wait_for()
    return entry
