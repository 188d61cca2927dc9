"""Staff's commands on a delivery: send an unknown one again."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import audit
from servicekit.errors import NotFound

from ..bootstrap import Deps
from ..domain import lifecycle
from ..domain.delivery import DELIVERY, ResendReason
from ..domain.planning import plan_resend, resend_id
from .scheduling import schedule


@dataclass(frozen=True)
class SentAgain:
    """The delivery that sends the message again, and whether this request is the one that asked for it."""

    resend_delivery_id: str
    first_request: bool


async def send_again(deps: Deps, caller: Caller, delivery_id: str, reason: ResendReason,
                     key: RequestKey | None) -> SentAgain:
    """Send an unknown delivery's message once more: once per original, however often staff ask."""
    original = (await deps.store.load(DELIVERY, delivery_id)).state
    if original is None:
        raise NotFound("delivery_not_found")
    now, new_id = deps.core.clock(), resend_id(delivery_id)
    decide = partial(lifecycle.resend, now=now, resend_delivery_id=new_id, reason=reason)
    committed = await deps.store.execute(DELIVERY, delivery_id, decide, context=caller.context,
                                         idempotency_key=command_key(key, f"send-again:{delivery_id}"))
    # Planned on every call, a retried key's included: the id is derived from the original, so a call
    # after a crash between the two writes plans what is missing and a later one finds it there.
    await schedule(deps, [plan_resend(original, now)], caller.context)
    await audit(deps.core.audit, caller, "delivery.send_again", "victim", original.victim_id, allowed=True,
                purpose="delivery follow-up", reason=f"delivery {delivery_id} sent again as {new_id} ({reason})",
                owner=await deps.recipients.owner(original.victim_id))
    # A retried Idempotency-Key answers as its first request did.
    return SentAgain(new_id, first_request=bool(committed.events) or committed.duplicate)
