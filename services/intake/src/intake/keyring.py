"""Victims' data keys, kept only wrapped by intake's KEK in `victim_keys` (`_id` = victim id).

Deleting a victim's wrapped key is crypto-shredding: every ciphertext of that victim, in this store,
in other services' stores and in Kafka's log, becomes unreadable. Rotation re-wraps every data key
under the current KEK; field ciphertexts are never touched (they are sealed by the data keys).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from servicekit.commands import Clock, utc_now
from servicekit.crypto import (
    DecryptionError,
    KeyEncryptionKey,
    generate_data_key,
    load_kek,
    rewrap,
    unwrap_key,
    wrap_key,
)
from servicekit.errors import Conflict

log = logging.getLogger("intake.keyring")


@dataclass(frozen=True)
class RotationReport:
    """Outcome of a KEK rotation pass."""

    rewrapped: int
    already_current: int
    failed: int
    kek_id: str

    def __add__(self, other: RotationReport) -> RotationReport:
        """Two keyrings' passes under the same KEK, counted together."""
        return RotationReport(self.rewrapped + other.rewrapped, self.already_current + other.already_current,
                              self.failed + other.failed, self.kek_id)


class VictimKeyring:
    """Creates, unwraps, rotates and destroys victims' data keys."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]], current: KeyEncryptionKey,
                 previous: Sequence[KeyEncryptionKey] = (), clock: Clock = utc_now) -> None:
        self.collection = collection
        self.clock = clock
        self.current = current
        self.keks = {kek.key_id: kek for kek in previous} | {current.key_id: current}

    @classmethod
    def from_sources(cls, collection: AsyncCollection[dict[str, Any]], current: SecretStr,
                     previous: Sequence[SecretStr], clock: Clock = utc_now) -> VictimKeyring:
        """Load the KEKs from their sources (fails fast on a bad source, never echoing it)."""
        return cls(collection, load_kek(current.get_secret_value()),
                   [load_kek(source.get_secret_value()) for source in previous], clock)

    async def create(self, victim_id: str) -> bytes | None:
        """A new data key for the victim, in one insert; None when she has one already (a retried registration)."""
        data_key = generate_data_key()
        document = {"_id": victim_id, "wrapped": wrap_key(self.current, data_key, subject_id=victim_id),
                    "created_at": self.clock()}
        try:
            await self.collection.insert_one(document)
        except DuplicateKeyError:
            return None
        return data_key

    async def create_or_get(self, victim_id: str) -> bytes:
        """The victim's data key, created on first use; a retried registration gets the same key."""
        if (created := await self.create(victim_id)) is not None:
            return created
        existing = await self.data_key(victim_id)
        if existing is None:  # shredded between our insert and our read: never resurrect it
            raise Conflict("victim_erased_during_registration")
        return existing

    async def data_key(self, victim_id: str) -> bytes | None:
        """The unwrapped data key, or None when the victim has none (unknown or shredded)."""
        document = await self.collection.find_one({"_id": victim_id})
        if document is None:
            return None
        return unwrap_key(self.keks, document["wrapped"], subject_id=victim_id)

    async def shred(self, victim_id: str) -> bool:
        """Destroy the wrapped key; True if there was one."""
        result = await self.collection.delete_one({"_id": victim_id})
        return result.deleted_count == 1

    async def rotate(self) -> RotationReport:
        """Re-wrap every data key not yet under the current KEK (an administrative full scan)."""
        rewrapped = current = failed = 0
        async for document in self.collection.find({}, {"wrapped": 1}):
            wrapped = document["wrapped"]
            if wrapped.get("kek_id") == self.current.key_id:
                current += 1
                continue
            try:
                fresh = rewrap(self.keks, wrapped, self.current, subject_id=document["_id"])
            except DecryptionError:
                failed += 1
                log.error("data key cannot be unwrapped by any configured KEK", extra={"victim_id": document["_id"]})
                continue
            # By `_id` alone (FerretDB indexes nothing else); no upsert, so a key shredded meanwhile stays gone.
            result = await self.collection.update_one({"_id": document["_id"]},
                                                      {"$set": {"wrapped": fresh, "rotated_at": self.clock()}})
            rewrapped += result.modified_count
        return RotationReport(rewrapped=rewrapped, already_current=current, failed=failed,
                              kek_id=self.current.key_id)
