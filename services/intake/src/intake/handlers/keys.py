"""Releasing a victim's data key to a service for a consented purpose, and rotating the KEK.

Contract (servicekit.keyclient): a service token with scope `pii:decrypt`; the subject decides which
purposes it may ask for; the victim's current consent must cover the purpose, and for legal support
the organisation the key is released to act for must be a legal-aid organisation the victim consented
to share with. Every release and every refusal is audited.
"""

from __future__ import annotations

from servicekit.api import Caller
from servicekit.commands import audit
from servicekit.errors import DomainError, Forbidden, NotFound
from servicekit.organisations import is_legal_aid

from ..bootstrap import Deps
from ..config import KeyPurpose
from ..domain.errors import Gone
from ..domain.victim import VICTIM, Victim
from ..keyring import RotationReport


def consent_covers(victim: Victim, purpose: KeyPurpose) -> bool:
    """Notifications need notifications consent; legal support needs legal-support consent."""
    if purpose == "notifications":
        return victim.consent.notifications.granted
    return victim.consent.legal_support


def shares_with(victim: Victim, organisation: str | None) -> bool:
    """Legal support is given by a legal-aid organisation the victim consented to share her file with."""
    return organisation is not None and is_legal_aid(organisation) and organisation in victim.consent.sharing


async def release_key(deps: Deps, caller: Caller, victim_id: str, purpose: KeyPurpose,
                      organisation: str | None = None) -> bytes:
    """The victim's data key, if the caller may have it for this purpose (and organisation) right now."""
    acting_for = f"for {organisation}" if organisation else None
    victim: Victim | None = None
    try:
        _check_caller(deps, caller, purpose, organisation)  # before the victim is even looked up: reveals nothing
        victim = (await deps.store.load(VICTIM, victim_id)).state
        data_key = await _releasable_key(deps, victim, victim_id, purpose, organisation)
    except DomainError as refusal:
        await audit(deps.core.audit, caller, "key.refused", "victim", victim_id, allowed=False, purpose=purpose,
                    reason=f"{refusal.code} {acting_for or ''}".strip()[:200],
                    owner=victim.organisation if victim else None)
        raise
    await audit(deps.core.audit, caller, "key.released", "victim", victim_id, allowed=True, purpose=purpose,
                reason=acting_for,
                owner=victim.organisation if victim else None)
    return data_key


def _check_caller(deps: Deps, caller: Caller, purpose: KeyPurpose, organisation: str | None) -> None:
    if not caller.is_service or purpose not in deps.settings.key_release_purposes.get(caller.subject, []):
        raise Forbidden("key_purpose_not_allowed")
    if purpose == "legal_support" and organisation is None:
        raise Forbidden("key_organisation_required", field="organisation")


async def _releasable_key(deps: Deps, victim: Victim | None, victim_id: str, purpose: KeyPurpose,
                          organisation: str | None) -> bytes:
    if victim is None:
        raise NotFound("victim_not_found")
    if victim.erased:
        raise Gone("victim_erased")
    if not consent_covers(victim, purpose):
        raise Forbidden("consent_missing_for_purpose")
    if purpose == "legal_support" and not shares_with(victim, organisation):
        raise Forbidden("sharing_consent_missing", field="organisation")
    data_key = await deps.keyring.data_key(victim_id)
    if data_key is None:  # shredded by an erasure that has not committed yet
        raise Gone("victim_key_destroyed")
    return data_key


async def rotate_kek(deps: Deps, caller: Caller) -> RotationReport:
    """Re-wrap every data key (victims' and incidents') under the current KEK; audited as one administrative
    action."""
    report = await deps.keyring.rotate() + await deps.incident_keys.rotate()
    await audit(deps.core.audit, caller, "keys.rotated", "keyring", "victim_keys", allowed=True,
                reason=f"rewrapped {report.rewrapped}, failed {report.failed}")
    return report
