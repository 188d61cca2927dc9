"""Releasing a victim's data key to a service for a consented purpose, and rotating the KEK.

Contract (servicekit.keyclient): a service token with scope `pii:decrypt`; the subject decides which
purposes it may ask for; the victim's current consent must cover the purpose. Every release and
every refusal is audited.
"""

from __future__ import annotations

from servicekit.errors import Forbidden, NotFound

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
    allowed_purposes = deps.settings.key_release_purposes.get(caller.subject, [])
    state = (await deps.store.load(VICTIM, victim_id)).state
    refusal: Exception | None = None
    if not caller.is_service or purpose not in allowed_purposes:
        refusal = Forbidden("this service may not obtain keys for this purpose")
    elif state is None:
        refusal = NotFound("no such victim")
    elif state.erased:
        refusal = Gone("this victim's data was erased")
    elif not consent_covers(state, purpose):
        refusal = Forbidden("the victim has not consented to this purpose")
    data_key = None if refusal else await deps.keyring.data_key(victim_id)
    if refusal is None and data_key is None:
        refusal = Gone("this victim's key no longer exists")
    if refusal is not None or data_key is None:
        await audit(deps, caller, "key.refused", "victim", victim_id, allowed=False, purpose=purpose,
                    reason=str(refusal))
        raise refusal or Gone("this victim's key no longer exists")
    await audit(deps, caller, "key.released", "victim", victim_id, allowed=True, purpose=purpose)
    return data_key


async def rotate_kek(deps: Deps, caller: Caller) -> RotationReport:
    """Re-wrap every data key under the current KEK; audited as one administrative action."""
    report = await deps.keyring.rotate()
    await audit(deps, caller, "keys.rotated", "keyring", "victim_keys", allowed=True,
                reason=f"rewrapped {report.rewrapped}, failed {report.failed}")
    return report
