"""Channel adapters against a real local SMS gateway and a real aiosmtpd server (no Kafka/Mongo)."""

from __future__ import annotations

import socket
import sys
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
from notify.channels import merge_status
from notify.channels import sms_africastalking as at
from notify.channels import sms_twilio as tw
from notify.channels.email import SmtpConfig, SmtpEmailSender
from notify.channels.sms_router import SmsRouter
from notify.domain.messages import MessageKind, render
from notify.domain.opt_out import is_opt_out
from notify.domain.retry import RetryPolicy

# The support modules conftest.py loaded (by path: pytest runs with --import-mode=importlib).
gateway_support = sys.modules["notify_test_support_gateway"]
smtp_support = sys.modules["notify_test_support_smtp"]

# aiosmtpd warns on AUTH without TLS; the local server is loopback-only and plain on purpose.
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")

VICTIM_PHONE = "+22370000001"
CALLBACK_TOKEN = "at-callback-secret"


async def no_sleep(_: float) -> None:
    """Backoff is exercised in unit tests; here attempts follow each other at once."""


@pytest.fixture(scope="module")
def gateway() -> Iterator[Any]:
    with gateway_support.LocalGateway(hang_seconds=1.0) as gw:
        yield gw


@pytest.fixture(autouse=True)
def fresh_gateway(gateway: Any) -> None:
    gateway.reset()


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def at_adapter(gateway: Any, http: httpx.AsyncClient, **overrides: Any) -> at.AfricasTalkingSms:
    settings: dict[str, Any] = {"username": gateway.at_username, "api_key": gateway.at_api_key,
                                "sender_id": "REDRESS", "base_url": gateway.base_url, "timeout": 5.0}  # fmt: skip
    return at.AfricasTalkingSms(at.AfricasTalkingConfig(**{**settings, **overrides}), http)


def twilio_adapter(gateway: Any, http: httpx.AsyncClient, **overrides: Any) -> tw.TwilioSms:
    settings: dict[str, Any] = {"account_sid": gateway.twilio_account_sid,
                                "auth_token": gateway.twilio_auth_token, "from_number": "+15005550006",
                                "base_url": gateway.base_url, "timeout": 5.0}  # fmt: skip
    return tw.TwilioSms(tw.TwilioConfig(**{**settings, **overrides}), http)


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}"


# --- one SMS through each adapter ----------------------------------------------------------------


async def test_africastalking_adapter_sends_the_documented_request(gateway: Any, http: httpx.AsyncClient) -> None:
    result = await at_adapter(gateway, http).send_sms(VICTIM_PHONE, "Bonjour, appelez le +223 20 22 33 44.")
    assert result.status == "accepted" and result.provider_message_id
    assert gateway.call_count("africastalking") == 1
    request = gateway.requests("africastalking")[0]
    assert request.headers["apikey"] == gateway.at_api_key
    assert request.headers["accept"] == "application/json"
    assert request.form == {"username": "sandbox", "to": VICTIM_PHONE, "from": "REDRESS",
                            "message": "Bonjour, appelez le +223 20 22 33 44."}  # fmt: skip


async def test_twilio_adapter_sends_the_documented_request(gateway: Any, http: httpx.AsyncClient) -> None:
    callback = gateway.callback_url("twilio")
    result = await twilio_adapter(gateway, http).send_sms(VICTIM_PHONE, "Hello", status_callback_url=callback)
    assert result.status == "accepted" and (result.provider_message_id or "").startswith("SM")
    assert gateway.call_count("twilio") == 1
    request = gateway.requests("twilio")[0]
    assert request.url.endswith(f"/2010-04-01/Accounts/{gateway.twilio_account_sid}/Messages.json")
    assert request.headers["authorization"].startswith("Basic ")
    assert request.form == {"To": VICTIM_PHONE, "From": "+15005550006", "Body": "Hello", "StatusCallback": callback}


# --- retries, rejections and failover through the router -----------------------------------------


@pytest.mark.parametrize("provider", ["africastalking", "twilio"])
async def test_503_503_200_is_exactly_three_calls_then_accepted(
    gateway: Any, http: httpx.AsyncClient, provider: str
) -> None:
    gateway.script(provider, [503, 503, 200])
    adapter = at_adapter(gateway, http) if provider == "africastalking" else twilio_adapter(gateway, http)
    result = await SmsRouter([adapter], policy=RetryPolicy(max_attempts=3), sleep=no_sleep).send(VICTIM_PHONE, "x")
    assert result.status == "accepted"
    assert gateway.call_count(provider) == 3
    assert [a.http_status for a in result.attempts] == [503, 503, 201]


