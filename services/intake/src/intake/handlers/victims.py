"""Victim commands and reads: identity sealed under the victim's key, every access audited."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from pymongo.errors import DuplicateKeyError
from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import audit
from servicekit.errors import InvalidInput, NotFound
from servicekit.eventstore import Committed
from servicekit.ids import new_id
from servicekit.phones import InvalidPhone, to_e164

from ..bootstrap import Deps
from ..domain import victim_rules
from ..domain.access import manages_victim, sees_victim
from ..domain.consent import Consent
from ..domain.errors import Gone
from ..domain.victim import VICTIM, ErasureReason, Need, Urgency, Victim
from ..domain.victim_rules import Profile, SealedContacts
from ..identities import VictimIdentity, open_identity, seal_identity
from . import viewer
from .incidents import visible_incident


@dataclass(frozen=True)
class VictimFile:
    """A victim as an authorised reader sees it: state plus decrypted identity."""

    victim: Victim
    identity: VictimIdentity


async def register_victim(deps: Deps, caller: Caller, profile: Profile, identity: VictimIdentity, consent: Consent,
                          request_key: RequestKey | None) -> Committed[Victim]:
    """Register a victim: key first, then the sealed identity, then the commit (a retry reuses all three)."""
    assert caller.organisation is not None
    identity = with_e164_phone(identity, deps.settings.default_country_code)
    victim_id = request_key.aggregate_id("victim") if request_key else new_id()
    # Every rule passes before a key or a ciphertext is written.
    victim_rules.check_registration(profile, consent, has_phone=identity.phone is not None,
                                    has_email=identity.email is not None)
    contacts = await _sealed_contacts(deps, victim_id, identity)
    decide = partial(victim_rules.register, victim_id=victim_id, organisation=caller.organisation, profile=profile,
                     contacts=contacts, consent=consent)
    committed = await deps.store.execute(VICTIM, victim_id, decide, context=caller.context,
                                         idempotency_key=command_key(request_key, "victim"), creates=True)
    await audit(deps.core.audit, caller, "victim.registered", "victim", victim_id, allowed=True,
                owner=caller.organisation)
    return committed


async def _sealed_contacts(deps: Deps, victim_id: str, identity: VictimIdentity) -> SealedContacts:
    """Create the victim's key and store her sealed identity: two inserts for a new victim.

    The key's insert tells a new victim from a retried registration without reading first; a retry
    whose first attempt died before its commit seals again under the key it left.
    """
    data_key = await deps.keyring.create(victim_id)
    if data_key is None:
        if (await deps.store.load(VICTIM, victim_id)).state is not None:
            return SealedContacts(phone=None, email=None)  # the store answers a retry or refuses a reused key
        data_key = await deps.keyring.create_or_get(victim_id)
    sealed = seal_identity(data_key, victim_id, identity)
    try:
        await deps.identities.insert(victim_id, sealed)
    except DuplicateKeyError:
        await deps.identities.save(victim_id, sealed)  # the same retry: replace what it sealed
    return SealedContacts(phone=sealed.get("phone"), email=sealed.get("email"))


def with_e164_phone(identity: VictimIdentity, default_country_code: str) -> VictimIdentity:
    """The identity with its phone in E.164, the only form SMS providers route; 422 when it cannot be one."""
    if identity.phone is None:
        return identity
    try:
        return identity.model_copy(update={"phone": to_e164(identity.phone, default_country_code)})
    except InvalidPhone:
        raise InvalidInput("phone_not_routable", field="identity.phone") from None


async def read_victim(deps: Deps, caller: Caller, victim_id: str) -> VictimFile:
    """The victim with decrypted identity, for its organisation or one it consented to share with; audited."""
    state = (await deps.store.load(VICTIM, victim_id)).state
    if state is None or not sees_victim(viewer(caller), state.organisation, state.consent.sharing):
        await audit(deps.core.audit, caller, "victim.read", "victim", victim_id, allowed=False, reason="not visible",
                    owner=state.organisation if state else None)
        raise NotFound("victim_not_found")
    data_key = None if state.erased else await deps.keyring.data_key(victim_id)
    if data_key is None:
        await audit(deps.core.audit, caller, "victim.read", "victim", victim_id, allowed=False, reason="erased",
                    owner=state.organisation)
        raise Gone("victim_erased")
    identity = open_identity(data_key, victim_id, await deps.identities.sealed(victim_id))
    await audit(deps.core.audit, caller, "victim.read", "victim", victim_id, allowed=True, purpose="case file",
                owner=state.organisation)
    return VictimFile(victim=state, identity=identity)


async def change_consent(deps: Deps, caller: Caller, victim_id: str, consent: Consent,
                         request_key: RequestKey | None) -> Committed[Victim]:
    """Record the victim's new consent as the next version."""
    decide = partial(victim_rules.change_consent, viewer=viewer(caller), consent=consent)
    committed = await deps.store.execute(VICTIM, victim_id, decide, context=caller.context,
                                         idempotency_key=command_key(request_key, f"consent:{victim_id}"))
    await audit(deps.core.audit, caller, "victim.consent_changed", "victim", victim_id, allowed=True,
                owner=caller.organisation)
    return committed


