"""Realistic aggregates for seeding, decided by the services' own domain functions (no I/O here).

Every generator is deterministic for a given index, so the data of a tier is the same from run to run.
Proportions follow what the programme expects: four documenting organisations, most incidents
restricted, a fifth still pending verification; three legal-aid organisations, a few hundred lawyers,
one referral in ten still pending in the inbox.
"""

from __future__ import annotations

import random
import uuid
from datetime import date
from functools import cache

from casework.domain import case as casework_case
from casework.domain import referral as casework_referral
from casework.vocabularies import courts, term_list
from intake.domain.incident import IncidentDocumented, IncidentVerificationChanged
from intake.domain.incident_facts import Act, Perpetrator, Source
from intake.domain.incident_rules import IncidentDraft, document
from intake.vocabularies import vocabulary
from seed import Clock, Commits

DOCUMENTERS = ("org-amdh", "org-avocats-sans-frontieres", "org-fidh-mali", "org-wildaf")
LEGAL_AID = ("org-asf", "org-demeso", "org-apdf")
LAWYERS = tuple(f"lawyer-{n:03d}" for n in range(300))
NEEDS = ("legal_representation", "legal_advice", "civil_party_filing", "reparations_claim",
         "psychosocial_support", "medical_care", "protection", "documentation_assistance")
TODAY = date(2026, 1, 15)
NAMESPACE = uuid.UUID("6f1d3a52-8c1e-4f0b-9d6a-2b7f3e5c9a10")


def stable_id(kind: str, i: int) -> str:
    """The same id for the same index in every run (uuid5), shaped like the services' random ids."""
    return str(uuid.uuid5(NAMESPACE, f"{kind}:{i}"))


@cache
def _codes(name: str, leaves_only: bool = False) -> tuple[str, ...]:
    vocab = vocabulary(name)
    return tuple(sorted(t.code for t in vocab.terms if not leaves_only or not vocab.children(t.code)))


@cache
def _regions() -> tuple[str, ...]:
    return tuple(t.code for t in vocabulary("regions").roots())


def incident(i: int) -> tuple[str, Commits]:
    """An incident documented (and for most, moved along the verification workflow) by intake's rules."""
    rng = random.Random(i)
    violations = rng.sample(_codes("violation_types", leaves_only=True), rng.randint(1, 3))
    categories = _codes("perpetrator_categories")
    acts = [Act(violation_type=v, victim_ids=[stable_id("victim", i * 10 + k) for k in range(rng.randint(0, 4))],
                perpetrators=[Perpetrator(category=rng.choice(categories), involvement="carried_out")])
            for v in violations]
    draft = IncidentDraft(
        external_reference=f"ROW-{i:06d}", occurred_on=Clock(rng).day(), region=rng.choice(_regions()),
        violation_types=violations, acts=acts,
        sources=[Source(kind=rng.choice(["victim_testimony", "witness_testimony", "media_report"]),
                        reliability=rng.choice("ABCDEF"), credibility=str(rng.randint(1, 6)))],
        confidentiality=rng.choices(["public", "restricted", "confidential"], weights=[2, 7, 1])[0])
    commits: Commits = [document(None, organisation=DOCUMENTERS[i % len(DOCUMENTERS)], draft=draft, today=TODAY,
                                 seal=None)]
    path = rng.choices([[], ["pending"], ["pending", "verified"], ["pending", "verified", "falsely_attributed"]],
                       weights=[1, 1, 2, 1])[0]
    previous = "unverified"
    for status in path:
        commits.append([IncidentVerificationChanged(previous_status=previous, status=status, reason="revue")])
        previous = status
    return stable_id("incident", i), commits


def documented(i: int) -> IncidentDocumented:
    """The first event of incident `i` (what intake publishes on intake.incidents)."""
    event = incident(i)[1][0][0]
    assert isinstance(event, IncidentDocumented)
    return event


def referral(i: int) -> tuple[str, Commits]:
    """A referral received by casework and, for nine in ten, decided (accepted or declined)."""
    rng = random.Random(1_000_000 + i)
    referral_id = stable_id("referral", i)
    received = casework_referral.receive(
        None, referral_id=referral_id, victim_id=stable_id("victim", i), needs=rng.sample(NEEDS, 2),
        urgency=rng.choice(["low", "medium", "high", "critical"]), incident_ids=[stable_id("incident", i)],
        referring_organisation=DOCUMENTERS[i % len(DOCUMENTERS)], receiving_organisation=LEGAL_AID[i % len(LEGAL_AID)],
        referred_at=Clock(rng).moment(), flags=[])
    commits: Commits = [received]
    outcome = rng.choices(["pending", "accepted", "declined"], weights=[1, 8, 1])[0]
    state = casework_referral.REFERRAL.fold(referral_id, None, received)
    if outcome == "accepted":
        commits.append(casework_referral.accept(state, case_id=casework_case.case_id_for(referral_id),
                                                organisation=LEGAL_AID[i % len(LEGAL_AID)],
                                                lawyers=_lawyers(rng), court=_court(rng)))
    elif outcome == "declined":
        reasons = sorted(term.code for term in term_list("decline_reasons").terms)
        commits.append(casework_referral.decline(state, organisation=LEGAL_AID[i % len(LEGAL_AID)],
                                                 reason=rng.choice(reasons)))
    return referral_id, commits


def case(i: int) -> tuple[str, Commits] | None:
    """The case opened when referral `i` was accepted (None for the referrals still pending or declined)."""
    referral_id, commits = referral(i)
    accepted = commits[-1][0]
    if not isinstance(accepted, casework_referral.ReferralAccepted):
        return None
    opened = casework_case.open_case(
        None, case_id=accepted.case_id, referral_id=referral_id, organisation=accepted.organisation,
        victim_id=accepted.victim_id, incident_ids=[stable_id("incident", i)], lawyers=accepted.lawyers,
        court=accepted.court, today=Clock(random.Random(2_000_000 + i)).day(date(2018, 1, 1)))
    return accepted.case_id, [list(opened)]


def _lawyers(rng: random.Random) -> list[str]:
    return rng.sample(LAWYERS, rng.choice([1, 1, 2]))


def _court(rng: random.Random) -> str | None:
    return rng.choice([None, *[court.code for court in courts().terms][:12]])
