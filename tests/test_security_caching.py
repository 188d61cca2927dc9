"""Answers that carry decrypted identities, data keys or secrets must never be cached.

Browsers keep cacheable answers on disk (a **lost laptop** then holds victims' names), and shared
proxies may keep them for other users. Every answer below must say `Cache-Control: no-store`.
"""

from __future__ import annotations

from typing import Any

import pytest
import security_seed
from servicekit.testing import eventually_sync

pytestmark = pytest.mark.integration


def assert_not_stored(response: Any) -> None:
    assert response.status_code in (200, 201), f"{response.request.url.path}: {response.status_code} {response.text}"
    directives = {d.strip().lower() for d in response.headers.get("cache-control", "").split(",")}
    assert "no-store" in directives, f"{response.request.method} {response.request.url.path} is cacheable: " \
                                     f"Cache-Control={response.headers.get('cache-control')!r}"


@pytest.fixture(scope="module")
def victim(security_system) -> dict[str, str]:
    """A consenting victim, referred, with a case whose assigned lawyer (lawyer-cache) may read her name."""
    return security_seed.victim_with_case(
        security_system, tag="cache", identity={"name": "Nom Confidentiel", "phone": "+223 70 00 00 07"},
        consent={"legal_support": True, "notifications": {"granted": True, "channel": "sms"}})


def test_key_release_is_not_stored(security_system, victim):
    token = security_system.token("", org=None, sub="svc-notify", scopes=("pii:decrypt",), service=True)
    with security_system.client("intake", "monitor") as client:
        response = client.post(f"/internal/keys/{victim['victim_id']}/release", json={"purpose": "notifications"},
                               headers={"Authorization": f"Bearer {token}"})
    assert_not_stored(response)


def test_the_victims_name_revealed_to_her_lawyer_is_not_stored(security_system, victim):
    with security_system.client("casework", "lawyer", org="org-legal", sub="lawyer-cache") as lawyer:
        path = f"/cases/{victim['case_id']}/victims/{victim['victim_id']}/name"
        assert_not_stored(eventually_sync(lambda: (r := lawyer.get(path)).status_code == 200 and r, "the name"))


def test_lawyers_notes_are_not_stored(security_system, victim):
    with security_system.client("casework", "lawyer", org="org-legal", sub="lawyer-cache") as lawyer:
        assert lawyer.post(f"/cases/{victim['case_id']}/notes", json={"text": "privileged"}).status_code == 201
        assert_not_stored(lawyer.get(f"/cases/{victim['case_id']}/notes"))


def test_a_new_calendar_feed_secret_is_not_stored(security_system):
    with security_system.client("casework", "lawyer", org="org-legal", sub="lawyer-cache") as lawyer:
        assert_not_stored(lawyer.post("/calendar/feeds"))


def test_a_victims_decrypted_identity_is_not_stored(security_system, victim):
    with security_system.client("intake", "monitor", org="org-amdh", sub="monitor-cache") as monitor:
        assert_not_stored(monitor.get(f"/victims/{victim['victim_id']}"))
