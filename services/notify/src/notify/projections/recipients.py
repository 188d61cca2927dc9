"""Recipients: a victim's notification preferences, consent, opt-out and encrypted contact.

Built only from intake's events (plus STOP replies). The phone and e-mail stay the ciphertexts
intake published; erasure removes them at once and leaves a tombstone so a redelivered
registration cannot bring them back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from servicekit.audit import MAX_ORGANISATION

from ..domain.delivery import Channel
from ..domain.recipient import Recipient

PREFERENCE_FIELDS = ("channel", "language", "safe_hours_start", "safe_hours_end", "shared_phone")


class RecipientStore:
    """The `recipients` collection (`_id` = victim id) and the STOP-reply `phone_index`."""

    def __init__(self, db: AsyncDatabase[Any], *, default_channel: Channel = "sms") -> None:
        self.recipients = db["recipients"]
        self.phone_index = db["phone_index"]
        self.default_channel = default_channel

    async def document(self, victim_id: str) -> dict[str, Any] | None:
        """The stored document, ciphertexts included (only the dispatcher needs those)."""
        return await self.recipients.find_one({"_id": victim_id})

    async def owner(self, victim_id: str) -> str | None:
        """The organisation that documented the victim, for the audit entries about her (None once erased)."""
        return owner_of(await self.recipients.find_one({"_id": victim_id}, {"organisation": 1}))

    async def get(self, victim_id: str) -> Recipient | None:
        """What the rules need to decide, without the contact."""
        doc = await self.document(victim_id)
        return None if doc is None else self.to_recipient(doc)

    def to_recipient(self, doc: dict[str, Any]) -> Recipient:
        """The domain view of a stored document."""
        return Recipient(
            victim_id=doc["_id"], consent=bool(doc.get("consent")), opted_out=bool(doc.get("opted_out")),
            erased=bool(doc.get("erased")), channel=_channel(doc.get("channel"), self.default_channel),
            language=doc.get("language") or "fr", shared_phone=bool(doc.get("shared_phone")),
            safe_hours_start=doc.get("safe_hours_start"), safe_hours_end=doc.get("safe_hours_end"),
            has_phone=bool(doc.get("phone_ciphertext")), has_email=bool(doc.get("email_ciphertext")),
            consent_version=int(doc.get("consent_version") or 0),
        )

    async def register(self, victim_id: str, *, preferences: dict[str, Any], phone_ciphertext: str | None,
                       email_ciphertext: str | None, now: datetime, organisation: str | None = None) -> bool:
        """Record a registration; False when the victim was erased (nothing comes back).

        Consent is not part of a registration: until intake's consent event is applied, nobody is messaged.
        """
        update: dict[str, Any] = {"phone_ciphertext": phone_ciphertext, "email_ciphertext": email_ciphertext,
                                  "updated_at": now, **({"organisation": organisation} if organisation else {})}
        preferred = {k: v for k, v in preferences.items() if v is not None}
        try:  # the common case, a victim notify learns of now: one atomic insert, no read
            await self.recipients.insert_one({"_id": victim_id, **update, **preferred})
            return True
        except DuplicateKeyError:
            pass
        existing = await self.document(victim_id)
        if existing is not None and existing.get("erased"):
            return False
        if existing is None or not existing.get("consent_version"):
            # A consent change already applied carries newer preferences than the registration.
            update |= preferred
        await self.recipients.update_one({"_id": victim_id}, {"$set": update}, upsert=True)
        return True

    async def change_consent(self, victim_id: str, *, consent: bool, preferences: dict[str, Any], version: int,
                             at: datetime) -> bool:
        """Apply a consent change unless a newer one was applied; True when it was applied."""
        update: dict[str, Any] = {k: v for k, v in preferences.items() if v is not None}
        update |= {"consent": consent, "consent_version": version, "updated_at": at}
        # The common case in one write: a registered victim, not erased, who never replied STOP (so the
        # re-grant rule below has nothing to decide), and no newer consent applied. Otherwise read and decide.
        simple = {"_id": victim_id, "erased": {"$ne": True}, "opted_out_at": {"$exists": False},
                  "consent_version": {"$not": {"$gte": version}}}
        if (await self.recipients.update_one(simple, {"$set": update})).matched_count:
            return True
        existing = await self.document(victim_id)
        if existing is not None and (existing.get("erased") or int(existing.get("consent_version") or 0) >= version):
            return False
        opted_out_at = existing.get("opted_out_at") if existing else None
        regranted = consent and existing is not None and existing.get("consent") is False
        if regranted and opted_out_at is not None and _aware(opted_out_at) < at:
            # A STOP is sticky: intake republishes the whole consent on any change, so only a new grant
            # after a withdrawal, recorded after the reply, shows the victim asked for messages again.
            update["opted_out"] = False
        await self.recipients.update_one({"_id": victim_id}, {"$set": update}, upsert=True)
        return True

    async def erase(self, victim_id: str, *, at: datetime) -> None:
        """Forget the contact at once and keep only the fact of the erasure."""
        existing = await self.document(victim_id) or {}
        for key in existing.get("phone_keys", []):
            await self.phone_index.update_one({"_id": key}, {"$pull": {"victim_ids": victim_id}})
        await self.recipients.replace_one(
            {"_id": victim_id}, {"_id": victim_id, "erased": True, "erased_at": at, "consent": False}, upsert=True)

    async def opt_out(self, victim_ids: list[str], *, at: datetime) -> None:
        """Record a STOP reply for every victim reachable on that number."""
        if victim_ids:
            await self.recipients.update_many({"_id": {"$in": victim_ids}},
                                              {"$set": {"opted_out": True, "opted_out_at": at}})

    async def remember_phone(self, victim_id: str, index_key: str) -> None:
        """Index a number we sent to (keyed hash only), so a STOP reply from it can be matched."""
        await self.phone_index.update_one({"_id": index_key}, {"$addToSet": {"victim_ids": victim_id}}, upsert=True)
        await self.recipients.update_one({"_id": victim_id, "erased": {"$ne": True}},
                                         {"$addToSet": {"phone_keys": index_key}})

    async def victims_for_phone(self, index_key: str) -> list[str]:
        """Victims reachable on the number with this index key."""
        doc = await self.phone_index.find_one({"_id": index_key})
        return list(doc.get("victim_ids", [])) if doc else []


def owner_of(doc: dict[str, Any] | None) -> str | None:
    """The documenting organisation a recipient document names (None once erased, or for a code too long)."""
    owner = doc.get("organisation") if doc else None
    return owner if isinstance(owner, str) and len(owner) <= MAX_ORGANISATION else None


def _channel(stored: Any, default: Channel) -> Channel:
    return "email" if stored == "email" else "sms" if stored == "sms" else default


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
