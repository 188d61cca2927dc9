"""`/webhooks/...`: administrators register, list, pause, resume, delete and replay subscriptions (audited)."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request, Response
from pydantic import BaseModel, Field

from ..audit import AuditEntry, AuditLog
from ..auth import Principal, require
from ..errors import InvalidInput, NotFound, Unavailable
from .dispatch import CREATION_SETTLES_SECONDS
from .models import (
    ReplayAccepted,
    ReplayRequest,
    SubscriptionCreate,
    SubscriptionCreated,
    SubscriptionPublic,
    SubscriptionUpdate,
)
from .signing import InvalidSecret, generate_secret, secret_bytes
from .store import WebhookStore
from .urlguard import guard_url

ADMIN = "admin"
SUBSCRIPTION_ID = r"^[A-Za-z0-9-]{1,64}$"
ERRORS: dict[int | str, dict[str, Any]] = {401: {}, 403: {}, 404: {}, 422: {}}


@dataclass(frozen=True)
class WebhookService:
    """What the routes need at run time, set on `app.state.webhooks` by the service's app."""

    store: WebhookStore
    audit: AuditLog
    allow_private_addresses: bool
    creation_settles_seconds: float = CREATION_SETTLES_SECONDS


class EventTypeInfo(BaseModel):
    """One event type this service publishes, and whether a webhook may carry it."""

    type: str = Field(description="CloudEvent type")
    classification: str = Field(description="public, internal or confidential")
    subscribable: bool = Field(description="False for confidential events: they never leave by webhook")


def _service(request: Request) -> WebhookService:
    service = getattr(request.app.state, "webhooks", None)
    if service is None:  # no key to encrypt secrets with: the operator has not configured webhooks
        raise Unavailable("webhooks_not_configured")
    return service


Service = Annotated[WebhookService, Depends(_service)]
Admin = Annotated[Principal, Depends(require(roles={ADMIN}))]
SubscriptionId = Annotated[str, Path(pattern=SUBSCRIPTION_ID, description="Subscription id")]


def public(doc: Mapping[str, Any]) -> SubscriptionPublic:
    """The administrator's view of a stored subscription (never its secret)."""
    return SubscriptionPublic(id=doc["_id"], **{k: doc.get(k) for k in SubscriptionPublic.model_fields if k != "id"})


def check_types(wanted: list[str], published: Mapping[str, str]) -> None:
    """422 naming `event_types` for a type not published here, or a confidential one."""
    unknown = sorted(set(wanted) - set(published))
    if unknown:
        raise InvalidInput("unknown_term", field="event_types", vocabulary="event_types",
                           allowed=sorted(t for t, c in published.items() if c != "confidential"))
    if any(published[t] == "confidential" for t in wanted):
        raise InvalidInput("webhook_confidential_event", field="event_types")


async def _audit(service: WebhookService, principal: Principal, action: str, sub_id: str) -> None:
    await service.audit.record(AuditEntry(
        actor=principal.subject, actor_roles=sorted(principal.roles), organisation=principal.organisation,
        action=f"webhook.{action}", resource_type="webhook_subscription", resource_id=sub_id, outcome="allowed"))


async def _existing(service: WebhookService, sub_id: str) -> dict[str, Any]:
    doc = await service.store.get(sub_id)
    if doc is None:
        raise NotFound("webhook_subscription_not_found")
    return doc


def webhook_router(published: Mapping[str, str]) -> APIRouter:
    """The subscription routes over the event types (and their classifications) a service publishes."""
    router = APIRouter(prefix="/webhooks", tags=["webhooks"])
    _reads(router, published)
    _changes(router, published)
    return router


