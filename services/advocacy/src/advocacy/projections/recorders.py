"""Consumed-event handlers: each turns one event into one fact record (idempotent by event id).

Every id that comes from another service (incident, victim, referral, case, hearing) is stored
only as a one-way key, so advocacy's store cannot be joined back to a person, while facts about
the same thing still meet under the same key.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from servicekit.consumer import ConsumedEvent

from .. import consumed as c
from ..bootstrap import Deps
from .generations import FactRecord


async def _record(event: ConsumedEvent, deps: Deps, collection: str, kind: str, subject: str,
                  data: Mapping[str, Any]) -> None:
    fact = FactRecord(event_id=event.id, subject=await deps.keys.key_for(subject), kind=kind,
                      at=event.envelope.time.isoformat(), topic=event.topic, partition=event.partition,
                      offset=event.offset, data=data)
    await (await deps.projections.live()).record(collection, fact)


async def _key(deps: Deps, raw: str | None) -> str | None:
    return await deps.keys.key_for(raw) if raw else None


async def project_incident_documented(event: ConsumedEvent, deps: Deps) -> None:
    """Count a documented incident: date, region, violation types, perpetrator categories, verification."""
    data = c.IncidentDocumentedV1.model_validate(event.data)
    await _record(event, deps, "incidents", "documented", event.envelope.subject, {
        "occurred_on": data.occurred_on.isoformat(), "region": data.region,
        "violation_types": sorted(set(data.violation_types)),
        "perpetrator_categories": data.categories(),
        "verification_status": data.verification_status,
    })


async def project_incident_updated(event: ConsumedEvent, deps: Deps) -> None:
    """Apply the counted fields an incident update changed."""
    data = c.IncidentUpdatedV1.model_validate(event.data)
    changes: dict[str, Any] = {
        "occurred_on": data.occurred_on.isoformat() if data.occurred_on else None, "region": data.region,
        "violation_types": sorted(set(data.violation_types)) if data.violation_types is not None else None,
        "perpetrator_categories": data.categories(),
    }
    await _record(event, deps, "incidents", "updated", event.envelope.subject, changes)


async def project_incident_verification_changed(event: ConsumedEvent, deps: Deps) -> None:
    """Follow an incident's verification status (verified-only figures depend on it)."""
    data = c.IncidentVerificationChangedV1.model_validate(event.data)
    await _record(event, deps, "incidents", "verification_changed", event.envelope.subject, {"status": data.status})


async def project_victim_registered(event: ConsumedEvent, deps: Deps) -> None:
    """Keep a registered victim's sex, age band and region under a one-way key."""
    data = c.VictimRegisteredV1.model_validate(event.data)
    await _record(event, deps, "victims", "registered", data.victim_id,
                  {"sex": data.sex, "age_band": data.age_band, "region": data.region})


async def project_victim_consent_changed(event: ConsumedEvent, deps: Deps) -> None:
    """Stop (or resume) counting a victim who withdrew (or gave) consent to anonymised statistics."""
    data = c.VictimConsentChangedV1.model_validate(event.data)
    await _record(event, deps, "victims", "consent_changed", data.victim_id, {"statistics": data.statistics})


async def project_victim_erased(event: ConsumedEvent, deps: Deps) -> None:
    """Stop counting an erased victim."""
    data = c.VictimErasedV1.model_validate(event.data)
    await _record(event, deps, "victims", "erased", data.victim_id, {})


async def project_victim_referred(event: ConsumedEvent, deps: Deps) -> None:
    """Count a referral to legal support (the victim's bands come from the registration)."""
    data = c.VictimReferredV1.model_validate(event.data)
    await _record(event, deps, "referrals", "referred", data.referral_id, {
        "victim_key": await _key(deps, data.victim_id), "referred_on": event.envelope.time.date().isoformat()})


async def project_case_opened(event: ConsumedEvent, deps: Deps) -> None:
    """A case opened: the victims supported, keyed one way, and its first stage."""
    data = c.CaseOpenedV1.model_validate(event.data)
    await _record(event, deps, "cases", "opened", event.envelope.subject, {
        "opened_on": data.opened_on.isoformat(), "stage": data.stage,
        "referral_id": await _key(deps, data.referral_id),
        "victim_keys": sorted({await deps.keys.key_for(v) for v in data.victim_ids}),
    })


