"""Sending one delivery that passed every check: claim, decrypt, send, record.

Order matters for "exactly once": the claim (`dispatched`, guarded by the aggregate version) is
committed before the provider is called, and the contact is decrypted only after the claim. A
crash after the claim leaves the delivery `dispatching`, which the dispatcher later marks
`unknown` instead of sending it again; so does a send whose request may have reached the provider
without an answer (a read timeout, a dropped connection). The outcome, once known, is recorded with retries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Container
from datetime import timedelta
from functools import partial
from typing import Any, TypeVar

from servicekit.commands import audit_entry
from servicekit.crypto import DecryptionError
from servicekit.errors import TransientError, is_transient
from servicekit.eventstore import CommandContext
from servicekit.keyclient import KeyUnavailable, ReleaseDeferred

from .bootstrap import Deps
from .channels.sms_router import RouteResult
from .domain import lifecycle
from .domain.contact import InvalidPhone, phone_index_key, to_e164
from .domain.delivery import DELIVERY, CancelReason, Delivery
from .domain.messages import RenderedMessage, TemplateError, message_variables, render
from .domain.recipient import Hearing, Recipient
from .domain.sms import analyze
from .handlers.scheduling import ACTOR, acting, always, cancel_pending
from .projections.recipients import owner_of

log = logging.getLogger("notify.sending")
T = TypeVar("T")
NOT_READY_RECHECK = timedelta(minutes=5)
KEY_RETRY = timedelta(minutes=1)  # intake unreachable
# Intake busy (429/503): come back when it says, within bounds; nothing is claimed yet, so a retry cannot double a send.
DEFERRED_KEY_RETRY = timedelta(seconds=5)
DEFERRED_KEY_BOUNDS = (timedelta(seconds=1), timedelta(minutes=1))
RECORD_PATIENCE_SECONDS = 120.0
KEY_REFUSALS: dict[int, CancelReason] = {403: "no_consent", 404: "no_recipient", 410: "erased"}


def dispatcher_context(delivery_id: str) -> CommandContext:
    """Commands of the dispatcher correlate on the delivery id."""
    return CommandContext(actor=ACTOR, correlation_id=delivery_id)


def key_retry_delay(exc: TransientError) -> timedelta:
    """When to ask for the key again: intake's Retry-After when it was busy, a minute when it was away."""
    if not isinstance(exc, ReleaseDeferred):
        return KEY_RETRY
    if exc.retry_after is None:
        return DEFERRED_KEY_RETRY
    low, high = DEFERRED_KEY_BOUNDS
    return min(max(timedelta(seconds=exc.retry_after), low), high)


async def durably(step: Callable[[], Awaitable[T]], patience: float = RECORD_PATIENCE_SECONDS) -> T:
    """Retry a write on transient store errors: an outcome we know must not be lost to a blip."""
    deadline, delay = time.monotonic() + patience, 0.1
    while True:
        try:
            return await step()
        except Exception as exc:
            if not is_transient(exc) or time.monotonic() > deadline:
                raise
            await asyncio.sleep(delay)
            delay = min(delay * 2, 5.0)


