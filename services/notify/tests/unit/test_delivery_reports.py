"""Provider answers and delivery callbacks, normalised; monotonic status merging; callback auth."""

from __future__ import annotations

import itertools

import pytest
from notify.channels import STATUS_RANK, DeliveryStatus, merge_status
from notify.channels import sms_africastalking as at
from notify.channels import sms_twilio as tw

TWILIO_DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_DOC_TOKEN = "12345"


def twilio_doc_params(caller: str) -> dict[str, str]:
    return {"CallSid": "CA1234567890ABCDE", "Caller": caller, "Digits": "1234", "From": caller,
            "To": "+18005551212"}  # fmt: skip


# --- merge_status ------------------------------------------------------------------------------


def test_late_sent_never_overwrites_delivered() -> None:
    assert merge_status("delivered", "sent") == "delivered"
    assert merge_status("delivered", "queued") == "delivered"


def test_status_moves_forward() -> None:
    assert merge_status("queued", "sent") == "sent"
    assert merge_status("sent", "delivered") == "delivered"
    assert merge_status("sent", "failed") == "failed"


def test_terminal_states_stay_put() -> None:
    assert merge_status("failed", "delivered") == "failed"
    assert merge_status("delivered", "failed") == "delivered"


def test_none_is_neutral() -> None:
    assert merge_status(None, "sent") == "sent"
    assert merge_status("sent", None) == "sent"


def test_merge_is_monotonic_idempotent_and_order_insensitive_for_terminals() -> None:
    statuses: list[DeliveryStatus] = ["queued", "sent", "delivered", "failed"]
    for current, incoming in itertools.product(statuses, repeat=2):
        merged = merge_status(current, incoming)
        assert merged is not None
        assert STATUS_RANK[merged] >= STATUS_RANK[current]
        assert merge_status(merged, incoming) == merged


def test_replayed_callbacks_in_any_order_end_delivered() -> None:
    events: list[DeliveryStatus] = ["queued", "sent", "delivered"]
    for order in itertools.permutations(events):
        state: DeliveryStatus | None = None
        for status in order:
            state = merge_status(state, status)
        assert state == "delivered"


# --- Twilio ------------------------------------------------------------------------------------


def test_twilio_signature_matches_the_documented_example() -> None:
    params = twilio_doc_params("+12349013030")
    signature = tw.compute_signature(TWILIO_DOC_URL, params, TWILIO_DOC_TOKEN)
    assert signature == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert tw.validate_signature(TWILIO_DOC_URL, params, signature, TWILIO_DOC_TOKEN)


def test_twilio_signature_matches_the_helper_library_example() -> None:
    params = twilio_doc_params("+14158675309")
    assert tw.validate_signature(TWILIO_DOC_URL, params, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", TWILIO_DOC_TOKEN)


def test_twilio_signature_rejects_tampering() -> None:
    params = twilio_doc_params("+12349013030")
    good = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert not tw.validate_signature(TWILIO_DOC_URL, {**params, "Digits": "9"}, good, TWILIO_DOC_TOKEN)
    assert not tw.validate_signature(TWILIO_DOC_URL + "&x=1", params, good, TWILIO_DOC_TOKEN)
    assert not tw.validate_signature(TWILIO_DOC_URL, params, good, "other-token")
    assert not tw.validate_signature(TWILIO_DOC_URL, params, None, TWILIO_DOC_TOKEN)
    assert not tw.validate_signature(TWILIO_DOC_URL, params, good, "")


def test_twilio_signature_tolerates_an_explicit_default_port() -> None:
    params = twilio_doc_params("+12349013030")
    url = "https://mycompany.com:443/myapp.php?foo=1&bar=2"
    assert tw.validate_signature(url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ=", TWILIO_DOC_TOKEN)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("queued", "queued"), ("sending", "queued"), ("sent", "sent"), ("delivered", "delivered"),
     ("undelivered", "failed"), ("failed", "failed"), ("receiving", None)],
)  # fmt: skip
def test_twilio_status_callback_is_normalised(raw: str, expected: str | None) -> None:
    report = tw.parse_delivery_report({"MessageSid": "SM1", "MessageStatus": raw, "ErrorCode": ""})
    assert report.status == expected
    assert report.provider_message_id == "SM1"


