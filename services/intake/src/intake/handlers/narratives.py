"""An incident's narrative and sources' accounts: sealed before anything is committed, every read audited."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Literal

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import audit
from servicekit.errors import InvalidInput, NotFound
from servicekit.eventstore import Committed

from ..bootstrap import Deps
from ..domain import narrative_rules
from ..domain.access import sees_victim
from ..domain.incident import INCIDENT, AccountDigest, Incident, IncidentNarrativeRecorded, NarrativeErasureReason
from ..domain.narrative_rules import NarrativeInput, SourceAccountInput
from ..domain.victim import VICTIM
from ..narratives import NARRATIVE, account_field, seal
from . import viewer

TextStatus = Literal["readable", "erased", "unavailable"]


@dataclass(frozen=True)
class AccountView:
    """One source's account as a cleared reader sees it."""

    source: int
    given_by_victim: str | None
    text: str | None
    status: TextStatus


@dataclass(frozen=True)
class NarrativeView:
    """The incident's texts, decrypted for a cleared reader."""

    incident_id: str
    narrative: str | None
    narrative_status: TextStatus | Literal["none"]
    source_accounts: list[AccountView]
    erased_at: str | None


async def seal_texts(deps: Deps, caller: Caller, incident_id: str, texts: NarrativeInput, source_count: int,
                     current: Incident | None = None) -> IncidentNarrativeRecorded:
    """Encrypt and store every new text (nothing is committed yet); a text unchanged since `current` keeps its
    ciphertext. Returns the event that attests them by digest."""
    narrative_rules.check_accounts(texts.source_accounts, source_count)
    victim_keys = {a.given_by_victim: await _victim_key(deps, caller, i, a)
                   for i, a in enumerate(texts.source_accounts) if a.given_by_victim}
    incident_key = None
    if texts.narrative is not None or any(a.given_by_victim is None for a in texts.source_accounts):
        incident_key = await deps.incident_keys.create_or_get(incident_id)
    narrative_sha256 = None
    if texts.narrative is not None and incident_key is not None:
        kept = current.narrative_sha256 if current else None
        narrative_sha256 = await _sealed(deps, incident_key, incident_id, NARRATIVE, texts.narrative, kept)
    previous = {(d.source, d.given_by_victim): d.sha256 for d in (current.source_accounts if current else [])}
    accounts = []
    for account in texts.source_accounts:
        key = victim_keys[account.given_by_victim] if account.given_by_victim else incident_key
        assert key is not None
        digest = await _sealed(deps, key, incident_id, account_field(account.source), account.text,
                               previous.get((account.source, account.given_by_victim)))
        accounts.append(AccountDigest(source=account.source, sha256=digest, given_by_victim=account.given_by_victim))
    return IncidentNarrativeRecorded(narrative_sha256=narrative_sha256, accounts=accounts)


async def _sealed(deps: Deps, key: bytes, incident_id: str, field: str, text: str, kept: str | None) -> str:
    """The digest of the text's ciphertext: the one kept when it still holds this very text, else a new one."""
    if kept is not None and await deps.texts.open(key, incident_id, field, kept) == text:
        return kept
    sealed = seal(key, incident_id, field, text)
    await deps.texts.save(incident_id, sealed)
    return sealed.digest


async def _victim_key(deps: Deps, caller: Caller, index: int, account: SourceAccountInput) -> bytes:
    assert account.given_by_victim is not None
    victim = (await deps.store.load(VICTIM, account.given_by_victim)).state
    key = None
    if victim is not None and not victim.erased and sees_victim(viewer(caller), victim.organisation,
                                                                victim.consent.sharing):
        key = await deps.keyring.data_key(account.given_by_victim)
    if key is None:
        raise InvalidInput("victim_not_found", field=f"source_accounts.{index}.given_by_victim")
    return key


async def write_narrative(deps: Deps, caller: Caller, incident_id: str, texts: NarrativeInput,
                          request_key: RequestKey | None) -> Committed[Incident]:
    """Replace the incident's narrative and accounts (a new version when anything changed)."""
    incident = narrative_rules.readable((await deps.store.load(INCIDENT, incident_id)).state, viewer(caller))
    recorded = await seal_texts(deps, caller, incident_id, texts, len(incident.sources), current=incident)
    decide = partial(narrative_rules.record, viewer=viewer(caller), narrative_sha256=recorded.narrative_sha256,
                     accounts=list(recorded.accounts))
    committed = await deps.store.execute(INCIDENT, incident_id, decide, context=caller.context,
                                         idempotency_key=command_key(request_key, f"narrative:{incident_id}"))
    await audit(deps.core.audit, caller, "incident.narrative_written", "incident", incident_id, allowed=True,
                owner=incident.organisation)
    return committed


async def read_narrative(deps: Deps, caller: Caller, incident_id: str) -> NarrativeView:
    """The texts of an incident for a reader cleared for its confidentiality; audited, allowed or not."""
    state = (await deps.store.load(INCIDENT, incident_id)).state
    try:
        incident = narrative_rules.readable(state, viewer(caller))
    except NotFound:
        await audit(deps.core.audit, caller, "incident.narrative_read", "incident", incident_id, allowed=False,
                    reason="not cleared", owner=state.organisation if state else None)
        raise
    key = await deps.incident_keys.data_key(incident_id)
    narrative = None
    if incident.narrative_sha256 is not None:
        narrative = await deps.texts.open(key, incident_id, NARRATIVE, incident.narrative_sha256)
    accounts = [await _account(deps, incident_id, key, digest) for digest in incident.source_accounts]
    await audit(deps.core.audit, caller, "incident.narrative_read", "incident", incident_id, allowed=True,
                purpose="incident file", owner=incident.organisation)
    return NarrativeView(
        incident_id=incident_id, narrative=narrative,
        narrative_status="none" if incident.narrative_sha256 is None else _status(narrative, key),
        source_accounts=accounts,
        erased_at=incident.narrative_erased_at.isoformat() if incident.narrative_erased_at else None)


async def _account(deps: Deps, incident_id: str, incident_key: bytes | None, digest: AccountDigest) -> AccountView:
    key = await deps.keyring.data_key(digest.given_by_victim) if digest.given_by_victim else incident_key
    text = await deps.texts.open(key, incident_id, account_field(digest.source), digest.sha256)
    return AccountView(source=digest.source, given_by_victim=digest.given_by_victim, text=text,
                       status=_status(text, key))


def _status(text: str | None, key: bytes | None) -> TextStatus:
    if text is not None:
        return "readable"
    return "erased" if key is None else "unavailable"


async def erase_narrative(deps: Deps, caller: Caller, incident_id: str, reason: NarrativeErasureReason,
                          request_key: RequestKey | None = None) -> Committed[Incident]:
    """Crypto-shred the incident's texts (key, then ciphertexts), then record it; a retry completes it."""
    incident = narrative_rules.readable((await deps.store.load(INCIDENT, incident_id)).state, viewer(caller))
    # The key goes first: if anything fails after this line, the texts are already unreadable.
    await deps.incident_keys.shred(incident_id)
    await deps.texts.shred(incident_id)
    decide = partial(narrative_rules.erase, viewer=viewer(caller), reason=reason, at=deps.core.clock())
    committed = await deps.store.execute(INCIDENT, incident_id, decide, context=caller.context,
                                         idempotency_key=command_key(request_key, f"narrative-erasure:{incident_id}"))
    await audit(deps.core.audit, caller, "incident.narrative_erased", "incident", incident_id, allowed=True,
                reason=reason,
                owner=incident.organisation)
    return committed
