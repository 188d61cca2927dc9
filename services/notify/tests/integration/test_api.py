"""Notify's HTTP surface on the real store: provider callbacks, STOP, history (audited), previews, health."""

from __future__ import annotations

import random
import sys
import uuid
from datetime import timedelta
from typing import Any

import pytest

pytestmark = pytest.mark.integration
STATUS_URL = "http://notify.test/webhooks/twilio/status"


def new_phone() -> str:
    return f"+2237{random.randrange(10**7):07d}"


def signed(form: dict[str, str], token: str, url: str = STATUS_URL) -> dict[str, str]:
    signature = sys.modules["notify_test_support_gateway"].twilio_signature(url, form, token)
    return {"X-Twilio-Signature": signature}


async def sent_through(notify: Any, sms_gateway: Any, provider: str) -> tuple[str, str]:
    """A referral message sent through `provider`; returns (delivery id, provider message id)."""
    if provider == "twilio":
        sms_gateway.script("africastalking", ["insufficient_balance"])  # our account: fail over at once
    victim = await notify.register(phone=new_phone())
    await notify.referral_accepted(victim)
    await notify.tick()
    (delivery,) = await notify.deliveries_of(victim)
    assert (delivery.status, delivery.provider) == ("sent", provider)
    link = await notify.deps.core.db["provider_messages"].find_one({"delivery_id": delivery.id})
    return delivery.id, link["_id"].split(":", 1)[1]


def twilio_report(message_id: str, status: str, account_sid: str) -> dict[str, str]:
    return {"MessageSid": message_id, "SmsSid": message_id, "MessageStatus": status, "SmsStatus": status,
            "AccountSid": account_sid, "ApiVersion": "2010-04-01"}


async def test_twilio_status_callbacks_are_idempotent_and_monotonic(notify: Any, api: Any, sms_gateway: Any) -> None:
    delivery_id, sid = await sent_through(notify, sms_gateway, "twilio")
    assert sms_gateway.requests("twilio")[-1].form["StatusCallback"] == STATUS_URL
    for status in ("delivered", "delivered", "sent"):
        form = twilio_report(sid, status, sms_gateway.twilio_account_sid)
        answer = await api.post("/webhooks/twilio/status", data=form,
                                headers=signed(form, sms_gateway.twilio_auth_token))
        assert answer.status_code == 200
    history = [e["type"] for c in await notify.deps.store.history(delivery_id) for e in c["events"]]
    assert history.count("notify.delivery.delivered.v1") == 1
    assert (await notify.delivery(delivery_id)).status == "delivered"


async def test_an_unsigned_status_callback_is_refused_and_changes_nothing(notify: Any, api: Any,
                                                                          sms_gateway: Any) -> None:
    delivery_id, sid = await sent_through(notify, sms_gateway, "twilio")
    form = twilio_report(sid, "failed", sms_gateway.twilio_account_sid)
    answer = await api.post("/webhooks/twilio/status", data=form, headers=signed(form, "not-the-auth-token"))
    assert answer.status_code == 403 and answer.headers["content-type"] == "application/problem+json"
    assert (await notify.delivery(delivery_id)).status == "sent"


async def test_a_malformed_status_callback_is_a_clear_422(notify: Any, api: Any, sms_gateway: Any) -> None:
    form = {"AccountSid": sms_gateway.twilio_account_sid}
    answer = await api.post("/webhooks/twilio/status", data=form, headers=signed(form, sms_gateway.twilio_auth_token))
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "body"


async def test_africastalking_delivery_report_with_the_token_fails_the_delivery(notify: Any, api: Any,
                                                                                sms_gateway: Any) -> None:
    delivery_id, message_id = await sent_through(notify, sms_gateway, "africastalking")
    answer = await api.post("/webhooks/africastalking/delivery", params={"token": "at-callback-token"},
                            data={"id": message_id, "status": "Failed", "failureReason": "AbsentSubscriber"})
    delivery = await notify.delivery(delivery_id)
    assert answer.status_code == 200
    assert (delivery.status, delivery.reason) == ("failed", "africastalking:AbsentSubscriber")