@pytest.mark.parametrize("provider", ["africastalking", "twilio"])
async def test_400_is_one_call_and_failed(gateway: Any, http: httpx.AsyncClient, provider: str) -> None:
    gateway.script(provider, [400])
    primary = at_adapter(gateway, http) if provider == "africastalking" else twilio_adapter(gateway, http)
    other = twilio_adapter(gateway, http) if provider == "africastalking" else at_adapter(gateway, http)
    result = await SmsRouter([primary, other], sleep=no_sleep).send(VICTIM_PHONE, "x")
    assert result.status == "failed"
    assert gateway.call_count("africastalking") + gateway.call_count("twilio") == 1


async def test_invalid_number_in_a_200_answer_is_rejected_once(gateway: Any, http: httpx.AsyncClient) -> None:
    gateway.script("africastalking", ["invalid_number"])
    result = await SmsRouter([at_adapter(gateway, http)], sleep=no_sleep).send(VICTIM_PHONE, "x")
    assert result.status == "failed" and result.error == "africastalking:403:InvalidPhoneNumber"
    assert gateway.call_count("africastalking") == 1


async def test_primary_down_fails_over_to_the_second_provider(gateway: Any, http: httpx.AsyncClient) -> None:
    primary = at_adapter(gateway, http, base_url=closed_port_url())
    router = SmsRouter([primary, twilio_adapter(gateway, http)], policy=RetryPolicy(max_attempts=2), sleep=no_sleep)
    result = await router.send(VICTIM_PHONE, "x")
    assert result.status == "accepted" and result.provider == "twilio"
    assert [a.error for a in result.attempts[:2]] == ["network:ConnectError"] * 2
    assert gateway.call_count("twilio") == 1


async def test_primary_answering_503_fails_over_after_n_attempts(gateway: Any, http: httpx.AsyncClient) -> None:
    gateway.script("africastalking", [503, 503, 503])
    router = SmsRouter([at_adapter(gateway, http), twilio_adapter(gateway, http)], sleep=no_sleep)
    result = await router.send(VICTIM_PHONE, "x")
    assert result.provider == "twilio"
    assert (gateway.call_count("africastalking"), gateway.call_count("twilio")) == (3, 1)


async def test_bad_credentials_fail_over_without_retry(gateway: Any, http: httpx.AsyncClient) -> None:
    router = SmsRouter([at_adapter(gateway, http, api_key="wrong"), twilio_adapter(gateway, http)], sleep=no_sleep)
    result = await router.send(VICTIM_PHONE, "x")
    assert result.provider == "twilio"
    assert gateway.call_count("africastalking") == 1


async def test_a_timeout_after_the_request_left_is_unknown_and_never_sent_twice(gateway: Any,
                                                                                http: httpx.AsyncClient) -> None:
    # The gateway may have the message: a retry or a failover could text the victim twice.
    gateway.script("twilio", ["timeout"])
    primary = twilio_adapter(gateway, http, timeout=0.2)
    result = await SmsRouter([primary, at_adapter(gateway, http)], sleep=no_sleep).send(VICTIM_PHONE, "x")
    assert (result.status, result.error) == ("unknown", "network:ReadTimeout")
    assert (gateway.call_count("twilio"), gateway.call_count("africastalking")) == (1, 0)


# --- delivery callbacks and replies --------------------------------------------------------------


async def test_twilio_delivery_callback_is_signed_and_parsed(gateway: Any, http: httpx.AsyncClient) -> None:
    callback = gateway.callback_url("twilio-status")
    sent = await twilio_adapter(gateway, http).send_sms(VICTIM_PHONE, "x", status_callback_url=callback)
    assert sent.provider_message_id
    for status in ("sent", "delivered", "sent"):  # the last one arrives late
        await gateway.post_delivery_report("twilio", sent.provider_message_id, status)
    state = None
    for received in gateway.callbacks:
        signature = received.headers.get("x-twilio-signature")
        assert tw.validate_signature(received.url, received.form, signature, gateway.twilio_auth_token)
        assert not tw.validate_signature(received.url, received.form, signature, "not-the-token")
        report = tw.parse_delivery_report(received.form)
        assert report.provider_message_id == sent.provider_message_id
        state = merge_status(state, report.status)
    assert state == "delivered"


async def test_africastalking_delivery_report_carries_the_shared_token(gateway: Any, http: httpx.AsyncClient) -> None:
    gateway.at_delivery_report_url = gateway.callback_url("at-dlr", token=CALLBACK_TOKEN)
    sent = await at_adapter(gateway, http).send_sms(VICTIM_PHONE, "x")
    assert sent.provider_message_id
    await gateway.post_delivery_report("africastalking", sent.provider_message_id, "Failed",
                                       failure_reason="AbsentSubscriber")  # fmt: skip
    (received,) = gateway.callbacks
    token = httpx.URL(received.url).params.get("token")
    assert at.verify_callback_token(token, CALLBACK_TOKEN)
    report = at.parse_delivery_report(received.form)
    assert (report.status, report.error_code) == ("failed", "AbsentSubscriber")