def test_twilio_status_callback_without_sid_is_refused() -> None:
    with pytest.raises(ValueError):
        tw.parse_delivery_report({"MessageStatus": "sent"})


def test_twilio_send_answers() -> None:
    ok = tw.parse_send_response("twilio", 201, {"sid": "SMabc", "status": "queued"})
    assert (ok.status, ok.provider_message_id) == ("accepted", "SMabc")
    bad = tw.parse_send_response("twilio", 400, {"code": 21211, "message": "The 'To' number +223 is not valid"})
    assert (bad.status, bad.error, bad.provider_fault) == ("rejected", "twilio:21211", False)
    assert "+223" not in (bad.error or "")
    sender = tw.parse_send_response("twilio", 400, {"code": 21606})
    assert sender.provider_fault
    assert tw.parse_send_response("twilio", 401, {"code": 20003}).provider_fault
    assert tw.parse_send_response("twilio", 429, {"code": 20429}).status == "retryable"
    assert tw.parse_send_response("twilio", 503, {}).error == "http:503"


def test_twilio_inbound_reply() -> None:
    inbound = tw.parse_inbound_sms({"From": "+22370000000", "Body": "STOP", "MessageSid": "SM9"})
    assert (inbound.text, inbound.provider_message_id) == ("STOP", "SM9")


# --- Africa's Talking --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Submitted", "sent"), ("Buffered", "sent"), ("Sent", "sent"), ("Success", "delivered"),
     ("Rejected", "failed"), ("Failed", "failed"), ("Mystery", None)],
)  # fmt: skip
def test_africastalking_delivery_report_is_normalised(raw: str, expected: str | None) -> None:
    report = at.parse_delivery_report({"id": "ATXid_1", "status": raw, "failureReason": "UserInBlackList"})
    assert report.status == expected
    assert report.error_code == "UserInBlackList"


def recipients(code: int, message_id: str = "ATXid_1") -> dict[str, object]:
    return {"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [
        {"statusCode": code, "number": "+22370000000", "status": "x", "messageId": message_id}]}}  # fmt: skip


def test_africastalking_send_answers() -> None:
    ok = at.parse_send_response("africastalking", 201, recipients(101))
    assert (ok.status, ok.provider_message_id) == ("accepted", "ATXid_1")
    invalid = at.parse_send_response("africastalking", 201, recipients(403))
    assert (invalid.status, invalid.provider_fault) == ("rejected", False)
    assert invalid.error == "africastalking:403:InvalidPhoneNumber"
    broke = at.parse_send_response("africastalking", 201, recipients(405))
    assert (broke.status, broke.provider_fault) == ("rejected", True)
    assert at.parse_send_response("africastalking", 201, recipients(501)).status == "retryable"
    assert at.parse_send_response("africastalking", 201, {"SMSMessageData": {"Recipients": []}}).status == "rejected"
    assert at.parse_send_response("africastalking", 401, {}).provider_fault
    assert at.parse_send_response("africastalking", 503, {}).status == "retryable"


def test_africastalking_callback_token() -> None:
    assert at.verify_callback_token("s3cret-token", "s3cret-token")
    assert not at.verify_callback_token("guess", "s3cret-token")
    assert not at.verify_callback_token(None, "s3cret-token")
    with pytest.raises(ValueError):
        at.verify_callback_token("anything", "")


def test_africastalking_inbound_reply() -> None:
    inbound = at.parse_inbound_sms({"from": "+22370000000", "text": "A dabila", "id": "1"})
    assert inbound.text == "A dabila"
