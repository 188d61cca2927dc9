"""Deliveries for notify administrators: a victim's history, one delivery, those needing a person, send again.

Every read names the victims it shows in the audit log; "send again" is a command with the kit's
Idempotency-Key policy.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from servicekit.api import DEFAULT_PAGE, IdempotencyKey, Page, PageCursor, PageLimit, RequestKey, caller_of
from servicekit.commands import audit, audit_reads
from servicekit.errors import NotFound

from .. import handlers, queries
from ..domain.delivery import DeliveryStatus
from .deps import AppDeps, DeliveryId, NotifyAdmin, VictimId
from .schemas import DeliveryDetail, DeliveryPublic, SendAgain, SendAgainAccepted

router = APIRouter(tags=["notify"])
PURPOSE = "delivery follow-up"


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    """A stored delivery document as the fields of its public model (no store-internal fields)."""
    return {**{k: v for k, v in doc.items() if not k.startswith("_")}, "id": doc["_id"]}


@router.get("/victims/{victim_id}/deliveries", response_model=Page[DeliveryPublic], responses={401: {}, 403: {}})
async def victim_deliveries(victim_id: VictimId, principal: NotifyAdmin, deps: AppDeps, request: Request,
                            cursor: PageCursor = None, limit: PageLimit = DEFAULT_PAGE) -> Page[DeliveryPublic]:
    """One page of the messages planned for a victim and what became of them, oldest first (the read is audited)."""
    docs, next_cursor = await queries.victim_deliveries(deps.core.db, victim_id, cursor=cursor, limit=limit)
    await audit(deps.core.audit, caller_of(principal, request, needs_organisation=False), "deliveries.read",
                "victim", victim_id, allowed=True, purpose=PURPOSE, reason=f"{len(docs)} deliveries listed",
                owner=await deps.recipients.owner(victim_id))
    return Page(items=[DeliveryPublic(**_public(doc)) for doc in docs], next_cursor=next_cursor)


@router.get("/deliveries", response_model=Page[DeliveryPublic], responses={401: {}, 403: {}, 422: {}})
async def deliveries_needing_attention(
        principal: NotifyAdmin, deps: AppDeps, request: Request,
        status: Annotated[DeliveryStatus, Query(description="unknown (default) or failed")] = "unknown",
        flagged: Annotated[bool, Query(description="Only the deliveries flagged for staff")] = False,
        cursor: PageCursor = None, limit: PageLimit = DEFAULT_PAGE) -> Page[DeliveryPublic]:
    """Deliveries whose outcome is unknown (or that failed), not sent again yet, oldest first; audited per victim."""
    docs, next_cursor = await queries.deliveries_needing_attention(deps.core.db, status=status, flagged=flagged,
                                                                   cursor=cursor, limit=limit)
    victims = list(dict.fromkeys(doc["victim_id"] for doc in docs))
    await audit_reads(deps.core.audit, caller_of(principal, request, needs_organisation=False),
                      "deliveries.attention.read", "victim", victims, purpose=PURPOSE,
                      owners=[await deps.recipients.owner(victim_id) for victim_id in victims])
    return Page(items=[DeliveryPublic(**_public(doc)) for doc in docs], next_cursor=next_cursor)


@router.get("/deliveries/{delivery_id}", response_model=DeliveryDetail, responses={401: {}, 403: {}, 404: {}})
async def delivery_detail(delivery_id: DeliveryId, principal: NotifyAdmin, deps: AppDeps,
                          request: Request) -> DeliveryDetail:
    """One delivery with its whole history (the read is audited against its victim)."""
    doc = await queries.delivery(deps.core.db, delivery_id)
    if doc is None:
        raise NotFound("delivery_not_found")
    await audit(deps.core.audit, caller_of(principal, request, needs_organisation=False), "delivery.read", "victim",
                doc["victim_id"], allowed=True, purpose=PURPOSE, reason=f"delivery {delivery_id}",
                owner=await deps.recipients.owner(doc["victim_id"]))
    return DeliveryDetail(**_public(doc), history=await queries.delivery_steps(deps.store, delivery_id))


@router.post("/deliveries/{delivery_id}/send-again", response_model=SendAgainAccepted, status_code=202,
             responses={200: {"model": SendAgainAccepted}, 401: {}, 403: {}, 404: {}, 409: {}, 422: {}})
async def send_again(delivery_id: DeliveryId, body: SendAgain, principal: NotifyAdmin, deps: AppDeps,
                     request: Request, response: Response,
                     idempotency_key: IdempotencyKey = None) -> SendAgainAccepted:
    """Send an unknown delivery's message once more: 202 for the request that asked, 200 with the same answer after.

    A retry with the same Idempotency-Key answers as the first request; the key with another body is a 409.
    """
    caller = caller_of(principal, request, needs_organisation=False)
    key = RequestKey.of(caller, idempotency_key, body.model_dump(mode="json"))
    sent = await handlers.send_again(deps, caller, delivery_id, body.reason, key)
    if not sent.first_request:
        response.status_code = 200
    return SendAgainAccepted(delivery_id=delivery_id, resend_delivery_id=sent.resend_delivery_id,
                             first_request=sent.first_request)
