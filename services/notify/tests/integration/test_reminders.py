"""Hearing reminders on the real stack: moved, removed, and sent after a restart only if still useful."""

from __future__ import annotations

import random
import uuid
from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.integration


def new_phone() -> str:
    return f"+2237{random.randrange(10**7):07d}"


def sms_to(gateway: Any, phone: str) -> list[Any]:
    return [r for r in gateway.requests() if phone in (r.form.get("to"), r.form.get("To"))]


async def statuses(notify: Any, victim: str) -> dict[str, tuple[str, str | None]]:
    return {f"{d.kind.value}/{d.reminder_offset_hours}/{d.cause_event_id[:8]}": (d.status, d.reason)
            for d in await notify.deliveries_of(victim)}


async def scheduled_hearing(notify: Any, phone: str) -> tuple[str, str, Any]:
    victim = await notify.register(phone=phone)
    hearing_id = f"h-{uuid.uuid4()}"
    starts_at = notify.clock() + timedelta(days=10)
    envelope = await notify.hearing_event("scheduled", hearing_id, [victim], starts_at)
    await notify.tick()
    return victim, hearing_id, envelope


async def test_a_reminder_due_while_the_service_was_down_is_sent_on_restart_if_still_useful(
        notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, _, _ = await scheduled_hearing(notify, phone)
    starts_at = notify.clock() + timedelta(days=10)
    await notify.stop()
    notify.clock.set(starts_at - timedelta(hours=23))  # 24 h reminder due an hour ago; 72 h one long past
    await notify.start()
    await notify.tick()
    reminders = {d.reminder_offset_hours: (d.status, d.reason) for d in await notify.deliveries_of(victim)
                 if d.reminder_offset_hours}
    assert reminders == {24: ("sent", None), 72: ("cancelled", "expired")}
    assert len(sms_to(sms_gateway, phone)) == 2


async def test_reminders_no_longer_useful_after_a_long_outage_are_skipped_and_recorded(
        notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, _, _ = await scheduled_hearing(notify, phone)
    starts_at = notify.clock() + timedelta(days=10)
    await notify.stop()
    notify.clock.set(starts_at - timedelta(hours=1))
    await notify.start()
    await notify.tick()
    reasons = {d.reason for d in await notify.deliveries_of(victim) if d.reminder_offset_hours}
    assert reasons == {"expired"} and len(sms_to(sms_gateway, phone)) == 1


async def test_rescheduling_moves_the_reminders(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, hearing_id, _ = await scheduled_hearing(notify, phone)
    new_start = notify.clock() + timedelta(days=20)
    await notify.hearing_event("rescheduled", hearing_id, [victim], new_start)
    await notify.tick()
    deliveries = await notify.deliveries_of(victim)
    pending = sorted(d.due_at for d in deliveries if d.status == "pending")
    assert pending == [new_start - timedelta(hours=72), new_start - timedelta(hours=24)]
    assert sorted(d.reason for d in deliveries if d.status == "cancelled") == ["hearing_moved", "hearing_moved"]
    messages = [r.form["message"] for r in sms_to(sms_gateway, phone)]
    assert len(messages) == 2 and "30 mars 2025" in messages[1]


async def test_cancelling_removes_the_reminders_and_tells_the_victim(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, hearing_id, _ = await scheduled_hearing(notify, phone)
    await notify.hearing_event("cancelled", hearing_id, [victim], notify.clock() + timedelta(days=10))
    await notify.tick()
    deliveries = await notify.deliveries_of(victim)
    assert sorted(d.reason for d in deliveries if d.status == "cancelled") == ["hearing_cancelled"] * 2
    assert not [d for d in deliveries if d.status == "pending"]
    messages = [r.form["message"] for r in sms_to(sms_gateway, phone)]
    assert len(messages) == 2 and "n'aura pas lieu" in messages[1] and "20 mars 2025" in messages[1]


async def test_an_old_hearing_event_replayed_after_a_newer_one_changes_nothing(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim, hearing_id, first = await scheduled_hearing(notify, phone)
    await notify.hearing_event("rescheduled", hearing_id, [victim], notify.clock() + timedelta(days=20))
    await notify.tick()
    before = await statuses(notify, victim)
    await notify.replay("casework.hearings", first)
    await notify.tick()
    assert await statuses(notify, victim) == before
    assert (await notify.deps.hearings.get(hearing_id)).starts_at == notify.clock() + timedelta(days=20)


async def test_only_configured_case_stages_are_told(notify: Any, sms_gateway: Any) -> None:
    phone = new_phone()
    victim = await notify.register(phone=phone)
    for stage in ("preliminary_investigation", "trial"):
        await notify.feed("casework.cases", "casework.case.stage_changed.v1", "case-1", {
            "case_id": "case-1", "victim_ids": [victim], "from_stage": "x", "to_stage": stage})
    await notify.tick()
    assert [d.kind.value for d in await notify.deliveries_of(victim)] == ["case_stage_changed"]
    assert len(sms_to(sms_gateway, phone)) == 1
