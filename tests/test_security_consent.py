"""Withdrawing consent propagates by event: a key cached by a service stops serving at once.

Casework caches a victim's data key in memory for up to five minutes once her lawyer has read her
name. When she withdraws consent to legal support, intake refuses the key from then on, and the
`intake.victim.consent_changed.v1` event must make casework drop what it cached, well before the
cache would expire on its own.
"""

from __future__ import annotations

import httpx
import pytest
import security_seed
from servicekit.testing import eventually_sync

pytestmark = pytest.mark.integration
NAME = "Fanta Consentement"


def test_withdrawing_legal_support_consent_stops_the_lawyers_access_to_the_name(security_system):
    consent = {"legal_support": True, "notifications": {"granted": False}}
    ids = security_seed.victim_with_case(security_system, tag="consent", identity={"name": NAME}, consent=consent)
    path = f"/cases/{ids['case_id']}/victims/{ids['victim_id']}/name"
    with security_system.client("casework", "lawyer", org="org-legal", sub="lawyer-consent") as lawyer:
        revealed = eventually_sync(lambda: (r := lawyer.get(path)).status_code == 200 and r, "the name (control)")
        assert revealed.json()["name"] == NAME  # casework now holds her key in memory

        with security_system.client("intake", "monitor", org="org-amdh", sub="monitor-consent") as monitor:
            changed = monitor.put(f"/victims/{ids['victim_id']}/consent", json={**consent, "legal_support": False})
            assert changed.status_code == 200, changed.text

        token = security_system.token("", org=None, sub="svc-casework", scopes=("pii:decrypt",), service=True)
        release = httpx.post(f"{security_system.url('intake')}/internal/keys/{ids['victim_id']}/release",
                             json={"purpose": "legal_support", "organisation": "org-legal"},
                             headers={"Authorization": f"Bearer {token}"},
                             timeout=10.0)
        assert release.status_code == 403, release.text  # the custodian refuses at once

        # Far less than the cache's five minutes: the event, not the expiry, must end the access.
        refused = eventually_sync(lambda: (r := lawyer.get(path)).status_code != 200 and r,
                             "casework to drop the key after the consent change", timeout=60.0)
        assert refused.status_code in (403, 404, 410) and NAME not in refused.text