class Sender:
    """Turns a due, checked delivery into one send and its recorded outcome."""

    def __init__(self, deps: Deps) -> None:
        self.deps = deps

    def _render(self, delivery: Delivery, recipient: Recipient, hearing: Hearing | None) -> RenderedMessage | None:
        settings = self.deps.settings
        if settings.callback_phone is None:
            return None
        variables = message_variables(
            delivery.kind, language=recipient.language, org_name=settings.org_name,
            callback_phone=settings.callback_phone, hearing_starts_at=hearing.starts_at if hearing else None,
            hearing_place=hearing.place_in(recipient.language) if hearing else None)
        return render(delivery.kind, recipient.language, variables, shared_phone=recipient.shared_phone)

    def _channel_ready(self, delivery: Delivery) -> bool:
        channels = self.deps.channels
        return (channels.sms if delivery.channel == "sms" else channels.email) is not None

    async def send(self, delivery: Delivery, recipient: Recipient, hearing: Hearing | None) -> None:
        """Send a delivery whose checks passed, unless something it needs is missing."""
        deps, now = self.deps, self.deps.core.clock()
        try:
            message = self._render(delivery, recipient, hearing) if self._channel_ready(delivery) else None
        except TemplateError as exc:
            log.error("message cannot be rendered: %s", exc, extra={"delivery_id": delivery.id})
            message = None
        if message is None:  # channel, callback number or template not configured: wait, lose nothing
            await deps.queue.postpone(delivery.id, now + NOT_READY_RECHECK)
            return
        try:
            await deps.keys.data_key(delivery.victim_id)  # fetched before the claim, used after it
        except KeyUnavailable as exc:
            reason = KEY_REFUSALS.get(exc.status, "no_consent")
            await cancel_pending(deps, [delivery.id], always(reason), dispatcher_context(delivery.id))
            return
        except TransientError as exc:
            await deps.queue.postpone(delivery.id, now + key_retry_delay(exc))
            return
        claim = partial(lifecycle.dispatch, now=now)
        claimed = await deps.store.execute(DELIVERY, delivery.id, claim, context=dispatcher_context(delivery.id))
        if not claimed.events or claimed.state is None:
            return  # another dispatcher claimed it, or it changed meanwhile
        # The queue entry stays due: this process skips it while the send is in flight, and a poll that meets
        # it elsewhere, or after a crash, reads `dispatching` and puts it off until the claim is stale.
        await self._send_claimed(claimed.state, message)

    async def _contact(self, delivery: Delivery, doc: dict[str, Any]) -> str:
        field = "phone" if delivery.channel == "sms" else "email"
        ciphertext = doc.get(f"{field}_ciphertext")
        if not ciphertext:
            raise DecryptionError("no contact left for this channel")
        return await self.deps.keys.decrypt(delivery.victim_id, field, ciphertext)

    async def _send_claimed(self, delivery: Delivery, message: RenderedMessage) -> None:
        # Read after the claim: an erasure applied before it leaves no contact to decrypt.
        doc = await self.deps.recipients.document(delivery.victim_id) or {}
        try:
            contact = await self._contact(delivery, doc)
        except (KeyUnavailable, DecryptionError, TransientError) as exc:
            reason = f"key:{exc.status}" if isinstance(exc, KeyUnavailable) else f"key:{type(exc).__name__}"
            await self._record_failure(delivery, reason, provider=None, attempts=0)
            return
        await self._audit_decryption(delivery, owner_of(doc))
        channels = self.deps.channels
        if delivery.channel == "sms":
            try:  # providers route E.164 only; contacts registered before normalisation are fixed here
                contact = to_e164(contact, self.deps.settings.default_country_code)
            except InvalidPhone:
                await self._record_failure(delivery, "invalid_phone", provider=None, attempts=0)
                return
            # Indexed before the send: a STOP reply, or a report for a send interrupted right after it, is matched.
            await _best_effort(self._index_phone(delivery.victim_id, contact, doc.get("phone_keys") or ()))
        if delivery.channel == "sms" and channels.sms is not None:
            callbacks = channels.status_callbacks(self.deps.settings.public_base_url)
            result = await channels.sms.send(contact, message.sms_body, status_callbacks=callbacks)
        elif delivery.channel == "email" and channels.email is not None:
            result = await channels.email.send(contact, message.subject, message.body)
        else:
            await self._record_failure(delivery, "no_channel", provider=None, attempts=0)
            return
        await self._record(delivery, result, message, contact)

    async def _audit_decryption(self, delivery: Delivery, owner: str | None) -> None:
        entry = audit_entry(acting(dispatcher_context(delivery.id)), "contact.decrypted", "victim", delivery.victim_id,
                            allowed=True, purpose=f"notification {delivery.kind.value}",
                            reason=f"delivery {delivery.id}", owner=owner)
        await durably(lambda: self.deps.core.audit.record(entry))

    async def _record(self, delivery: Delivery, result: RouteResult, message: RenderedMessage, contact: str) -> None:
        deps, now = self.deps, self.deps.core.clock()
        for attempt in result.attempts:
            await _best_effort(deps.providers.record_attempt(
                attempt.provider, ok=attempt.status == "accepted", error=attempt.error, at=now))
        if result.status == "unknown":
            await self._record_unknown(delivery, result.error)
            return
        if result.status != "accepted" or result.provider is None:
            await self._record_failure(delivery, result.error or "failed", provider=result.provider,
                                       attempts=len(result.attempts))
            return
        if result.provider_message_id:
            message_id = result.provider_message_id
            await durably(lambda: deps.providers.link(result.provider or "", message_id, delivery.id))
        sms = analyze(message.sms_body) if delivery.channel == "sms" else None
        decide = partial(lifecycle.record_sent, now=now, provider=result.provider, attempts=len(result.attempts),
                         segments=sms.segments if sms else None, encoding=sms.encoding if sms else None)
        await durably(lambda: deps.store.execute(DELIVERY, delivery.id, decide,
                                                 context=dispatcher_context(delivery.id)))
        await deps.queue.remove(delivery.id)
        log.info("delivery sent", extra={"delivery_id": delivery.id, "provider": result.provider,
                                         "attempts": len(result.attempts)})

    async def _record_unknown(self, delivery: Delivery, error: str | None) -> None:
        """No answer after the request left: staff decide (send again) once the reconciler flags it."""
        deps = self.deps
        decide = partial(lifecycle.record_unknown_outcome, now=deps.core.clock())
        await durably(lambda: deps.store.execute(DELIVERY, delivery.id, decide,
                                                 context=dispatcher_context(delivery.id)))
        await deps.queue.remove(delivery.id)
        log.warning("send outcome unknown", extra={"delivery_id": delivery.id, "error": error})

    async def _record_failure(self, delivery: Delivery, reason: str, *, provider: str | None, attempts: int) -> None:
        deps = self.deps
        decide = partial(lifecycle.record_send_failure, now=deps.core.clock(), reason=reason, provider=provider,
                         attempts=attempts)
        await durably(lambda: deps.store.execute(DELIVERY, delivery.id, decide,
                                                 context=dispatcher_context(delivery.id)))
        await deps.queue.remove(delivery.id)
        log.warning("delivery failed", extra={"delivery_id": delivery.id, "reason": reason, "attempts": attempts})

    async def _index_phone(self, victim_id: str, phone: str, indexed: Container[str]) -> None:
        secret = self.deps.settings.phone_index_key
        if secret is None:
            return
        try:
            key = phone_index_key(secret.get_secret_value().encode(), phone, self.deps.settings.default_country_code)
        except InvalidPhone:
            return
        if key not in indexed:  # the recipient's own list says this number is indexed already (a second message)
            await self.deps.recipients.remember_phone(victim_id, key)


async def _best_effort(step: Awaitable[Any]) -> None:
    """Bookkeeping that must never undo a send (health counters, the STOP index)."""
    try:
        await step
    except Exception as exc:
        log.warning("bookkeeping after a send failed: %s", type(exc).__name__)
