"""Notify's staff routes: delivery history (audited), template previews, provider health."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query
from servicekit.audit import AuditEntry
from servicekit.auth import Principal
from servicekit.errors import NotFound

from ..domain.messages import LANGUAGES, MessageKind, all_templates, message_variables, render, resolve_template
from ..domain.sms import analyze
from .deps import AppDeps, NotifyAdmin, Staff
from .schemas import (
    DeliveryDetail,
    DeliveryPublic,
    ProviderHealth,
    ProvidersHealth,
    SmsFacts,
    TemplatePreview,
    TemplatePublic,
    VictimDeliveries,
)

router = APIRouter(tags=["notify"])
Id = Annotated[str, Path(pattern=r"^[A-Za-z0-9:_-]{1,80}$", description="A pseudonymous id")]
Language = Annotated[str, Path(pattern=r"^[A-Za-z_-]{1,16}$", description="fr, bm or en (others: French)")]
SAMPLE_HEARING = datetime(2025, 11, 18, 9, 30, tzinfo=UTC)
SAMPLE_PLACE = "Tribunal de grande instance de la Commune III, Bamako"
SAMPLE_PHONE = "+223 20 00 00 00"


async def _audit(deps: AppDeps, principal: Principal, action: str, victim_id: str, reason: str) -> None:
    await deps.core.audit.record(AuditEntry(
        actor=principal.subject, actor_roles=sorted(principal.roles), organisation=principal.organisation,
        action=action, resource_type="victim", resource_id=victim_id, purpose="delivery follow-up",
        reason=reason, outcome="allowed", owner_organisation=await deps.recipients.owner(victim_id)))


def _public(doc: dict[str, Any]) -> dict[str, Any]:
    return {**{k: v for k, v in doc.items() if not k.startswith("_")}, "id": doc["_id"]}


@router.get("/victims/{victim_id}/deliveries", response_model=VictimDeliveries, responses={401: {}, 403: {}})
async def victim_deliveries(victim_id: Id, principal: NotifyAdmin, deps: AppDeps) -> VictimDeliveries:
    """Every message planned for a victim and what became of it (the read is audited)."""
    docs = await deps.history.of_victim(victim_id)
    await _audit(deps, principal, "deliveries.read", victim_id, f"{len(docs)} deliveries listed")
    return VictimDeliveries(victim_id=victim_id, deliveries=[DeliveryPublic(**_public(doc)) for doc in docs])


@router.get("/deliveries/{delivery_id}", response_model=DeliveryDetail, responses={401: {}, 403: {}, 404: {}})
async def delivery_detail(delivery_id: Id, principal: NotifyAdmin, deps: AppDeps) -> DeliveryDetail:
    """One delivery with its whole history (the read is audited against its victim)."""
    doc = await deps.history.one(delivery_id)
    if doc is None:
        raise NotFound("delivery_not_found")
    await _audit(deps, principal, "delivery.read", doc["victim_id"], f"delivery {delivery_id}")
    return DeliveryDetail(**_public(doc), history=await deps.history.events_of(delivery_id))


@router.get("/templates", response_model=list[TemplatePublic], responses={401: {}, 403: {}})
async def list_templates(principal: Staff) -> list[TemplatePublic]:
    """Every shipped template (kind x language) with its version and review notes."""
    return [TemplatePublic(kind=t.kind, language=t.language, version=t.version, notes=t.notes)
            for t in all_templates()]


@router.get("/templates/{kind}/{language}", response_model=TemplatePreview, responses={401: {}, 403: {}})
async def preview_template(kind: MessageKind, language: Language, principal: Staff, deps: AppDeps,
                           shared_phone: Annotated[bool, Query(description="Shared-phone wording")] = False
                           ) -> TemplatePreview:
    """A template rendered with sample values, as a victim would read it (French when the language has none)."""
    template = resolve_template(kind, language if language in LANGUAGES else None)
    variables = message_variables(kind, language=template.language, org_name=deps.settings.org_name,
                                  callback_phone=deps.settings.callback_phone or SAMPLE_PHONE,
                                  hearing_starts_at=SAMPLE_HEARING, hearing_place=SAMPLE_PLACE)
    message = render(kind, template.language, variables, shared_phone=shared_phone)
    facts = analyze(message.body)
    return TemplatePreview(kind=kind, language=message.language, version=message.version, shared_phone=shared_phone,
                           subject=message.subject, body=message.body,
                           sms=SmsFacts(encoding=facts.encoding, units=facts.units, segments=facts.segments))


@router.get("/providers/health", response_model=ProvidersHealth, responses={401: {}, 403: {}})
async def providers_health(principal: NotifyAdmin, deps: AppDeps) -> ProvidersHealth:
    """Configured SMS providers and SMTP, with the outcomes the dispatcher recorded for each."""
    channels, providers = deps.channels, []
    for account in channels.accounts:
        recorded = await deps.providers.health_of(account.name)
        providers.append(ProviderHealth(name=account.name, channel="sms", kind=account.kind, role=account.role,
                                        **recorded))
    if channels.email_name:
        recorded = await deps.providers.health_of(channels.email_name)
        providers.append(ProviderHealth(name=channels.email_name, channel="email", kind="smtp", role="email",
                                        **recorded))
    return ProvidersHealth(sms_configured=channels.sms is not None, email_configured=channels.email is not None,
                           providers=providers)
