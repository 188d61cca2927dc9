"""Deliveries that need a person: the unknown and flagged ones, and staff's deliberate "send again"."""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from servicekit.audit import AuditEntry
from servicekit.auth import Principal
from servicekit.errors import NotFound
from servicekit.eventstore import CommandContext

from ..domain import lifecycle
from ..domain.delivery import DELIVERY, DeliveryStatus
from ..domain.planning import plan_resend, resend_id
from ..scheduling import schedule
from .deps import AppDeps, NotifyAdmin
from .schemas import AttentionList, DeliveryPublic, SendAgain, SendAgainAccepted

router = APIRouter(tags=["notify"])
Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9:_-]{1,80}$", description="A delivery id")]
LISTED_STATUSES = ("unknown", "failed")


async def _audit(deps: AppDeps, principal: Principal, action: str, victim_id: str, reason: str) -> None:
    await deps.core.audit.record(AuditEntry(
        actor=principal.subject, actor_roles=sorted(principal.roles), organisation=principal.organisation,
        action=action, resource_type="victim", resource_id=victim_id, purpose="delivery follow-up",
        reason=reason, outcome="allowed"))


@router.get("/deliveries", response_model=AttentionList, responses={401: {}, 403: {}})
async def deliveries_needing_attention(
        principal: NotifyAdmin, deps: AppDeps,
        status: Annotated[DeliveryStatus, Query(description="unknown (default) or failed")] = "unknown",
        flagged: Annotated[bool, Query(description="Only the deliveries flagged for staff")] = False,
        limit: Annotated[int, Query(ge=1, le=200)] = 100) -> AttentionList:
    """Deliveries whose outcome is unknown (or that failed), not sent again yet, oldest first; audited per victim."""
    query: dict[str, object] = {"status": status if status in LISTED_STATUSES else "unknown", "resent_as": None}
    if flagged:
        query["flags"] = {"$exists": True, "$ne": []}
    docs = [doc async for doc in deps.core.db[DELIVERY.collection].find(query).sort("updated_at", 1).limit(limit)]
    for victim_id in dict.fromkeys(doc["victim_id"] for doc in docs):
        await _audit(deps, principal, "deliveries.attention.read", victim_id, "listed for follow-up")
    return AttentionList(deliveries=[DeliveryPublic(**{k: v for k, v in doc.items() if not k.startswith("_")}
                                                    | {"id": doc["_id"]}) for doc in docs])


@router.post("/deliveries/{delivery_id}/send-again", response_model=SendAgainAccepted, status_code=202,
             responses={200: {"model": SendAgainAccepted}, 401: {}, 403: {}, 404: {}, 409: {}})
async def send_again(delivery_id: Id, body: SendAgain, principal: NotifyAdmin, deps: AppDeps,
                     response: Response) -> SendAgainAccepted:
    """Send an unknown delivery's message once more: 202 the first time, 200 with the same answer after."""
    original = (await deps.store.load(DELIVERY, delivery_id)).state
    if original is None:
        raise NotFound("delivery_not_found")
    now, new_id = deps.clock(), resend_id(delivery_id)
    ctx = CommandContext(actor=principal.subject, correlation_id=delivery_id)
    decide = partial(lifecycle.resend, now=now, resend_delivery_id=new_id, reason=body.reason)
    committed = await deps.store.execute(DELIVERY, delivery_id, decide, context=ctx)
    # Planned on every call: the id is derived from the original, so a second call finds it there.
    await schedule(deps, [plan_resend(original, now)], ctx)
    if not committed.events:
        response.status_code = 200
    await _audit(deps, principal, "delivery.send_again", original.victim_id,
                 f"delivery {delivery_id} sent again as {new_id} ({body.reason})")
    return SendAgainAccepted(delivery_id=delivery_id, resend_delivery_id=new_id, first_request=bool(committed.events))
