"""A real local SMS gateway for tests: Africa's Talking- and Twilio-shaped endpoints on 127.0.0.1.

It checks each provider's documented request shape and credentials, counts calls per provider,
answers from a per-provider script (HTTP statuses such as [503, 503, 200], or named behaviours
"timeout", "invalid_number", "insufficient_balance"), records requests, posts delivery reports
and inbound messages the way each provider does, and offers a sink that records callbacks.
The Twilio signature is computed here independently of the code under test.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import socket
import threading
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

import httpx
import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from servicekit.testing import eventually_sync

Provider = Literal["africastalking", "twilio"]
Step = int | str

TWILIO_ERROR_CODES = {400: 21211, 401: 20003, 404: 20404, 429: 20429}


@dataclass
class RecordedRequest:
    """A request the gateway received (provider call or callback hitting the sink)."""

    provider: str
    url: str
    headers: dict[str, str]
    form: dict[str, str]


@dataclass
class _Sent:
    provider: str
    to: str
    status_callback: str | None


@dataclass
class _State:
    lock: threading.Lock = field(default_factory=threading.Lock)
    scripts: dict[str, deque[Step]] = field(default_factory=lambda: defaultdict(deque))
    requests: list[RecordedRequest] = field(default_factory=list)
    callbacks: list[RecordedRequest] = field(default_factory=list)
    sent: dict[str, _Sent] = field(default_factory=dict)


def twilio_signature(url: str, form: dict[str, str], auth_token: str) -> str:
    """Sign like Twilio: HMAC-SHA1 over the URL and the sorted form keys and values, base64."""
    data = url + "".join(key + form[key] for key in sorted(form))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


class LocalGateway:
    """Both providers' request shapes on one local HTTP server, run by uvicorn in a thread."""

    def __init__(
        self,
        *,
        at_username: str = "sandbox",
        at_api_key: str = "at-test-key",
        twilio_account_sid: str = "AC" + "0123456789abcdef" * 2,
        twilio_auth_token: str = "twilio-test-token",
        hang_seconds: float = 2.0,
    ) -> None:
        self.at_username = at_username
        self.at_api_key = at_api_key
        self.twilio_account_sid = twilio_account_sid
        self.twilio_auth_token = twilio_auth_token
        self.hang_seconds = hang_seconds
        self.at_delivery_report_url: str | None = None
        self._state = _State()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.port = 0

    @property
    def base_url(self) -> str:
        """Root URL of the running gateway."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> LocalGateway:
        """Listen on a free loopback port and wait until the server is ready."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        config = uvicorn.Config(
            _build_app(self), log_level="warning", access_log=False, lifespan="off",
            timeout_graceful_shutdown=1,
        )  # fmt: skip
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        server, thread = self._server, self._thread

        def started() -> bool:
            assert thread.is_alive(), "the local gateway's server stopped"
            return bool(server.started)

        eventually_sync(started, "the local gateway's start", timeout=10, interval=0.01)
        return self

    def stop(self) -> None:
        """Shut the server down and wait for its thread."""
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(timeout=10)

    def __enter__(self) -> LocalGateway:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- scripting and inspection ------------------------------------------------------------

    def script(self, provider: Provider, steps: Iterable[Step]) -> None:
        """Answer the next calls to `provider` with these steps, then succeed again."""
        with self._state.lock:
            self._state.scripts[provider] = deque(steps)

    def reset(self) -> None:
        """Forget scripts, recorded requests, callbacks and sent messages."""
        with self._state.lock:
            self._state.scripts.clear()
            self._state.requests.clear()
            self._state.callbacks.clear()
            self._state.sent.clear()

    def call_count(self, provider: Provider) -> int:
        """How many requests reached the provider's send endpoint."""
        return len(self.requests(provider))

    def requests(self, provider: Provider | None = None) -> list[RecordedRequest]:
        """Recorded send requests, optionally for one provider."""
        with self._state.lock:
            return [r for r in self._state.requests if provider is None or r.provider == provider]

    @property
    def callbacks(self) -> list[RecordedRequest]:
        """Requests received by the callback sink (`callback_url`)."""
        with self._state.lock:
            return list(self._state.callbacks)

    def callback_url(self, name: str, **query: str) -> str:
        """A URL on this gateway that records whatever is posted to it."""
        suffix = "&".join(f"{k}={v}" for k, v in query.items())
        return f"{self.base_url}/_callbacks/{name}" + (f"?{suffix}" if suffix else "")

    # --- what the providers post to us --------------------------------------------------------

    async def post_delivery_report(
        self,
        provider: Provider,
        message_id: str,
        status: str,
        *,
        url: str | None = None,
        failure_reason: str | None = None,
    ) -> httpx.Response:
        """POST a delivery report for a sent message the way the provider would."""
        with self._state.lock:
            sent = self._state.sent.get(message_id)
        if provider == "twilio":
            target = url or (sent.status_callback if sent else None)
            form = {
                "MessageSid": message_id, "SmsSid": message_id, "MessageStatus": status,
                "SmsStatus": status, "AccountSid": self.twilio_account_sid,
                "To": sent.to if sent else "", "ApiVersion": "2010-04-01",
            }  # fmt: skip
            if failure_reason:
                form["ErrorCode"] = failure_reason
        else:
            target = url or self.at_delivery_report_url
            form = {"id": message_id, "status": status, "phoneNumber": sent.to if sent else "",
                    "networkCode": "61002", "retryCount": "0"}  # fmt: skip
            if failure_reason:
                form["failureReason"] = failure_reason
        if not target:
            raise ValueError("no callback URL known for this message")
        return await self._post_signed(provider, target, form)

    async def post_inbound_sms(self, provider: Provider, url: str, *, from_number: str, text: str) -> httpx.Response:
        """POST an incoming SMS (a reply such as STOP) the way the provider would."""
        message_id = secrets.token_hex(8)
        if provider == "twilio":
            form = {"MessageSid": "SM" + secrets.token_hex(16), "From": from_number, "To": "+15005550006",
                    "Body": text, "AccountSid": self.twilio_account_sid}  # fmt: skip
        else:
            form = {"id": message_id, "from": from_number, "to": "36000", "text": text,
                    "date": "2025-01-01 10:00:00", "linkId": message_id}  # fmt: skip
        return await self._post_signed(provider, url, form)

    async def _post_signed(self, provider: Provider, url: str, form: dict[str, str]) -> httpx.Response:
        headers = {}
        if provider == "twilio":
            headers["X-Twilio-Signature"] = twilio_signature(url, form, self.twilio_auth_token)
        async with httpx.AsyncClient() as client:
            return await client.post(url, data=form, headers=headers, timeout=10)

    # --- used by the app ----------------------------------------------------------------------

    def _record(self, provider: str, request: Request, form: dict[str, str]) -> None:
        entry = RecordedRequest(provider, str(request.url), dict(request.headers), form)
        with self._state.lock:
            target = self._state.callbacks if provider.startswith("callback:") else self._state.requests
            target.append(entry)

    def _next_step(self, provider: str) -> Step:
        with self._state.lock:
            script = self._state.scripts[provider]
            return script.popleft() if script else 201

    def _remember(self, message_id: str, sent: _Sent) -> None:
        with self._state.lock:
            self._state.sent[message_id] = sent