def _reads(router: APIRouter, published: Mapping[str, str]) -> None:
    """What an administrator looks at: the offered types, the subscriptions and their state."""

    @router.get("/event-types", response_model=list[EventTypeInfo], responses={401: {}, 403: {}})
    async def list_event_types(principal: Admin) -> list[EventTypeInfo]:
        """The event types of this service and whether a webhook may carry them."""
        return [EventTypeInfo(type=t, classification=c, subscribable=c != "confidential")
                for t, c in sorted(published.items())]

    @router.get("/subscriptions", response_model=list[SubscriptionPublic], responses={401: {}, 403: {}})
    async def list_subscriptions(principal: Admin, service: Service) -> list[SubscriptionPublic]:
        """Every subscription with its status and, when disabled, why."""
        return [public(doc) for doc in await service.store.all()]

    @router.get("/subscriptions/{subscription_id}", response_model=SubscriptionPublic, responses=ERRORS)
    async def get_subscription(subscription_id: SubscriptionId, principal: Admin,
                               service: Service) -> SubscriptionPublic:
        """One subscription: status, last error, last success."""
        return public(await _existing(service, subscription_id))


def _changes(router: APIRouter, published: Mapping[str, str]) -> None:
    """What an administrator does: register, pause or resume, delete, replay (each audited)."""

    @router.post("/subscriptions", status_code=201, response_model=SubscriptionCreated, responses=ERRORS)
    async def create_subscription(body: SubscriptionCreate, principal: Admin, service: Service) -> SubscriptionCreated:
        """Register an endpoint; the answer carries the signing secret, shown this once only."""
        check_types(body.event_types, published)
        secret = body.secret or generate_secret()
        try:
            secret_bytes(secret)
        except InvalidSecret:
            raise InvalidInput("webhook_secret_invalid", field="secret") from None
        await guard_url(body.url, allow_private=service.allow_private_addresses)
        doc = await service.store.create(url=body.url, event_types=body.event_types,
                                         classifications=list(body.classifications), secret=secret,
                                         actor=principal.subject)
        await _audit(service, principal, "subscription_created", doc["_id"])
        # Answered once every worker's kept subscriptions are past their bound: each event decided after this
        # answer is matched against a read that saw this subscription (webhooks/dispatch.py says why).
        await asyncio.sleep(service.creation_settles_seconds)
        return SubscriptionCreated(**public(doc).model_dump(), secret=secret)

    @router.patch("/subscriptions/{subscription_id}", response_model=SubscriptionPublic, responses=ERRORS)
    async def update_subscription(subscription_id: SubscriptionId, body: SubscriptionUpdate, principal: Admin,
                                  service: Service) -> SubscriptionPublic:
        """Pause, or resume (a disabled subscription too): held deliveries are retried in order."""
        await _existing(service, subscription_id)
        await service.store.set_status(subscription_id, body.status)
        await _audit(service, principal, "subscription_paused" if body.status == "paused"
                     else "subscription_resumed", subscription_id)
        return public(await _existing(service, subscription_id))

    @router.delete("/subscriptions/{subscription_id}", status_code=204, responses=ERRORS)
    async def delete_subscription(subscription_id: SubscriptionId, principal: Admin, service: Service) -> Response:
        """Delete the subscription and drop what it still had to deliver."""
        await _existing(service, subscription_id)
        await service.store.delete(subscription_id)
        await _audit(service, principal, "subscription_deleted", subscription_id)
        return Response(status_code=204)

    @router.post("/subscriptions/{subscription_id}/replay", status_code=202, response_model=ReplayAccepted,
                 responses=ERRORS)
    async def replay_subscription(subscription_id: SubscriptionId, body: ReplayRequest, principal: Admin,
                                  service: Service) -> ReplayAccepted:
        """Deliver again, with their original webhook-id, the events since a point in time."""
        if body.since.tzinfo is None:
            raise InvalidInput("timezone_required", field="since")
        await _existing(service, subscription_id)
        requeued = await service.store.replay(subscription_id, body.since)
        await _audit(service, principal, "subscription_replayed", subscription_id)
        return ReplayAccepted(requeued=requeued)