@pytest.mark.parametrize(("provider", "text"), [("twilio", "STOP"), ("africastalking", "A dabila")])
async def test_inbound_stop_reply_is_recognised(gateway: Any, provider: str, text: str) -> None:
    await gateway.post_inbound_sms(provider, gateway.callback_url("inbound"), from_number=VICTIM_PHONE, text=text)
    (received,) = gateway.callbacks
    parse = tw.parse_inbound_sms if provider == "twilio" else at.parse_inbound_sms
    inbound = parse(received.form)
    assert inbound.from_number == VICTIM_PHONE and is_opt_out(inbound.text)


# --- e-mail --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[Any]:
    with smtp_support.LocalSmtpServer(require_auth=True) as server:
        yield server


def smtp_config(server: Any, **overrides: Any) -> SmtpConfig:
    settings: dict[str, Any] = {"host": server.host, "port": server.port, "from_address": "notify@redress.test",
                                "starttls": "optional", "username": server.username, "password": server.password,
                                "allow_insecure_auth": True, "timeout": 5.0}  # fmt: skip
    return SmtpConfig(**{**settings, **overrides})


async def test_email_is_delivered_with_subject_body_and_accents(smtp_server: Any) -> None:
    variables = {"date": "mercredi 17 septembre 2025", "time": "14h30", "place": "Tribunal de Kati",
                 "org_name": "Maison du droit", "callback_phone": "+223 20 22 33 44"}  # fmt: skip
    message = render(MessageKind.HEARING_SCHEDULED, "bm", variables, shared_phone=False)
    before = len(smtp_server.received())
    result = await SmtpEmailSender(smtp_config(smtp_server)).send_email(
        "victim@example.org", message.subject, message.body
    )
    assert result.status == "accepted" and result.provider_message_id
    mail = smtp_server.received()[before]
    assert mail.rcpt_tos == ["victim@example.org"]
    assert mail.authenticated_as == smtp_server.username
    assert mail.message["Subject"] == "Ɲɔgɔnye don: mercredi 17 septembre 2025"
    assert mail.message.get_content().strip() == message.body
    assert "lɛrɛ 14h30" in mail.message.get_content()
    assert mail.message["Message-ID"] == result.provider_message_id


async def test_email_with_french_accents_round_trips(smtp_server: Any) -> None:
    before = len(smtp_server.received())
    body = "Une audience est prévue à Ségou. Élément, déjà, août, être."
    result = await SmtpEmailSender(smtp_config(smtp_server)).send_email("v@example.org", "Rendez-vous prévu", body)
    assert result.status == "accepted"
    mail = smtp_server.received()[before]
    assert mail.message["Subject"] == "Rendez-vous prévu"
    assert mail.message.get_content().strip() == body


async def test_email_with_wrong_password_is_a_provider_fault(smtp_server: Any) -> None:
    result = await SmtpEmailSender(smtp_config(smtp_server, password="wrong")).send_email("v@example.org", "s", "b")
    assert (result.status, result.provider_fault) == ("rejected", True)


@pytest.mark.parametrize(
    ("reply", "status"), [("550 5.1.1 No such user", "rejected"), ("451 4.3.0 Later", "retryable")]
)
async def test_refused_recipient(smtp_server: Any, reply: str, status: str) -> None:
    smtp_server.rcpt_reply = reply
    try:
        result = await SmtpEmailSender(smtp_config(smtp_server)).send_email("v@example.org", "s", "b")
    finally:
        smtp_server.rcpt_reply = None
    assert result.status == status and result.error == f"smtp:{reply[:3]}"


async def test_required_starttls_against_a_server_without_it_is_refused(smtp_server: Any) -> None:
    config = smtp_config(smtp_server, starttls="required", allow_insecure_auth=False)
    result = await SmtpEmailSender(config).send_email("v@example.org", "s", "b")
    assert (result.status, result.provider_fault) == ("rejected", True)


async def test_smtp_server_down_is_retryable() -> None:
    port = int(httpx.URL(closed_port_url()).port or 1)
    config = SmtpConfig(host="127.0.0.1", port=port, from_address="notify@redress.test", starttls="off", timeout=2)
    result = await SmtpEmailSender(config).send_email("v@example.org", "s", "b")
    assert result.status == "retryable" and (result.error or "").startswith("network:")


def test_plaintext_auth_must_be_allowed_explicitly() -> None:
    with pytest.raises(ValueError):
        SmtpConfig(host="h", port=25, from_address="a@b", starttls="optional", username="u", password="p")
