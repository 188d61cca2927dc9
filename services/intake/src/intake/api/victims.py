"""Victim routes: register, read (audited), consent, referral to legal support, erasure."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status
from servicekit.api import IdempotencyKey, RequestKey, caller_of

from ..domain.consent import Consent
from ..domain.victim_rules import Profile
from ..handlers import victims as handlers
from .deps import DENIALS, AppDeps, Documenter, Officer, ResourceId
from .schemas.victims import (
    ConsentChanged,
    ErasureDone,
    ErasureRequest,
    ReferralCreate,
    ReferralCreated,
    VictimCreate,
    VictimCreated,
    VictimPublic,
)

router = APIRouter(prefix="/victims", tags=["victims"])
VICTIM_DENIALS: dict[int | str, dict[str, str]] = {**DENIALS, 410: {}}


@router.post("", status_code=status.HTTP_201_CREATED, response_model=VictimCreated,
             responses={**VICTIM_DENIALS, 409: {}})
async def register_victim(body: VictimCreate, principal: Documenter, deps: AppDeps, request: Request,
                          response: Response, idempotency_key: IdempotencyKey = None) -> VictimCreated:
    """Register a victim; the identity is encrypted under the victim's own key before it is stored."""
    caller = caller_of(principal, request)
    key = RequestKey.of(caller, idempotency_key, body.model_dump(mode="json"))
    committed = await handlers.register_victim(
        deps, caller, Profile(sex=body.sex, age_band=body.age_band, region=body.region), body.identity,
        body.consent, key)
    if committed.duplicate:
        response.headers["Idempotent-Replayed"] = "true"
    return VictimCreated(id=committed.aggregate_id)


@router.get("/{victim_id}", response_model=VictimPublic, responses=VICTIM_DENIALS)
async def read_victim(victim_id: ResourceId, principal: Documenter, deps: AppDeps, request: Request) -> VictimPublic:
    """A victim's file with the decrypted identity (its organisation, or one it shares with); audited."""
    found = await handlers.read_victim(deps, caller_of(principal, request), victim_id)
    victim = found.victim
    return VictimPublic(id=victim.id, organisation=victim.organisation, sex=victim.sex, age_band=victim.age_band,
                        region=victim.region, identity=found.identity, consent=victim.consent,
                        consent_version=victim.consent_version, referrals=victim.referrals)


@router.put("/{victim_id}/consent", response_model=ConsentChanged, responses={**VICTIM_DENIALS, 409: {}})
async def change_consent(victim_id: ResourceId, body: Consent, principal: Documenter, deps: AppDeps,
                         request: Request, idempotency_key: IdempotencyKey = None) -> ConsentChanged:
    """Replace the victim's consent (every purpose at once); a new version when anything changed."""
    caller = caller_of(principal, request)
    committed = await handlers.change_consent(deps, caller, victim_id, body,
                                              RequestKey.of(caller, idempotency_key, body.model_dump()))
    assert committed.state is not None
    return ConsentChanged(victim_id=victim_id, consent_version=committed.state.consent_version)


@router.post("/{victim_id}/referrals", status_code=status.HTTP_201_CREATED, response_model=ReferralCreated,
             responses={**VICTIM_DENIALS, 409: {"description": "The victim has not consented to legal support, "
                                                               "or to share with the receiving organisation"}})
async def refer_victim(victim_id: ResourceId, body: ReferralCreate, principal: Documenter, deps: AppDeps,
                       request: Request, idempotency_key: IdempotencyKey = None) -> ReferralCreated:
    """Refer the victim to a legal-aid organisation (409 without the victim's consent to legal support or to share
    with that organisation; 422 for an organisation that is unknown or not a legal-aid one)."""
    caller = caller_of(principal, request)
    referral_id, _ = await handlers.refer_victim(
        deps, caller, victim_id, needs=list(body.needs), urgency=body.urgency, incident_ids=list(body.incident_ids),
        receiving_organisation=body.receiving_organisation,
        request_key=RequestKey.of(caller, idempotency_key, body.model_dump()))
    return ReferralCreated(referral_id=referral_id, victim_id=victim_id)


@router.post("/{victim_id}/erasure", response_model=ErasureDone, responses={**VICTIM_DENIALS, 409: {}})
async def erase_victim(victim_id: ResourceId, body: ErasureRequest, principal: Officer, deps: AppDeps,
                       request: Request, idempotency_key: IdempotencyKey = None) -> ErasureDone:
    """Erase the victim's identifying data and key (crypto-shredding); the audit fact stays."""
    caller = caller_of(principal, request)
    committed = await handlers.erase_victim(deps, caller, victim_id, body.reason,
                                            RequestKey.of(caller, idempotency_key, body.model_dump()))
    return ErasureDone(victim_id=victim_id, erased_at=committed.state.erased_at if committed.state else None)
