"""Launching campaigns."""

from __future__ import annotations

from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.eventstore import Committed
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import campaign as rules
from ..domain.campaign import CAMPAIGN, Campaign, CampaignDraft


async def launch_campaign(deps: Deps, caller: Caller, draft: CampaignDraft,
                          request_key: RequestKey | None) -> Committed[Campaign]:
    """Launch a campaign of the caller's organisation; a retried request lands on the same campaign."""
    assert caller.organisation is not None  # routes take a caller that acts for an organisation
    campaign_id = request_key.aggregate_id("campaign") if request_key else new_id()
    decide = partial(rules.launch, draft=draft, organisation=caller.organisation)
    return await deps.core.store.execute(CAMPAIGN, campaign_id, decide, context=caller.context,
                                         idempotency_key=command_key(request_key, "campaign"), creates=True)
