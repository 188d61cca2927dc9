"""The reconciler: a worker task that resolves unknown deliveries and watches hearing notices.

- An `unknown` delivery (a send interrupted before its outcome was recorded) is matched with a
  provider report kept unplaced (`provider_reports_unmatched`): the report's number, hashed with
  the phone-index key, is one the victim was sent to, and it arrived after the send started. One
  match settles the delivery `delivered` or `failed`; none, or more than one, and after
  `NOTIFY_UNKNOWN_FLAG_AFTER_SECONDS` the delivery is flagged `outcome_unknown` for staff.
- A scheduled hearing still ahead whose first reminder falls due within
  `NOTIFY_NOTICE_CHECK_LEAD_HOURS` must have a confirmed notice (sent or delivered) for every
  victim notify may message: a missing notice is planned (its id is derived, so never twice), an
  unknown, failed or stuck one is flagged `notice_unconfirmed`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from .bootstrap import Deps
from .channels import DeliveryReport
from .domain import lifecycle
from .domain.delivery import DELIVERY, Delivery, FlagReason
from .domain.messages import MessageKind
from .domain.planning import HEARING_NOTICES
from .domain.recipient import Hearing
from .handlers import apply_delivery_report, plan_hearing_messages
from .projections.providers import UNMATCHED_KEPT
from .sending import dispatcher_context

log = logging.getLogger("notify.reconciler")
CONFIRMED = frozenset({"sent", "delivered"})
# Cancelled because the victim chose so, or because a newer event replaced it: nothing to confirm.
NOTHING_TO_CONFIRM = frozenset({"no_consent", "opted_out", "erased", "superseded", "hearing_moved",
                                "hearing_cancelled", "channel_changed"})
BATCH = 200


class Reconciler:
    """Runs `run_once` every `NOTIFY_RECONCILE_INTERVAL_SECONDS`."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps
        self.deliveries = deps.core.db[DELIVERY.collection]

    async def run(self, stop: asyncio.Event) -> None:
        """Reconcile until `stop` is set; a store outage only delays the next pass."""
        while not stop.is_set():
            try:
                await self.run_once()
            except Exception as exc:
                log.warning("reconciliation pass failed: %s", type(exc).__name__)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(stop.wait(), self.deps.settings.reconcile_interval_seconds)

    async def run_once(self) -> None:
        """One pass: unknown deliveries first, then upcoming hearings' notices."""
        now = self.deps.core.clock()
        cursor = self.deliveries.find({"status": "unknown"}, {"_id": 1}).limit(BATCH)
        for doc in [d async for d in cursor]:
            delivery = (await self.deps.store.load(DELIVERY, doc["_id"])).state
            if delivery is not None and delivery.status == "unknown" and delivery.resent_as is None:
                await self.resolve_unknown(delivery, now)
        await self.deps.providers.forget_unmatched_before(now - UNMATCHED_KEPT)
        lead = timedelta(hours=self.deps.settings.notice_check_lead_hours + max(
            self.deps.settings.reminder_offsets_hours, default=0))
        for hearing, victim_ids, moved in await self.deps.hearings.upcoming(now, now + lead):
            kind = MessageKind.HEARING_RESCHEDULED if moved else MessageKind.HEARING_SCHEDULED
            for victim_id in dict.fromkeys(victim_ids):
                await self.check_notice(hearing, victim_id, now, kind)

    async def resolve_unknown(self, delivery: Delivery, now: datetime) -> None:
        """Settle an unknown delivery from one unplaced report, or flag it once it has waited long enough."""
        doc = await self.deps.recipients.document(delivery.victim_id) or {}
        since = delivery.dispatched_at or delivery.scheduled_at
        reports = await self.deps.providers.unmatched_for(list(doc.get("phone_keys", [])), since)
        if len(reports) == 1:
            report = reports[0]
            await self.deps.providers.link(report["provider"], report["message_id"], delivery.id)
            await apply_delivery_report(self.deps, DeliveryReport(
                provider=report["provider"], provider_message_id=report["message_id"], status=report["status"],
                raw_status=report["status"], error_code=report.get("error_code")))
            await self.deps.providers.placed(report["_id"])
            log.info("unknown delivery settled by a provider report", extra={"delivery_id": delivery.id})
            return
        waited = now - (delivery.updated_at or since)
        if waited >= timedelta(seconds=self.deps.settings.unknown_flag_after_seconds):
            await self._flag(delivery, "outcome_unknown", now)

    async def check_notice(self, hearing: Hearing, victim_id: str, now: datetime, kind: MessageKind) -> None:
        """The hearing's current notice to one victim: planned if missing, flagged if not confirmed in time."""
        first_reminder = hearing.starts_at - timedelta(hours=max(self.deps.settings.reminder_offsets_hours, default=0))
        if now < first_reminder - timedelta(hours=self.deps.settings.notice_check_lead_hours):
            return
        notices = await self._notices(hearing, victim_id)
        if not notices:  # planned as the event's handler would have: same kind, same derived ids
            await plan_hearing_messages(self.deps, kind, hearing, victim_id, dispatcher_context(hearing.revision))
            return
        if any(_settled(notice, now, self.deps.settings.notice_grace_seconds) for notice in notices):
            return
        await self._flag(notices[-1], "notice_unconfirmed", now)

    async def _notices(self, hearing: Hearing, victim_id: str) -> list[Delivery]:
        query: dict[str, Any] = {"hearing_id": hearing.hearing_id, "victim_id": victim_id,
                                 "cause_event_id": hearing.revision,
                                 "kind": {"$in": [kind.value for kind in HEARING_NOTICES]}}
        docs = [d async for d in self.deliveries.find(query, {"_id": 1}).sort("scheduled_at", 1)]
        loaded = [(await self.deps.store.load(DELIVERY, d["_id"])).state for d in docs]
        return [d for d in loaded if d is not None]

    async def _flag(self, delivery: Delivery, reason: FlagReason, now: datetime) -> None:
        decide = partial(lifecycle.flag, now=now, reason=reason)
        committed = await self.deps.store.execute(DELIVERY, delivery.id, decide,
                                                  context=dispatcher_context(delivery.id))
        if committed.events:
            log.warning("delivery flagged for staff: %s", reason, extra={"delivery_id": delivery.id})


def _settled(notice: Delivery, now: datetime, grace_seconds: float) -> bool:
    """Confirmed, or nothing to confirm, or still on its way (not yet past its due time by the grace)."""
    if notice.status in CONFIRMED:
        return True
    if notice.status == "cancelled":
        return notice.reason in NOTHING_TO_CONFIRM
    if notice.status in ("pending", "dispatching"):
        return now - notice.due_at < timedelta(seconds=grace_seconds)
    return False  # unknown or failed
