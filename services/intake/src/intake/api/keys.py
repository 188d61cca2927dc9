"""Key custody routes: a victim's data key released to a consented service, and the KEK rotation."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Request, Response
from servicekit.api import caller_of

from ..handlers import keys as handlers
from .deps import DENIALS, Admin, AppDeps, KeyRequester, ResourceId
from .schemas.keys import KeyReleased, KeyReleaseRequest, RotationDone

router = APIRouter(tags=["keys"])
# Neither route takes an Idempotency-Key: a release changes no record (it is an audited read) and a
# rotation is idempotent by nature (a retry finds every key already under the current KEK).
KEY_DENIALS: dict[int | str, dict[str, str]] = {**DENIALS, 410: {}}


@router.post("/internal/keys/{victim_id}/release", response_model=KeyReleased, responses=KEY_DENIALS)
async def release_key(victim_id: ResourceId, body: KeyReleaseRequest, principal: KeyRequester, deps: AppDeps,
                      request: Request, response: Response) -> KeyReleased:
    """A victim's data key for a service whose purpose the victim consented to (audited)."""
    caller = caller_of(principal, request, needs_organisation=False)
    data_key = await handlers.release_key(deps, caller, victim_id, body.purpose, body.organisation)
    response.headers["Cache-Control"] = "no-store"
    return KeyReleased(victim_id=victim_id, data_key=base64.urlsafe_b64encode(data_key).decode().rstrip("="),
                       expires_in=deps.settings.key_release_ttl_seconds)


@router.post("/admin/keys/rotate", response_model=RotationDone, responses={401: {}, 403: {}})
async def rotate_keys(principal: Admin, deps: AppDeps, request: Request) -> RotationDone:
    """Re-wrap every victim's data key under the current KEK (after adding a new one)."""
    report = await handlers.rotate_kek(deps, caller_of(principal, request, needs_organisation=False))
    return RotationDone(rewrapped=report.rewrapped, already_current=report.already_current, failed=report.failed,
                        kek_id=report.kek_id)
