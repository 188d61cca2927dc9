"""Incident requests and responses (XCreate / XUpdate / XPublic), listing rows and export rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from servicekit.api import Page

from ...domain.incident import EXTERNAL_REFERENCE, Incident, IncidentFacts
from ...domain.incident_facts import Act, Confidentiality, Coordinates, DatePrecision, Source
from ...domain.incident_rules import IncidentDraft
from ...domain.narrative_rules import MAX_ACCOUNTS, NarrativeInput, SourceAccountInput, Text


class IncidentCreate(IncidentDraft):
    """What a monitor sends to document an incident, with its narrative and sources' accounts if known."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"occurred_on": "2024-03-02",
         "region": "mopti",
         "violation_types": ["killings"],
         "sources": [{"kind": "victim_testimony", "reliability": "B"}]}
    ]})

    narrative: Text | None = Field(default=None, min_length=1, max_length=20_000,
                                   description="What happened, in the documenter's words: encrypted at rest under "
                                               "the incident's key, never in an event (GET .../narrative to read)")
    source_accounts: list[SourceAccountInput] = Field(default_factory=list, max_length=MAX_ACCOUNTS,
                                                      description="The sources' accounts (encrypted likewise)")

    def draft(self) -> IncidentDraft:
        """The facts part: what events carry."""
        return IncidentDraft.model_validate(self.model_dump(exclude={"narrative", "source_accounts"}))

    def texts(self) -> NarrativeInput:
        """The texts part: sealed by intake, attested in events by digest only."""
        return NarrativeInput(narrative=self.narrative, source_accounts=self.source_accounts)


class IncidentUpdate(BaseModel):
    """Corrections: only the fields sent change (`coordinates: null` removes the point)."""

    model_config = ConfigDict(extra="forbid")

    external_reference: str | None = Field(default=None, pattern=EXTERNAL_REFERENCE)
    occurred_on: date | None = None
    date_precision: DatePrecision | None = None
    occurred_until: date | None = None
    region: str | None = Field(default=None, min_length=1, max_length=64)
    cercle: str | None = Field(default=None, max_length=128)
    commune: str | None = Field(default=None, max_length=192)
    coordinates: Coordinates | None = None
    violation_types: list[str] | None = Field(default=None, max_length=40)
    perpetrator_categories: list[str] | None = Field(default=None, max_length=20)
    acts: list[Act] | None = Field(default=None, max_length=100)
    sources: list[Source] | None = Field(default=None, max_length=50)
    confidentiality: Confidentiality | None = None


class IncidentCreated(BaseModel):
    """The id of the documented incident."""

    id: str


class IncidentPublic(IncidentFacts):
    """An incident as its own organisation's documenters see it (with the exact point)."""

    id: str
    organisation: str
    verification_status: str
    version: int = Field(description="Number of changes so far")
    exact_coordinates: Coordinates | None = Field(default=None, description="The exact point (owners only)")
    has_narrative: bool = Field(default=False, description="A narrative or accounts are recorded "
                                                           "(GET /incidents/{id}/narrative, audited)")
    narrative_erased_at: datetime | None = Field(default=None, description="When its texts were last erased")

    @classmethod
    def of(cls, incident: Incident, exact: Coordinates | None, version: int) -> IncidentPublic:
        fields = incident.model_dump(include=set(cls.model_fields))
        has_narrative = incident.narrative_sha256 is not None or bool(incident.source_accounts)
        return cls(**{**fields, "exact_coordinates": exact, "version": version, "has_narrative": has_narrative})


class IncidentSummary(BaseModel):
    """A listing row: enough to find an incident, nothing more."""

    id: str
    external_reference: str | None
    occurred_on: date
    date_precision: DatePrecision
    occurred_until: date | None
    region: str
    cercle: str | None
    commune: str | None
    violation_types: list[str]
    perpetrator_categories: list[str]
    verification_status: str
    confidentiality: Confidentiality
    victim_count: int

    @classmethod
    def of(cls, incident: Incident) -> IncidentSummary:
        return cls(victim_count=len(incident.victim_ids()), **incident.model_dump(include=set(cls.model_fields)))


class VerificationChange(BaseModel):
    """A step of the verification workflow, with the reason for it."""

    model_config = ConfigDict(extra="forbid")

    status: str = Field(min_length=1, max_length=40, description="New status (GET /vocabularies/verification_statuses)")
    reason: str = Field(min_length=3, max_length=500, description="Why (institutional wording, no personal data)")


class CommitPublic(BaseModel):
    """One commit of an aggregate's history: who, when, what, and its place in the hash chain."""

    version: int
    committed_at: str
    actor: str
    events: list[dict[str, Any]]
    hash: str
    prev_hash: str

    @classmethod
    def of(cls, commit: dict[str, Any]) -> CommitPublic:
        events = [{"type": event["type"], "data": event["data"]} for event in commit["events"]]
        return cls(version=commit["version"], committed_at=commit["committed_at"], actor=commit["actor"],
                   events=events, hash=commit["hash"], prev_hash=commit["prev_hash"])


class ExportRow(BaseModel):
    """Non-identifying facts of one incident: no victim ids, no sources, the point coarsened."""

    id: str
    organisation: str
    occurred_on: date
    date_precision: DatePrecision
    occurred_until: date | None
    region: str
    cercle: str | None
    commune: str | None
    latitude: float | None = Field(description="Coarsened to 0.1 degree")
    longitude: float | None = Field(description="Coarsened to 0.1 degree")
    violation_types: list[str]
    perpetrator_categories: list[str]
    verification_status: str
    victim_count: int
    source_count: int

    @classmethod
    def of(cls, incident: Incident) -> ExportRow:
        point = incident.coordinates
        return cls(latitude=point.lat if point else None, longitude=point.lon if point else None,
                   victim_count=len(incident.victim_ids()), source_count=len(incident.sources),
                   **incident.model_dump(include=set(cls.model_fields) - {"latitude", "longitude"}))


class IncidentPage(Page[IncidentSummary]):
    """One page of incidents: the kit's page, with `next_cursor` required as intake's published contract has it."""

    next_cursor: str | None = Field(description="Pass as `cursor` for the next page; null on the last page")
