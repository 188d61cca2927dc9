"""What SMS providers tell notify through its webhooks: delivery reports and STOP replies."""

from __future__ import annotations

from functools import partial

from servicekit.api import Caller
from servicekit.commands import audit
from servicekit.eventstore import CommandContext

from ..bootstrap import Deps
from ..channels import DeliveryReport, InboundSms
from ..domain import lifecycle
from ..domain.contact import InvalidPhone, phone_index_key
from ..domain.delivery import DELIVERY
from ..domain.opt_out import is_opt_out
from .scheduling import acting, always, cancel_pending


def provider_caller(provider: str) -> Caller:
    """A provider calling a webhook, as the actor of what its call changes."""
    return acting(CommandContext(actor=f"provider:{provider}"))


async def apply_delivery_report(deps: Deps, report: DeliveryReport) -> bool:
    """Apply an authenticated provider report to its delivery; False when the message is not ours."""
    delivery_id = await deps.providers.delivery_for(report.provider, report.provider_message_id)
    if delivery_id is None:
        await _keep_unmatched(deps, report)
        return False
    decide = partial(lifecycle.apply_report, now=deps.core.clock(), provider=report.provider, status=report.status,
                     error_code=report.error_code)
    await deps.store.execute(DELIVERY, delivery_id, decide, context=provider_caller(report.provider).context)
    return True


async def _keep_unmatched(deps: Deps, report: DeliveryReport) -> None:
    """A report for a message id we never linked may settle an interrupted send: keep it for the reconciler."""
    secret = deps.settings.phone_index_key
    if secret is None or report.to_number is None or report.status not in ("delivered", "failed"):
        return
    try:
        key = phone_index_key(secret.get_secret_value().encode(), report.to_number, deps.settings.default_country_code)
    except InvalidPhone:
        return
    await deps.providers.keep_unmatched(report.provider, report.provider_message_id, phone_key=key,
                                        status=report.status, error_code=report.error_code, at=deps.core.clock())


async def opt_out_by_reply(deps: Deps, inbound: InboundSms) -> int:
    """A STOP reply: every victim reachable on that number gets nothing more; returns how many."""
    secret = deps.settings.phone_index_key
    if secret is None or not is_opt_out(inbound.text):
        return 0
    try:
        key = phone_index_key(secret.get_secret_value().encode(), inbound.from_number,
                              deps.settings.default_country_code)
    except InvalidPhone:
        return 0
    victim_ids = await deps.recipients.victims_for_phone(key)
    await deps.recipients.opt_out(victim_ids, at=deps.core.clock())
    caller = provider_caller(inbound.provider)
    for victim_id in victim_ids:
        await audit(deps.core.audit, caller, "recipient.opted_out", "victim", victim_id, allowed=True,
                    purpose="opt-out by SMS reply", owner=await deps.recipients.owner(victim_id))
        await cancel_pending(deps, await deps.queue.ids_for_victim(victim_id), always("opted_out"), caller.context)
    return len(victim_ids)