async def _form(request: Request) -> dict[str, str]:
    return {key: str(value) for key, value in (await request.form()).items()}


def _at_recipient(form: dict[str, str], code: int, status: str, message_id: str | None) -> dict[str, Any]:
    cost = "XOF 25.0000" if message_id else "0"
    return {"statusCode": code, "number": form["to"], "status": status, "cost": cost,
            "messageId": message_id or "None", "messageParts": 1}  # fmt: skip


async def _africastalking_answer(gw: LocalGateway, step: Step, form: dict[str, str]) -> Response:
    if step == "timeout":
        await asyncio.sleep(gw.hang_seconds)
        return PlainTextResponse("Gateway Timeout", status_code=504)
    named = {"invalid_number": (403, "InvalidPhoneNumber"), "insufficient_balance": (405, "InsufficientBalance")}
    if isinstance(step, str):
        code, status = named[step]
        recipient = _at_recipient(form, code, status, None)
    elif 200 <= step <= 299:
        message_id = "ATXid_" + secrets.token_hex(16)
        gw._remember(message_id, _Sent("africastalking", form["to"], None))
        recipient = _at_recipient(form, 101, "Success", message_id)
    else:
        return PlainTextResponse(f"Scripted error {step}", status_code=step)
    body = {"SMSMessageData": {"Message": "Sent to 1/1", "Recipients": [recipient]}}
    return JSONResponse(body, status_code=201)


