"""Response schemas (XPublic): ids, codes and statuses; never a contact or a message sent to a victim."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from ..domain.delivery import Channel, DeliveryStatus, ResendReason
from ..domain.messages import MessageKind


class DeliveryPublic(BaseModel):
    """One delivery as staff see it."""

    id: str
    kind: MessageKind
    channel: Channel
    status: DeliveryStatus
    reason: str | None = Field(default=None, description="Why it failed, was cancelled or deferred (a code)")
    provider: str | None = None
    attempts: int = 0
    segments: int | None = None
    encoding: str | None = None
    case_id: str | None = None
    hearing_id: str | None = None
    reminder_offset_hours: int | None = None
    scheduled_at: datetime
    due_at: datetime
    dispatched_at: datetime | None = None
    updated_at: datetime | None = None
    flags: list[str] = Field(default_factory=list, description="Why staff must look at it, if they must")
    resent_as: str | None = Field(default=None, description="The delivery that sent it again, if staff chose to")


class DeliveryStep(BaseModel):
    """One event of a delivery's history."""

    type: str
    status: str | None = None
    reason: str | None = None
    at: datetime


class DeliveryDetail(DeliveryPublic):
    """A delivery and its whole history."""

    history: list[DeliveryStep]


class TemplatePublic(BaseModel):
    """A shipped template."""

    kind: MessageKind
    language: str
    version: int
    notes: str


class SmsFacts(BaseModel):
    """How an SMS body is encoded and billed."""

    encoding: Literal["GSM-7", "UCS-2"]
    units: int
    segments: int


class TemplatePreview(BaseModel):
    """A template rendered with sample values (standard or shared-phone wording)."""

    kind: MessageKind
    language: str = Field(description="Language actually used (French when the asked one has no template)")
    version: int
    shared_phone: bool
    subject: str
    body: str
    sms: SmsFacts


class ProviderHealth(BaseModel):
    """A configured channel provider and what the dispatcher recorded about it."""

    name: str
    channel: Channel
    kind: str
    role: Literal["primary", "failover", "email"]
    successes: int = 0
    failures: int = 0
    consecutive_failures: int = 0
    last_success_at: datetime | None = None
    last_failure_at: datetime | None = None
    last_error: str | None = Field(default=None, description="Last error code (never provider text)")


class ProvidersHealth(BaseModel):
    """Which channels are configured, and how their providers have been answering."""

    sms_configured: bool
    email_configured: bool
    providers: list[ProviderHealth]


class SendAgain(BaseModel):
    """Staff's decision to send an unknown delivery's message once more."""

    model_config = ConfigDict(extra="forbid")

    reason: ResendReason = Field(description="Why: no report from the provider, the victim says it did not arrive, "
                                             "or another reason recorded elsewhere (never free text)")


class SendAgainAccepted(BaseModel):
    """The delivery that sends the message again (the same one for every request about an original)."""

    delivery_id: str
    resend_delivery_id: str
    first_request: bool = Field(description="False when an earlier request (with another Idempotency-Key or none) "
                                            "already asked for it")
