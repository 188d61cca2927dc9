"""The dispatcher: a worker task that takes due deliveries from the queue and decides, for each,
right before sending: send, defer to the safe window, wait, reroute, cancel, or settle an
interrupted send as `unknown`. Several workers may run it; the delivery's version guard makes
each claim unique.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from servicekit.errors import is_transient

from .bootstrap import Deps
from .domain import lifecycle
from .domain.delivery import DELIVERY, TERMINAL, Delivery
from .domain.dispatch_rules import Cancel, Defer, Reroute, Send, Wait, assess
from .domain.planning import Audience, plan_replacement
from .handlers.scheduling import ORPHAN_GRACE, always, cancel_pending, schedule
from .sending import Sender, dispatcher_context

log = logging.getLogger("notify.dispatcher")
ORPHAN_RECHECK = timedelta(seconds=5)
ERROR_RECHECK = timedelta(minutes=1)
OUT_OF_QUEUE = TERMINAL | {"sent"}


class Dispatcher:
    """Sends due deliveries with bounded concurrency; `run` is the worker's extra task."""

    def __init__(self, deps: Deps, *, concurrency: int = 8) -> None:
        self.deps = deps
        self.sender = Sender(deps)
        self.concurrency = concurrency
        self._in_flight: dict[str, asyncio.Task[None]] = {}

    async def run(self, stop: asyncio.Event) -> None:
        """Poll the queue until `stop` is set, then let sends in flight finish; a delivery this process
        commits due now wakes it at once (no poll), deliveries of other processes wait for the next poll."""
        due_now = self.deps.queue.due_now
        due_now.listening = True
        stopper = asyncio.ensure_future(stop.wait())
        poll = True
        try:
            while not stop.is_set():
                due_now.arrived.clear()
                backlog = await self._tick_reports_backlog(poll)
                woken = asyncio.ensure_future(due_now.arrived.wait())
                # More is due than we hold: take the next as soon as a send finishes, not a poll later.
                waits = [stopper, woken, *self._in_flight.values()] if backlog else [stopper, woken]
                timeout = None if backlog else self.deps.settings.dispatcher_poll_seconds
                done, _ = await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                woken.cancel()
                poll = backlog or not done  # woken by a commit of ours: hand it over without reading the queue
        finally:
            stopper.cancel()
            due_now.listening = False
        await asyncio.gather(*self._in_flight.values(), return_exceptions=True)

    async def _tick_reports_backlog(self, poll: bool) -> bool:
        try:
            return len(await self.tick(poll=poll)) > 0 and len(self._in_flight) >= self.concurrency
        except Exception as exc:  # the store is down: keep polling, nothing is lost
            log.warning("dispatcher poll failed: %s", type(exc).__name__)
            return False

    async def tick(self, *, poll: bool = True) -> list[asyncio.Task[None]]:
        """Start processing the entries handed over by this process's commits and, on a poll, the due entries
        not already in flight."""
        free = self.concurrency - len(self._in_flight)
        if free <= 0:
            return []
        entries = self.deps.queue.due_now.take(self._in_flight, free)
        if poll:
            limit = min(self.deps.settings.dispatcher_batch_size, free + len(self._in_flight))
            entries += await self.deps.queue.due(self.deps.core.clock(), limit)
        started = []
        for entry in entries:
            delivery_id = entry["_id"]
            if delivery_id in self._in_flight or len(self._in_flight) >= self.concurrency:
                continue
            task = asyncio.create_task(self._guarded(entry), name=f"deliver:{delivery_id}")
            self._in_flight[delivery_id] = task
            task.add_done_callback(partial(self._finished, delivery_id))
            started.append(task)
        return started

    def _finished(self, delivery_id: str, _task: asyncio.Task[None]) -> None:
        self._in_flight.pop(delivery_id, None)

    async def run_once(self) -> int:
        """One pass over what is due, waiting for it to finish; returns how many entries it took."""
        tasks = await self.tick()
        await asyncio.gather(*tasks)
        return len(tasks)

    async def _guarded(self, entry: dict[str, Any]) -> None:
        delivery_id = entry["_id"]
        try:
            await self.process(entry)
        except Exception as exc:
            level = logging.WARNING if is_transient(exc) else logging.ERROR
            log.log(level, "delivery not processed: %s", type(exc).__name__, extra={"delivery_id": delivery_id})
            with contextlib.suppress(Exception):
                await self.deps.queue.postpone(delivery_id, self.deps.core.clock() + ERROR_RECHECK)

    async def process(self, entry: dict[str, Any]) -> None:
        """Decide about one queue entry."""
        deps, now, delivery_id = self.deps, self.deps.core.clock(), entry["_id"]
        state = await self._current(delivery_id)
        if state is None:
            await self._orphan(entry, now)
        elif state.status in OUT_OF_QUEUE:
            await deps.queue.remove(delivery_id)
        elif state.status == "dispatching":
            await self._settle_interrupted(state, now)
        elif state.due_at > now:
            await deps.queue.postpone(delivery_id, state.due_at)
        else:
            await self._decide(state, now)

    async def _current(self, delivery_id: str) -> Delivery | None:
        """The delivery as this process last wrote or read it, else its projection, kept for the claim.

        Trusting it is safe: the claim commits the next version, so a stale state makes the claim collide,
        reload and decide again (never a second send); an entry with no delivery yet is settled by `_orphan`,
        which reads the history. The common path thus reads nothing: its consumer has just written the state.
        """
        store = self.deps.store
        loaded = store.cache.get(DELIVERY, delivery_id)
        if loaded is None:
            loaded = await store.load(DELIVERY, delivery_id, probe=False)
            if loaded.state is not None:
                store.cache.put(DELIVERY, delivery_id, loaded)
        return loaded.state

    async def _orphan(self, entry: dict[str, Any], now: datetime) -> None:
        """A queue entry whose delivery was never committed (its writer died): drop it after a grace."""
        enqueued_at = entry.get("enqueued_at")
        if enqueued_at is None or now - enqueued_at > ORPHAN_GRACE:
            await self.deps.queue.remove(entry["_id"])
            late = (await self.deps.store.load(DELIVERY, entry["_id"])).state
            if late is not None:  # its writer committed meanwhile: keep it in the queue
                await self.deps.queue.restore(late)
        else:
            await self.deps.queue.postpone(entry["_id"], now + ORPHAN_RECHECK)

    async def _settle_interrupted(self, delivery: Delivery, now: datetime) -> None:
        """A claim with no outcome: in flight elsewhere, or interrupted; never resent blindly."""
        stale_after = timedelta(seconds=self.deps.settings.dispatch_stale_after_seconds)
        dispatched_at = delivery.dispatched_at or now
        if now - dispatched_at < stale_after:
            await self.deps.queue.postpone(delivery.id, dispatched_at + stale_after)
            return
        decide = partial(lifecycle.interrupt, now=now, stale_after=stale_after)
        await self.deps.store.execute(DELIVERY, delivery.id, decide, context=dispatcher_context(delivery.id))
        await self.deps.queue.remove(delivery.id)
        log.warning("send interrupted, outcome unknown", extra={"delivery_id": delivery.id})

    async def _original_arrived(self, original_id: str) -> bool:
        original = (await self.deps.store.load(DELIVERY, original_id)).state
        return original is not None and original.status in ("sent", "delivered")

    async def _decide(self, delivery: Delivery, now: datetime) -> None:
        deps = self.deps
        recipient = await deps.recipients.get(delivery.victim_id)
        hearing = await deps.hearings.get(delivery.hearing_id) if delivery.hearing_id else None
        patience = timedelta(hours=deps.settings.recipient_wait_hours)
        verdict = assess(delivery, recipient, hearing, now, recipient_patience=patience)
        ctx = dispatcher_context(delivery.id)
        if delivery.replaces and isinstance(verdict, Send) and await self._original_arrived(delivery.replaces):
            verdict = Cancel(reason="superseded")  # a late report showed the original reached the victim
        match verdict:
            case Send():
                assert recipient is not None
                await self.sender.send(delivery, recipient, hearing)
            case Defer(until=until):
                await deps.store.execute(DELIVERY, delivery.id, partial(lifecycle.defer, until=until), context=ctx)
                await deps.queue.postpone(delivery.id, until)
            case Wait(until=until):
                await deps.queue.postpone(delivery.id, until)
            case Reroute(channel=channel):
                language = recipient.language if recipient else None
                await schedule(deps, [plan_replacement(delivery, Audience(delivery.victim_id, channel, language),
                                                       now)], ctx)
                await cancel_pending(deps, [delivery.id], always("channel_changed"), ctx)
            case Cancel(reason=reason):
                await cancel_pending(deps, [delivery.id], always(reason), ctx)
