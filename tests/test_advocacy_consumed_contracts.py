"""Every field advocacy, education and intake read from another service's event is in that service's committed schema.

Consumers model only the fields they read; this checks those fields against the producers' contracts,
so a renamed or removed field fails here rather than dead-lettering events in production.
"""

from __future__ import annotations

import json

import pytest
from advocacy import consumed as a
from advocacy.subscriptions import GROUPS as ADVOCACY_GROUPS
from education import consumed as e
from education.subscriptions import GROUPS as EDUCATION_GROUPS
from intake import consumed as i
from intake.subscriptions import GROUPS as INTAKE_GROUPS
from pydantic import BaseModel
from servicekit.testing import REPO_ROOT

READERS: dict[str, list[type[BaseModel]]] = {
    "intake.incident.documented.v1": [a.IncidentDocumentedV1, e.IncidentDocumentedV1],
    "intake.incident.updated.v1": [a.IncidentUpdatedV1, e.IncidentUpdatedV1],
    "intake.incident.verification_changed.v1": [a.IncidentVerificationChangedV1, e.IncidentVerificationChangedV1],
    "intake.victim.registered.v1": [a.VictimRegisteredV1],
    "intake.victim.consent_changed.v1": [a.VictimConsentChangedV1],
    "intake.victim.erased.v1": [a.VictimErasedV1],
    "intake.victim.referred.v1": [a.VictimReferredV1],
    "casework.case.opened.v1": [a.CaseOpenedV1],
    "casework.case.victim_joined.v1": [a.CaseVictimJoinedV1],
    "casework.case.stage_changed.v1": [a.CaseStageChangedV1],
    "casework.case.closed.v1": [a.CaseClosedV1],
    "casework.hearing.scheduled.v1": [a.HearingV1],
    "casework.hearing.rescheduled.v1": [a.HearingRescheduledV1],
    "casework.hearing.held.v1": [a.HearingV1],
    "casework.hearing.cancelled.v1": [a.HearingV1],
    "casework.reparation.awarded.v1": [a.ReparationAwardedV1],
    "casework.reparation.paid.v1": [a.ReparationPaidV1],
    "education.session.held.v1": [a.SessionHeldV1],
}


# Intake reads casework's answers to its referrals (the referring organisation's view of them).
INTAKE_READERS: dict[str, list[type[BaseModel]]] = {
    "casework.referral.accepted.v1": [i.ReferralAcceptedV1],
    "casework.referral.declined.v1": [i.ReferralDeclinedV1],
    "casework.referral.transferred.v1": [i.ReferralTransferredV1],
    "casework.case.opened.v1": [i.CaseOpenedV1],
    "casework.case.victim_joined.v1": [i.CaseVictimJoinedV1],
    "casework.case.victim_removed.v1": [i.CaseVictimRemovedV1],
}


def producer_schema(event_type: str) -> dict:
    path = REPO_ROOT / "services" / event_type.split(".")[0] / "contracts" / "events" / f"{event_type}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def test_every_subscribed_event_type_has_a_reader_checked_here():
    subscribed = {t for g in [*ADVOCACY_GROUPS, *EDUCATION_GROUPS] for t in g.subscriptions}
    assert subscribed == set(READERS)


@pytest.mark.parametrize("event_type", sorted(READERS))
def test_fields_read_exist_in_the_producer_schema(event_type):
    schema = producer_schema(event_type)
    for model in READERS[event_type]:
        unknown = set(model.model_fields) - set(schema["properties"])
        assert not unknown, f"{model.__module__}.{model.__name__} reads fields {event_type} does not have: {unknown}"


@pytest.mark.parametrize("event_type", sorted(READERS))
def test_fields_a_reader_requires_are_required_by_the_producer(event_type):
    schema = producer_schema(event_type)
    for model in READERS[event_type]:
        needed = {name for name, field in model.model_fields.items() if field.is_required()}
        optional = needed - set(schema.get("required", []))
        assert not optional, f"{model.__name__} requires {optional}, which {event_type} may leave out"


def test_every_event_intake_subscribes_to_has_a_reader_checked_here():
    assert {t for g in INTAKE_GROUPS for t in g.subscriptions} == set(INTAKE_READERS)


@pytest.mark.parametrize("event_type", sorted(INTAKE_READERS))
def test_fields_intake_reads_exist_and_are_required_when_it_requires_them(event_type):
    schema = producer_schema(event_type)
    for model in INTAKE_READERS[event_type]:
        assert set(model.model_fields) <= set(schema["properties"]), model.__name__
        needed = {name for name, field in model.model_fields.items() if field.is_required()}
        assert needed <= set(schema.get("required", [])), model.__name__
