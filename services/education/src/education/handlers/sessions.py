"""Recording the sessions educators held."""

from __future__ import annotations

from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import today_in_bamako
from servicekit.eventstore import Committed
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import session as rules
from ..domain.campaign import CAMPAIGN
from ..domain.session import SESSION, Session, SessionDraft


async def record_session(deps: Deps, caller: Caller, draft: SessionDraft,
                         request_key: RequestKey | None) -> Committed[Session]:
    """Record a session held by the caller's organisation; a retried request lands on the same session."""
    assert caller.organisation is not None  # routes take a caller that acts for an organisation
    session_id = request_key.aggregate_id("session") if request_key else new_id()
    campaign = (await deps.core.store.load(CAMPAIGN, draft.campaign_id)).state if draft.campaign_id else None
    decide = partial(rules.hold, draft=draft, organisation=caller.organisation,
                     today=today_in_bamako(deps.core.clock), campaign=campaign)
    return await deps.core.store.execute(SESSION, session_id, decide, context=caller.context,
                                         idempotency_key=command_key(request_key, "session"), creates=True)
