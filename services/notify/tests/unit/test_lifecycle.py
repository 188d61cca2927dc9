"""The delivery state machine: each command records at most once, and statuses only move forward."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial

from notify.domain import lifecycle
from notify.domain.delivery import DELIVERY, Delivery, DeliveryScheduled
from notify.domain.messages import MessageKind

NOW = datetime(2025, 3, 10, 10, 0, tzinfo=UTC)


def scheduled(**overrides) -> DeliveryScheduled:
    fields = {"victim_id": "v-1", "kind": MessageKind.HEARING_SCHEDULED, "channel": "sms", "template_version": 1,
              "cause_event_id": "e-1", "hearing_id": "h-1", "scheduled_at": NOW, "due_at": NOW}
    return DeliveryScheduled(**{**fields, **overrides})


def run(state: Delivery | None, decide) -> tuple[Delivery | None, list]:
    events = decide(state)
    return DELIVERY.fold("d-1", state, events), events


def pending(**overrides) -> Delivery:
    state, _ = run(None, partial(lifecycle.schedule, event=scheduled(**overrides)))
    assert state is not None
    return state


def dispatched() -> Delivery:
    state, _ = run(pending(), partial(lifecycle.dispatch, now=NOW))
    assert state is not None
    return state


def sent() -> Delivery:
    state, _ = run(dispatched(), partial(lifecycle.record_sent, now=NOW, provider="twilio", attempts=1))
    assert state is not None
    return state


def test_scheduling_twice_records_once() -> None:
    state = pending()
    _, events = run(state, partial(lifecycle.schedule, event=scheduled()))
    assert state.status == "pending" and events == []


def test_a_delivery_is_claimed_only_once() -> None:
    state = dispatched()
    _, second = run(state, partial(lifecycle.dispatch, now=NOW))
    assert state.status == "dispatching" and second == []


def test_a_delivery_is_not_claimed_before_it_is_due() -> None:
    _, events = run(pending(due_at=NOW + timedelta(hours=1)), partial(lifecycle.dispatch, now=NOW))
    assert events == []


def test_deferral_moves_the_due_time_forward_only() -> None:
    later = NOW + timedelta(hours=9)
    state, events = run(pending(), partial(lifecycle.defer, until=later))
    _, earlier = run(state, partial(lifecycle.defer, until=NOW + timedelta(hours=1)))
    assert len(events) == 1 and state.due_at == later and earlier == []


def test_sent_is_recorded_once_with_its_sms_facts() -> None:
    decide = partial(lifecycle.record_sent, now=NOW, provider="africastalking", attempts=3, segments=2,
                     encoding="UCS-2")
    state, events = run(dispatched(), decide)
    _, again = run(state, decide)
    assert (state.status, state.attempts, state.segments, state.encoding) == ("sent", 3, 2, "UCS-2")
    assert len(events) == 1 and again == []


def test_send_failure_is_recorded_with_its_code() -> None:
    decide = partial(lifecycle.record_send_failure, now=NOW, reason="http:400", provider="twilio", attempts=1)
    state, events = run(dispatched(), decide)
    assert (state.status, state.reason) == ("failed", "http:400")
    assert events[0].event_type == "notify.delivery.failed.v1" and events[0].stage == "send"


def test_delivered_report_is_applied_once() -> None:
    decide = partial(lifecycle.apply_report, now=NOW, provider="twilio", status="delivered")
    state, events = run(sent(), decide)
    _, again = run(state, decide)
    assert state.status == "delivered" and len(events) == 1 and again == []


def test_late_sent_report_never_overwrites_delivered() -> None:
    state, _ = run(sent(), partial(lifecycle.apply_report, now=NOW, provider="twilio", status="delivered"))
    after, events = run(state, partial(lifecycle.apply_report, now=NOW, provider="twilio", status="sent"))
    assert events == [] and after.status == "delivered"


def test_failed_report_after_delivered_is_ignored() -> None:
    state, _ = run(sent(), partial(lifecycle.apply_report, now=NOW, provider="twilio", status="delivered"))
    _, events = run(state, partial(lifecycle.apply_report, now=NOW, provider="twilio", status="failed"))
    assert events == []


def test_carrier_failure_report_names_the_provider_code() -> None:
    decide = partial(lifecycle.apply_report, now=NOW, provider="africastalking", status="failed",
                     error_code="AbsentSubscriber")
    state, events = run(sent(), decide)
    assert state.status == "failed" and events[0].stage == "carrier"
    assert state.reason == "africastalking:AbsentSubscriber"


def test_report_racing_the_sent_record_keeps_both_facts_and_the_final_status() -> None:
    early, _ = run(dispatched(), partial(lifecycle.apply_report, now=NOW, provider="twilio", status="delivered"))
    state, events = run(early, partial(lifecycle.record_sent, now=NOW, provider="twilio", attempts=1))
    assert len(events) == 1 and state.status == "delivered" and state.provider == "twilio"


def test_only_pending_deliveries_can_be_cancelled() -> None:
    cancelled, events = run(pending(), partial(lifecycle.cancel, now=NOW, reason="erased"))
    _, too_late = run(dispatched(), partial(lifecycle.cancel, now=NOW, reason="erased"))
    assert (cancelled.status, cancelled.reason, len(events)) == ("cancelled", "erased", 1)
    assert too_late == []


def test_interrupted_send_becomes_unknown_only_once_stale() -> None:
    stale_after = timedelta(minutes=5)
    _, fresh = run(dispatched(), partial(lifecycle.interrupt, now=NOW + timedelta(minutes=1), stale_after=stale_after))
    state, events = run(dispatched(), partial(lifecycle.interrupt, now=NOW + timedelta(minutes=6),
                                              stale_after=stale_after))
    assert fresh == [] and state.status == "unknown" and len(events) == 1


def test_outcome_events_carry_ids_and_status_but_no_content() -> None:
    _, events = run(dispatched(), partial(lifecycle.record_sent, now=NOW, provider="twilio", attempts=1))
    payload = events[0].model_dump(mode="json")
    assert set(payload) == {"victim_id", "channel", "kind", "at", "status", "provider", "attempts", "segments",
                            "encoding"}


def test_a_carrier_report_settles_an_unknown_delivery() -> None:
    stale_after = timedelta(minutes=5)
    unknown, _ = run(dispatched(), partial(lifecycle.interrupt, now=NOW + timedelta(minutes=6),
                                           stale_after=stale_after))
    state, events = run(unknown, partial(lifecycle.apply_report, now=NOW, provider="twilio", status="delivered"))
    assert unknown.status == "unknown" and state.status == "delivered" and len(events) == 1
