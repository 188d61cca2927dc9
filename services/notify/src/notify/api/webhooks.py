"""Provider webhooks: delivery reports and inbound SMS (STOP replies).

They are called by the SMS providers, not by people, so they are authenticated the providers'
way instead of with a JWT: Twilio signs each request (X-Twilio-Signature, HMAC-SHA1 with the
account's auth token over the public URL and the form); Africa's Talking does not sign, so its
callback URLs carry a shared secret token. Provider payloads have many fields we do not read; only
the fields read are modelled. Answers never say whether a number or a message is known to us.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Request, Response
from servicekit.errors import Forbidden, InvalidInput, NotFound
from starlette.datastructures import FormData

from ..channels import sms_africastalking as at
from ..channels import sms_twilio as tw
from ..channels.setup import ProviderAccount
from ..handlers import apply_delivery_report, opt_out_by_reply
from .deps import AppDeps

router = APIRouter(prefix="/webhooks", tags=["provider webhooks"])
FORM_BODY: dict[str, Any] = {"requestBody": {"content": {"application/x-www-form-urlencoded": {
    "schema": {"type": "object", "additionalProperties": {"type": "string"}}}}}}
RESPONSES: dict[int | str, dict[str, Any]] = {400: {}, 403: {}, 404: {}, 422: {}}
Token = Annotated[str | None, Query(max_length=200, description="Shared secret of the callback URL")]
Signature = Annotated[str | None, Header(alias="X-Twilio-Signature", max_length=200)]
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


async def _form(request: Request) -> FormData:
    try:
        return await request.form()
    except Exception:  # a malformed multipart body is the caller's error
        raise InvalidInput("body_not_form", field="body") from None


def _parse(parser: Callable[..., Any], form: dict[str, str], provider: str) -> Any:
    try:
        return parser(form, provider=provider)
    except ValueError:
        raise InvalidInput("callback_unreadable", field="body") from None


def _at_account(deps: AppDeps, token: str | None) -> ProviderAccount:
    accounts, expected = deps.channels.accounts_of("africastalking"), deps.settings.callback_token
    if not accounts or expected is None:
        raise NotFound("africastalking_callbacks_off")
    if not at.verify_callback_token(token, expected.get_secret_value()):
        raise Forbidden("callback_token_invalid")
    return accounts[0]


def _twilio_account(deps: AppDeps, request: Request, form: FormData, signature: str | None) -> ProviderAccount:
    accounts = deps.channels.accounts_of("twilio")
    if not accounts:
        raise NotFound("twilio_callbacks_off")
    url = deps.settings.public_base_url.rstrip("/") + request.url.path
    if request.url.query:
        url += "?" + request.url.query
    params: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        params.setdefault(key, []).append(str(value))
    for account in accounts:
        if tw.validate_signature(url, params, signature, account.secret):
            return account
    raise Forbidden("signature_invalid")


def _flat(form: FormData) -> dict[str, str]:
    return {key: str(value) for key, value in form.items()}


@router.post("/africastalking/delivery", openapi_extra=FORM_BODY, responses=RESPONSES)
async def africastalking_delivery_report(request: Request, deps: AppDeps, token: Token = None) -> dict[str, str]:
    """Africa's Talking delivery report (token in the URL); idempotent and monotonic."""
    account = _at_account(deps, token)
    report = _parse(at.parse_delivery_report, _flat(await _form(request)), account.name)
    await apply_delivery_report(deps, report)
    return {"status": "ok"}


@router.post("/africastalking/inbound", openapi_extra=FORM_BODY, responses=RESPONSES)
async def africastalking_inbound(request: Request, deps: AppDeps, token: Token = None) -> dict[str, str]:
    """Africa's Talking incoming SMS: a STOP / ARRET / DABILA reply opts the number out."""
    account = _at_account(deps, token)
    inbound = _parse(at.parse_inbound_sms, _flat(await _form(request)), account.name)
    await opt_out_by_reply(deps, inbound)
    return {"status": "ok"}


@router.post("/twilio/status", openapi_extra=FORM_BODY, responses=RESPONSES)
async def twilio_status_callback(request: Request, deps: AppDeps, signature: Signature = None) -> dict[str, str]:
    """Twilio status callback (signed); idempotent and monotonic."""
    form = await _form(request)
    account = _twilio_account(deps, request, form, signature)
    report = _parse(tw.parse_delivery_report, _flat(form), account.name)
    await apply_delivery_report(deps, report)
    return {"status": "ok"}


@router.post("/twilio/inbound", openapi_extra=FORM_BODY, responses=RESPONSES,
             response_class=Response)
async def twilio_inbound(request: Request, deps: AppDeps, signature: Signature = None) -> Response:
    """Twilio incoming SMS (signed): a STOP / ARRET / DABILA reply opts the number out."""
    form = await _form(request)
    account = _twilio_account(deps, request, form, signature)
    inbound = _parse(tw.parse_inbound_sms, _flat(form), account.name)
    await opt_out_by_reply(deps, inbound)
    return Response(EMPTY_TWIML, media_type="text/xml")

