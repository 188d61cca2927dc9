"""Provider health for notify administrators: configured SMS providers and SMTP, and how they answered."""

from __future__ import annotations

from fastapi import APIRouter

from .deps import AppDeps, NotifyAdmin
from .schemas import ProviderHealth, ProvidersHealth

router = APIRouter(tags=["notify"])


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
