"""Releasing a victim's data key to a service for a consented purpose, and rotating the KEK.

Contract (servicekit.keyclient): a service token with scope `pii:decrypt`; the subject decides which
purposes it may ask for; the victim's current consent must cover the purpose. Every release and
every refusal is audited.
"""

from __future__ import annotations

from servicekit.errors import DomainError, Forbidden, NotFound

from ..bootstrap import Deps
from ..config import KeyPurpose
from ..domain.errors import Gone
from ..domain.victim import VICTIM, Victim
from ..keyring import RotationReport
from .common import Caller, audit


def consent_covers(victim: Victim, purpose: KeyPurpose) -> bool:
    """Notifications need notifications consent; legal support needs legal-support consent."""
    if purpose == "notifications":
        return victim.consent.notifications.granted
    return victim.consent.legal_support


async def release_key(deps: Deps, caller: Caller, victim_id: str, purpose: KeyPurpose) -> bytes:
    """The victim's data key, if the caller may have it for this purpose right now."""
    try:
        data_key = await _releasable_key(deps, caller, victim_id, purpose)
    except DomainError as refusal:
        await audit(deps, caller, "key.refused", "victim", victim_id, allowed=False, purpose=purpose,
                    reason=refusal.code)
        raise
    await audit(deps, caller, "key.released", "victim", victim_id, allowed=True, purpose=purpose)
    return data_key


async def _releasable_key(deps: Deps, caller: Caller, victim_id: str, purpose: KeyPurpose) -> bytes:
    # The caller's identity is checked before the victim is even looked up: refusals reveal nothing.
    if not caller.is_service or purpose not in deps.settings.key_release_purposes.get(caller.subject, []):
        raise Forbidden("key_purpose_not_allowed")
    victim = (await deps.store.load(VICTIM, victim_id)).state
    if victim is None:
        raise NotFound("victim_not_found")
    if victim.erased:
        raise Gone("victim_erased")
    if not consent_covers(victim, purpose):
        raise Forbidden("consent_missing_for_purpose")
    data_key = await deps.keyring.data_key(victim_id)
    if data_key is None:  # shredded by an erasure that has not committed yet
        raise Gone("victim_key_destroyed")
    return data_key


async def rotate_kek(deps: Deps, caller: Caller) -> RotationReport:
    """Re-wrap every data key under the current KEK; audited as one administrative action."""
    report = await deps.keyring.rotate()
    await audit(deps, caller, "keys.rotated", "keyring", "victim_keys", allowed=True,
                reason=f"rewrapped {report.rewrapped}, failed {report.failed}")
    return report
