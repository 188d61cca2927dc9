"""Consumed casework events about a case: a referral accepted, a stage reached."""

from __future__ import annotations

from servicekit.commands import consumer_context
from servicekit.consumer import ConsumedEvent

from ..bootstrap import Deps
from ..consumed import CaseStageChangedV1, ReferralAcceptedV1
from ..domain.messages import MessageKind
from ..domain.planning import plan, stage_is_notified
from .scheduling import ACTOR, audience_for, schedule, with_subject


async def notify_referral_accepted(event: ConsumedEvent, deps: Deps) -> None:
    """Tell the victim an organisation took their case (no details: whom to call)."""
    data = ReferralAcceptedV1.model_validate(event.data)
    audience = await audience_for(deps, data.victim_id)
    if audience is not None:
        planned = plan(MessageKind.REFERRAL_ACCEPTED, audience, cause_event_id=event.id, now=deps.core.clock(),
                       urgent_kinds=deps.settings.urgent_kinds, case_id=data.case_id)
        await schedule(deps, [planned], consumer_context(event, actor=ACTOR))


async def notify_stage_changed(event: ConsumedEvent, deps: Deps) -> None:
    """Tell the victims of a case that it moved, for the configured stages only."""
    data = CaseStageChangedV1.model_validate(with_subject(event, "case_id"))
    if not stage_is_notified(data.to_stage, deps.settings.notify_stages):
        return
    for victim_id in dict.fromkeys(data.victim_ids):
        audience = await audience_for(deps, victim_id)
        if audience is not None:
            planned = plan(MessageKind.CASE_STAGE_CHANGED, audience, cause_event_id=event.id, now=deps.core.clock(),
                           urgent_kinds=deps.settings.urgent_kinds, case_id=data.case_id)
            await schedule(deps, [planned], consumer_context(event, actor=ACTOR))