async def test_a_report_for_a_message_we_never_sent_is_acknowledged_and_ignored(notify: Any, api: Any) -> None:
    answer = await api.post("/webhooks/africastalking/delivery", params={"token": "at-callback-token"},
                            data={"id": "ATXid_unknown", "status": "Success"})
    assert answer.status_code == 200
    assert await notify.deps.core.db["provider_messages"].count_documents({}) == 0


async def test_delivery_history_is_for_notify_admins_and_every_read_is_audited(
        notify: Any, api: Any, sms_gateway: Any, token: Any) -> None:
    delivery_id, _ = await sent_through(notify, sms_gateway, "africastalking")
    victim = (await notify.delivery(delivery_id)).victim_id
    assert (await api.get(f"/victims/{victim}/deliveries")).status_code == 401
    assert (await api.get(f"/victims/{victim}/deliveries", headers=token("lawyer"))).status_code == 403
    answer = await api.get(f"/victims/{victim}/deliveries", headers=token("notify_admin", sub="admin-7"))
    assert answer.status_code == 200
    assert [(d["id"], d["status"]) for d in answer.json()["items"]] == [(delivery_id, "sent")]
    entries = await notify.deps.core.audit.query(resource_id=victim)
    reads = [e for e in entries if e.action == "deliveries.read"]
    assert [(e.actor, e.outcome) for e in reads] == [("admin-7", "allowed")]
    assert any(e.action == "contact.decrypted" for e in entries)
    # Each entry names the organisation that documented her, whose officers may read it.
    assert {e.owner_organisation for e in entries} == {"org-amdh"}


async def test_a_victims_deliveries_come_in_pages_that_show_each_once(notify: Any, api: Any, token: Any) -> None:
    victim = await notify.register(phone=new_phone())
    await notify.hearing_event("scheduled", f"h-{uuid.uuid4()}", [victim], notify.clock() + timedelta(days=10))
    url, admin = f"/victims/{victim}/deliveries", token("notify_admin")
    first = (await api.get(url, params={"limit": 2}, headers=admin)).json()
    second = (await api.get(url, params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin)).json()
    listed = [d["id"] for d in first["items"] + second["items"]]
    assert (len(first["items"]), len(second["items"]), second["next_cursor"]) == (2, 1, None)
    assert listed == [d.id for d in await notify.deliveries_of(victim)]


async def test_a_cursor_notify_never_issued_is_a_422_naming_it(api: Any, token: Any) -> None:
    answer = await api.get("/deliveries", params={"cursor": "not-a-cursor"}, headers=token("notify_admin"))
    assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "cursor"


async def test_one_delivery_shows_its_history(notify: Any, api: Any, sms_gateway: Any, token: Any) -> None:
    delivery_id, _ = await sent_through(notify, sms_gateway, "africastalking")
    answer = await api.get(f"/deliveries/{delivery_id}", headers=token("admin"))
    assert [step["status"] for step in answer.json()["history"]] == ["pending", "dispatching", "sent"]


async def test_provider_health_counts_what_the_gateway_answered(notify: Any, api: Any, sms_gateway: Any,
                                                                token: Any) -> None:
    sms_gateway.script("africastalking", [503])
    await sent_through(notify, sms_gateway, "africastalking")
    answer = await api.get("/providers/health", headers=token("notify_admin"))
    providers = {p["name"]: p for p in answer.json()["providers"]}
    assert answer.json()["sms_configured"] and answer.json()["email_configured"]
    assert (providers["africastalking"]["failures"], providers["africastalking"]["successes"]) == (1, 1)
    assert providers["africastalking"]["last_error"] == "http:503" and providers["twilio"]["role"] == "failover"


async def test_staff_preview_templates_but_other_roles_cannot(api: Any, token: Any) -> None:
    answer = await api.get("/templates/hearing_reminder/bm", params={"shared_phone": "true"},
                           headers=token("lawyer"))
    assert answer.status_code == 200 and answer.json()["sms"]["segments"] >= 1
    assert "20 22 33 44" in answer.json()["body"] and "Tribunal" not in answer.json()["body"]
    assert (await api.get("/templates/hearing_reminder/bm", headers=token("monitor"))).status_code == 403
    assert (await api.get("/templates/no_such_kind/fr", headers=token("lawyer"))).status_code == 422