async def refer_victim(deps: Deps, caller: Caller, victim_id: str, *, needs: list[Need], urgency: Urgency,
                       incident_ids: list[str], receiving_organisation: str,
                       request_key: RequestKey | None) -> tuple[str, Committed[Victim]]:
    """Refer a consenting victim to a legal-aid organisation she agreed to share with; the name travels only as
    ciphertext."""
    if incident_ids:
        # Not found before any incident is looked up; without incidents, the decision itself checks it.
        victim_rules.managed((await deps.store.load(VICTIM, victim_id)).state, viewer(caller))
    for index, incident_id in enumerate(incident_ids):
        try:
            await visible_incident(deps, caller, incident_id)
        except NotFound:
            raise InvalidInput("incident_not_found", field=f"incident_ids.{index}") from None
    referral_id = request_key.aggregate_id(f"referral:{victim_id}") if request_key else new_id()
    name_ciphertext = (await deps.identities.sealed(victim_id)).get("name")
    decide = partial(victim_rules.refer, viewer=viewer(caller), referral_id=referral_id, needs=needs,
                     urgency=urgency, incident_ids=incident_ids, receiving_organisation=receiving_organisation,
                     name_ciphertext=name_ciphertext)
    committed = await deps.store.execute(VICTIM, victim_id, decide, context=caller.context,
                                         idempotency_key=command_key(request_key, f"referral:{victim_id}"))
    await audit(deps.core.audit, caller, "victim.referred", "victim", victim_id, allowed=True, purpose="legal_support",
                reason=f"to {receiving_organisation}", owner=caller.organisation)
    return referral_id, committed


async def erase_victim(deps: Deps, caller: Caller, victim_id: str, reason: ErasureReason,
                       request_key: RequestKey | None = None) -> Committed[Victim]:
    """Crypto-shred the victim (key, then ciphertexts), then record the erasure; a retry completes it."""
    state = (await deps.store.load(VICTIM, victim_id)).state
    if state is None or not manages_victim(viewer(caller), state.organisation):
        raise NotFound("victim_not_found")
    # The key goes first: if anything fails after this line, the data is already unreadable.
    await deps.keyring.shred(victim_id)
    await deps.identities.shred(victim_id)
    decide = partial(victim_rules.erase, viewer=viewer(caller), reason=reason, at=deps.core.clock())
    committed = await deps.store.execute(VICTIM, victim_id, decide, context=caller.context,
                                         idempotency_key=command_key(request_key, f"erasure:{victim_id}"))
    await audit(deps.core.audit, caller, "victim.erased", "victim", victim_id, allowed=True, reason=reason,
                owner=state.organisation)
    return committed

