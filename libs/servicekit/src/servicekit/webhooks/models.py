"""Request and response shapes of the webhook subscription API (partners read these descriptions)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from .urlguard import MAX_URL_LENGTH

Clearance = Literal["public", "internal"]
Status = Literal["active", "paused", "disabled"]
EXAMPLE_URL = "https://suivi.partenaire.example/redress/webhooks"
EXAMPLE_TYPE = "casework.hearing.scheduled.v1"


class SubscriptionCreate(BaseModel):
    """A partner endpoint to notify of some of this service's events."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"url": EXAMPLE_URL, "event_types": [EXAMPLE_TYPE], "classifications": ["public", "internal"]}]})

    url: str = Field(max_length=MAX_URL_LENGTH, description="https URL receiving POSTs; no credentials in it")
    event_types: list[str] = Field(min_length=1, max_length=100,
                                   description="CloudEvent types wanted, among those this service publishes")
    classifications: list[Clearance] = Field(
        default=["public"], min_length=1,
        description="Classification levels the endpoint is cleared for; confidential events never leave by webhook")
    secret: str | None = Field(
        default=None, max_length=200,
        description="Signing secret 'whsec_' + base64 of 24 to 64 bytes; generated when absent. Never shown again")


class SubscriptionUpdate(BaseModel):
    """Pause a subscription, or resume a paused or disabled one (its held deliveries are retried)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"status": "paused"}]})

    status: Literal["active", "paused"] = Field(description="active: deliver; paused: hold deliveries")


class SubscriptionPublic(BaseModel):
    """A subscription as administrators see it; the secret is never returned after creation."""

    id: str = Field(description="Subscription id")
    url: str = Field(description="Endpoint URL")
    event_types: list[str] = Field(description="Event types delivered")
    classifications: list[Clearance] = Field(description="Classification levels the endpoint is cleared for")
    status: Status = Field(description="active, paused by an administrator, or disabled after failing")
    disabled_reason: str | None = Field(default=None, description="Why the subscription was disabled (a code)")
    last_error: str | None = Field(default=None, description="Outcome of the last failed attempt (status or error)")
    consecutive_failures: int = Field(default=0, description="Failed attempts since the last success")
    created_at: datetime = Field(description="Registration time; events from then on are delivered")
    last_success_at: datetime | None = Field(default=None, description="Last delivery acknowledged with a 2xx")
    last_failure_at: datetime | None = Field(default=None, description="Last failed attempt")


class SubscriptionCreated(SubscriptionPublic):
    """The subscription just registered, with its signing secret: the only time it is shown."""

    secret: str = Field(description="Signing secret (whsec_...); store it now, it is never shown again")


class ReplayRequest(BaseModel):
    """Deliver again every event of this subscription from a point in time."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"since": "2026-11-30T00:00:00Z"}]})

    since: datetime = Field(description="Events at or after this instant (with a time zone) are delivered again")


class ReplayAccepted(BaseModel):
    """How many deliveries were queued again."""

    requeued: int = Field(description="Deliveries queued again, in order per aggregate")
