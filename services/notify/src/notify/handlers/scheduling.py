"""Writing deliveries: plan them (queue entry first, then the commit) and cancel pending ones."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from functools import partial
from typing import Any

from servicekit.api import Caller
from servicekit.consumer import ConsumedEvent
from servicekit.eventstore import CommandContext

from ..bootstrap import Deps
from ..domain import lifecycle
from ..domain.delivery import DELIVERY, TERMINAL, CancelReason, Delivery
from ..domain.planning import Audience, Planned

# Who notify's own commands are recorded as (consumers, dispatcher and reconciler).
ACTOR = "svc-notify"
# The dispatcher drops a queue entry whose delivery is still not committed this long after it was queued.
ORPHAN_GRACE = timedelta(seconds=60)
# A commit this prompt finds its queue entry in place, unless the dispatcher's clock runs 45 s ahead of ours.
REQUEUE_AFTER_SECONDS = ORPHAN_GRACE.total_seconds() / 4


def acting(context: CommandContext) -> Caller:
    """Notify itself or a provider as the actor of an audit entry (no roles, no organisation)."""
    return Caller(subject=context.actor, roles=frozenset(), organisation=None, is_service=True, context=context)


def with_subject(event: ConsumedEvent, field: str) -> dict[str, Any]:
    """The event data, with the aggregate id from the envelope when the data omits it."""
    return {field: event.envelope.subject, **event.data}


async def audience_for(deps: Deps, victim_id: str) -> Audience | None:
    """Who to plan for; None when the victim is known and must not be messaged (checked again at send)."""
    recipient = await deps.recipients.get(victim_id)
    if recipient is None:
        # Registration not consumed yet (another topic): plan anyway, the dispatcher waits for it.
        return Audience(victim_id, deps.settings.default_channel, None)
    if recipient.erased or recipient.opted_out or (recipient.consent_known and not recipient.consent):
        return None
    return Audience(victim_id, recipient.channel, recipient.language)


async def schedule(deps: Deps, planned: Iterable[Planned], ctx: CommandContext) -> None:
    """Create each delivery once: the queue entry first, so a committed delivery is never forgotten."""
    for item in planned:
        entry = await deps.queue.enqueue(item.delivery_id, item.event, now=deps.core.clock())
        started = time.monotonic()
        # The id is derived from the causing event, so it is new unless that event was handled before: the
        # first attempt reads nothing, and a replay collides on version 1, reads the history and records nothing.
        committed = await deps.store.execute(DELIVERY, item.delivery_id, partial(lifecycle.schedule, event=item.event),
                                             context=ctx, creates=True)
        if committed.state is None or committed.state.status != "pending":
            continue
        if time.monotonic() - started > REQUEUE_AFTER_SECONDS:
            # A commit delayed toward the orphan grace (a store outage between the two writes) may find its
            # entry dropped by the dispatcher: queue it again (a no-op when it is still there). A prompt
            # commit cannot have lost it: the dispatcher drops only entries older than the grace.
            await deps.queue.enqueue(item.delivery_id, item.event, now=deps.core.clock())
        if committed.state.due_at <= deps.core.clock():
            deps.queue.hand_over(entry)


ReasonFor = Callable[[Delivery], CancelReason | None]


def always(reason: CancelReason) -> ReasonFor:
    """Cancel every pending delivery given, for this reason."""
    return lambda _delivery: reason


async def cancel_pending(deps: Deps, delivery_ids: Iterable[str], reason_for: ReasonFor,
                         ctx: CommandContext) -> int:
    """Cancel the pending deliveries for which `reason_for` gives a reason (None keeps one); returns how many."""
    cancelled = 0
    for delivery_id in delivery_ids:
        loaded = await deps.store.load(DELIVERY, delivery_id)
        reason = reason_for(loaded.state) if loaded.state is not None else None
        if reason is None:
            continue
        deps.store.cache.put(DELIVERY, delivery_id, loaded)  # the cancel decides on this state, not a second read
        committed = await deps.store.execute(
            DELIVERY, delivery_id, partial(lifecycle.cancel, now=deps.core.clock(), reason=reason), context=ctx)
        cancelled += len(committed.events)
        if committed.state is not None and committed.state.status in TERMINAL:
            await deps.queue.remove(delivery_id)
    return cancelled
