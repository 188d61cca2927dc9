"""The one place intake's objects are wired together."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

from servicekit.auth import TokenVerifier
from servicekit.eventstore import EventStore
from servicekit.service import Core, build_core, token_verifier

from .config import Settings
from .domain.incident import INCIDENT
from .domain.victim import VICTIM
from .evidence_files import EvidenceFiles
from .identities import VictimIdentities
from .keyring import VictimKeyring
from .locations import IncidentLocations
from .narratives import IncidentTexts
from .projections import ImportJobs, ReferralAnswers
from .queries import IncidentQueries, ReferralQueries

log = logging.getLogger("intake.background")


@dataclass
class BackgroundTasks:
    """Work that outlives its request (CSV imports); kept referenced so it is not garbage-collected."""

    tasks: set[asyncio.Task[Any]] = field(default_factory=set)

    def spawn(self, work: Coroutine[Any, Any, Any], name: str) -> asyncio.Task[Any]:
        task = asyncio.create_task(work, name=name)
        self.tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self.tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.error("background task %s failed: %r", task.get_name(), type(task.exception()).__name__)

    async def drain(self) -> None:
        """Wait for every running task (tests and shutdown)."""
        while self.tasks:
            await asyncio.gather(*list(self.tasks), return_exceptions=True)


@dataclass(frozen=True)
class Deps:
    """Everything handlers and routes need."""

    core: Core
    verifier: TokenVerifier
    settings: Settings
    keyring: VictimKeyring
    incident_keys: VictimKeyring  # the same custody for incidents' keys (narratives and accounts)
    texts: IncidentTexts
    identities: VictimIdentities
    locations: IncidentLocations
    evidence_files: EvidenceFiles
    incidents: IncidentQueries
    referrals: ReferralQueries
    imports: ImportJobs
    background: BackgroundTasks
    answers: ReferralAnswers

    @property
    def store(self) -> EventStore:
        """The event store of intake's aggregates."""
        return self.core.store


def build_deps(settings: Settings) -> Deps:
    """Build intake's dependencies from its settings (loading the KEKs fails fast on a bad source)."""
    core = build_core(settings)
    db = core.db
    answers = ReferralAnswers(db["referral_answers"])
    return Deps(
        core=core,
        verifier=token_verifier(settings),
        settings=settings,
        keyring=VictimKeyring.from_sources(db["victim_keys"], settings.kek_source, settings.kek_previous_sources,
                                           core.clock),
        incident_keys=VictimKeyring.from_sources(db["incident_keys"], settings.kek_source,
                                                 settings.kek_previous_sources, core.clock),
        texts=IncidentTexts(db["incident_texts"]),
        identities=VictimIdentities(db["victim_identities"]),
        locations=IncidentLocations(db["incident_locations"]),
        evidence_files=EvidenceFiles(db["evidence_chunks"], settings.evidence_chunk_bytes),
        incidents=IncidentQueries(db[INCIDENT.collection]),
        referrals=ReferralQueries(db[VICTIM.collection], answers),
        imports=ImportJobs(db["import_jobs"], core.clock),
        background=BackgroundTasks(),
        answers=answers,
    )