async def _twilio_answer(gw: LocalGateway, step: Step, form: dict[str, str]) -> Response:
    if step == "timeout":
        await asyncio.sleep(gw.hang_seconds)
        return _twilio_error(504, 20500)
    if step == "invalid_number":
        return _twilio_error(400, 21211)
    if isinstance(step, str):
        return _twilio_error(400, 21606)
    if not 200 <= step <= 299:
        return _twilio_error(step, TWILIO_ERROR_CODES.get(step, 20500))
    sid = "SM" + secrets.token_hex(16)
    gw._remember(sid, _Sent("twilio", form["To"], form.get("StatusCallback")))
    body = {"sid": sid, "status": "queued", "to": form["To"], "from": form.get("From"),
            "account_sid": gw.twilio_account_sid, "num_segments": "1", "direction": "outbound-api",
            "api_version": "2010-04-01", "error_code": None, "error_message": None}  # fmt: skip
    return JSONResponse(body, status_code=201)


def _twilio_error(status: int, code: int) -> JSONResponse:
    body = {"code": code, "message": f"Scripted error {code}", "status": status,
            "more_info": f"https://www.twilio.com/docs/errors/{code}"}  # fmt: skip
    return JSONResponse(body, status_code=status)


def _twilio_auth_ok(gw: LocalGateway, request: Request) -> bool:
    header = request.headers.get("authorization", "")
    expected = base64.b64encode(f"{gw.twilio_account_sid}:{gw.twilio_auth_token}".encode()).decode()
    return hmac.compare_digest(header, f"Basic {expected}")


def _build_app(gw: LocalGateway) -> FastAPI:
    app = FastAPI()

    @app.post("/version1/messaging")
    async def africastalking_send(request: Request) -> Response:
        form = await _form(request)
        gw._record("africastalking", request, form)
        if request.headers.get("apikey") != gw.at_api_key:
            return PlainTextResponse("The supplied authentication is invalid", status_code=401)
        if form.get("username") != gw.at_username or not form.get("to") or not form.get("message"):
            return PlainTextResponse("Request is missing required form fields", status_code=400)
        return await _africastalking_answer(gw, gw._next_step("africastalking"), form)

    @app.post("/2010-04-01/Accounts/{account_sid}/Messages.json")
    async def twilio_send(account_sid: str, request: Request) -> Response:
        form = await _form(request)
        gw._record("twilio", request, form)
        if not _twilio_auth_ok(gw, request):
            return _twilio_error(401, 20003)
        if account_sid != gw.twilio_account_sid:
            return _twilio_error(404, 20404)
        if not form.get("To") or not form.get("Body"):
            return _twilio_error(400, 21604 if not form.get("To") else 21602)
        if not form.get("From") and not form.get("MessagingServiceSid"):
            return _twilio_error(400, 21603)
        return await _twilio_answer(gw, gw._next_step("twilio"), form)

    @app.post("/_callbacks/{name}")
    async def callback_sink(name: str, request: Request) -> Response:
        gw._record(f"callback:{name}", request, await _form(request))
        return PlainTextResponse("ok")

    return app
