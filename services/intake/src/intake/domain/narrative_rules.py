"""Rules on an incident's narrative and its sources' accounts: who may write, read and erase them (no I/O).

The texts can identify people, so they are readable with the same clearance as the incident itself
(its organisation's documenters; confidential incidents: its documentation officers only), every read
audited. Erasure rules (see docs/security.md):
- an officer erases the narrative: the incident's key is shredded, so the narrative and every account
  sealed under it become unreadable everywhere; the facts and the digests in the history stay;
- a victim's erasure erases the accounts she gave (sealed under her own key), and nothing else: the
  narrative is the organisation's account of a crime that concerns others too; an officer erases it
  when it identifies her.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, StringConstraints
from servicekit.domain import DomainEvent
from servicekit.errors import InvalidInput, NotFound

from .access import Viewer, sees_incident
from .incident import (
    AccountDigest,
    Incident,
    IncidentNarrativeErased,
    IncidentNarrativeRecorded,
    NarrativeErasureReason,
)
from .incident_facts import Frozen, PseudonymousId

# No control characters but newlines and tabs; accents, apostrophes and Bambara letters are kept as given.
Text = Annotated[str, StringConstraints(pattern=r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$")]
MAX_ACCOUNTS = 50


class SourceAccountInput(Frozen):
    """What one source said, in its own words (encrypted at rest, never in an event)."""

    source: int = Field(ge=0, lt=MAX_ACCOUNTS, description="Position of the source in the incident's sources")
    text: Text = Field(min_length=1, max_length=10_000, description="The source's account")
    given_by_victim: PseudonymousId | None = Field(
        default=None, description="The registered victim who gave this account, if any: it is then sealed under "
                                  "her own key and erased with her")


class NarrativeInput(Frozen):
    """The incident's narrative and its sources' accounts; replaces what was there."""

    narrative: Text | None = Field(default=None, min_length=1, max_length=20_000,
                                   description="What happened, in the documenter's words (encrypted at rest)")
    source_accounts: list[SourceAccountInput] = Field(default_factory=list, max_length=MAX_ACCOUNTS,
                                                      description="The sources' accounts, one per source at most")

    @property
    def empty(self) -> bool:
        return self.narrative is None and not self.source_accounts


def check_accounts(accounts: list[SourceAccountInput], source_count: int) -> None:
    """Each account names an existing source, once."""
    seen: set[int] = set()
    for index, account in enumerate(accounts):
        if account.source >= source_count:
            raise InvalidInput("source_not_found", field=f"source_accounts.{index}.source")
        if account.source in seen:
            raise InvalidInput("source_account_duplicate", field=f"source_accounts.{index}.source")
        seen.add(account.source)


def readable(state: Incident | None, viewer: Viewer) -> Incident:
    """The incident, if the viewer is cleared for its confidentiality (404 otherwise)."""
    if state is None or not sees_incident(viewer, state.organisation, state.confidentiality):
        raise NotFound("incident_not_found")
    return state


def record(state: Incident | None, *, viewer: Viewer, narrative_sha256: str | None,
           accounts: list[AccountDigest]) -> list[DomainEvent]:
    """Record new texts (by their digests); nothing when they are the same."""
    incident = readable(state, viewer)
    if narrative_sha256 == incident.narrative_sha256 and accounts == incident.source_accounts:
        return []
    return [IncidentNarrativeRecorded(narrative_sha256=narrative_sha256, accounts=accounts)]


def erase(state: Incident | None, *, viewer: Viewer, reason: NarrativeErasureReason,
          at: datetime) -> list[DomainEvent]:
    """Record the erasure (the caller shreds key and ciphertexts first); erasing nothing changes nothing."""
    incident = readable(state, viewer)
    if incident.narrative_sha256 is None and not incident.source_accounts:
        return []
    return [IncidentNarrativeErased(reason=reason, erased_at=at)]