async def project_case_victim_joined(event: ConsumedEvent, deps: Deps) -> None:
    """Another victim joined a case (a collective complaint): one more victim supported."""
    data = c.CaseVictimJoinedV1.model_validate(event.data)
    await _record(event, deps, "cases", "victim_joined", event.envelope.subject,
                  {"victim_key": await deps.keys.key_for(data.victim_id)})


async def project_case_stage_changed(event: ConsumedEvent, deps: Deps) -> None:
    """A case moved to another stage of the procedure (on one of its tracks)."""
    data = c.CaseStageChangedV1.model_validate(event.data)
    await _record(event, deps, "cases", "stage_changed", event.envelope.subject, {
        "track": data.track, "from_stage": data.from_stage, "to_stage": data.to_stage,
        "at": data.effective_on.isoformat()})


async def project_case_closed(event: ConsumedEvent, deps: Deps) -> None:
    """A case closed, with its reason."""
    data = c.CaseClosedV1.model_validate(event.data)
    await _record(event, deps, "cases", "closed", event.envelope.subject,
                  {"reason": data.closure_reason, "at": data.closed_on.isoformat()})


async def _hearing(event: ConsumedEvent, deps: Deps, kind: str, data: c.HearingV1,
                   **extra: Any) -> None:
    await _record(event, deps, "hearings", kind, event.envelope.subject, {
        "case_id": await _key(deps, data.case_id), "on": data.starts_at.isoformat(), **extra})


async def project_hearing_scheduled(event: ConsumedEvent, deps: Deps) -> None:
    """A hearing was scheduled."""
    await _hearing(event, deps, "scheduled", c.HearingV1.model_validate(event.data))


async def project_hearing_rescheduled(event: ConsumedEvent, deps: Deps) -> None:
    """A hearing was postponed from one sitting date to another."""
    data = c.HearingRescheduledV1.model_validate(event.data)
    await _hearing(event, deps, "rescheduled", data, previous=data.previous_starts_at.isoformat())


async def project_hearing_held(event: ConsumedEvent, deps: Deps) -> None:
    """A hearing was held."""
    await _hearing(event, deps, "held", c.HearingV1.model_validate(event.data))


async def project_hearing_cancelled(event: ConsumedEvent, deps: Deps) -> None:
    """A hearing was cancelled."""
    await _hearing(event, deps, "cancelled", c.HearingV1.model_validate(event.data))


async def project_reparation_awarded(event: ConsumedEvent, deps: Deps) -> None:
    """A reparation measure awarded (an amount in XOF when monetary)."""
    data = c.ReparationAwardedV1.model_validate(event.data)
    await _record(event, deps, "reparations", "awarded", event.envelope.subject, {
        "case_id": await _key(deps, data.case_id), "measure": data.measure, "amount_xof": data.amount_xof,
        "awarded_on": data.awarded_on.isoformat()})


async def project_reparation_paid(event: ConsumedEvent, deps: Deps) -> None:
    """A payment record of a reparation: its status and the total paid so far, in XOF."""
    data = c.ReparationPaidV1.model_validate(event.data)
    await _record(event, deps, "reparations", "paid", event.envelope.subject, {
        "case_id": await _key(deps, data.case_id), "payment_status": data.payment_status,
        "total_paid_xof": data.total_paid_xof, "paid_on": data.paid_on.isoformat()})


async def project_session_held(event: ConsumedEvent, deps: Deps) -> None:
    """Count an education session's audience (youth apart) in its region."""
    data = c.SessionHeldV1.model_validate(event.data)
    audience = sum(cell.count for cell in data.audience)
    youth = sum(cell.count for cell in data.audience if cell.age_band in c.YOUTH_AGE_BANDS)
    await _record(event, deps, "sessions", "held", event.envelope.subject, {
        "held_on": data.held_on.isoformat(), "region": data.region, "audience": audience, "youth": youth})
