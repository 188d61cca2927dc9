"""Privileged case notes, encrypted at rest with data keys wrapped by casework's KEK.

Notes never enter events, logs or the bus. A note about one victim of the case is sealed under a key of
that victim in that case (`<case id>:<victim id>`); a note about the collective proceedings under the
case's own key. AES-256-GCM, AAD binding the case id and the note id; keys stored only wrapped. Shredding
deletes (tombstones) a key, so every copy of its ciphertexts, backups included, becomes unreadable: a
victim leaving a collective case takes her notes with her, and the rest stay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.database import AsyncDatabase
from pymongo.errors import DuplicateKeyError
from servicekit.crypto import KeyEncryptionKey, decrypt_field, encrypt_field, generate_data_key, unwrap_key, wrap_key
from servicekit.errors import Conflict

MAX_NOTES_LISTED = 500


@dataclass(frozen=True)
class Note:
    """A decrypted note, only ever held in memory for the response."""

    id: str
    case_id: str
    author: str
    created_at: datetime
    text: str
    victim_id: str | None = None


class NotesVault:
    """Stores and reads encrypted notes; all queries on the notes collections live here."""

    def __init__(self, db: AsyncDatabase[Any], kek: KeyEncryptionKey) -> None:
        self.keys = db["case_note_keys"]
        self.notes = db["case_notes"]
        self.kek = kek

    async def add(self, *, case_id: str, note_id: str, author: str, text: str, at: datetime,
                  victim_id: str | None = None, request: str | None = None) -> None:
        """Encrypt and store one note (about one victim of the case, or the collective proceedings).

        `request` is the Idempotency-Key's command key the note id was derived from: the same request again
        stores nothing, the same key with another body is a 409 (a note is not an event, so the vault keeps it).
        """
        key = await self._case_key(case_id, victim_id, create=True)
        assert key is not None
        ciphertext = encrypt_field(key, text, subject_id=case_id, field=f"note:{note_id}")
        try:
            await self.notes.insert_one({"_id": note_id, "case_id": case_id, "victim_id": victim_id,
                                         "author": author, "created_at": at.isoformat(), "ciphertext": ciphertext,
                                         "request": request})
        except DuplicateKeyError:
            stored = await self.notes.find_one({"_id": note_id}, {"request": 1})
            if request is None or stored is None or stored.get("request") != request:
                raise Conflict("idempotency_key_reused", field="Idempotency-Key") from None

    async def read_all(self, case_id: str) -> list[Note]:
        """Every note of a case still readable, oldest first, decrypted."""
        cursor = self.notes.find({"case_id": case_id}).sort("created_at", 1).limit(MAX_NOTES_LISTED)
        keys: dict[str | None, bytes | None] = {}
        notes = []
        async for doc in cursor:
            victim_id = doc.get("victim_id")
            if victim_id not in keys:
                keys[victim_id] = await self._case_key(case_id, victim_id, create=False)
            key = keys[victim_id]
            if key is None:
                continue  # shredded with its victim: the ciphertext is being deleted
            notes.append(Note(id=doc["_id"], case_id=case_id, author=doc["author"], victim_id=victim_id,
                              created_at=datetime.fromisoformat(doc["created_at"]),
                              text=decrypt_field(key, doc["ciphertext"], subject_id=case_id,
                                                 field=f"note:{doc['_id']}")))
        return notes

    async def shred(self, case_id: str) -> None:
        """Destroy every notes key of the case (tombstoned so none is recreated), then every ciphertext."""
        await self._tombstone(case_id, None)
        async for doc in self.keys.find({"case_id": case_id, "victim_id": {"$ne": None}}, {"victim_id": 1}):
            await self._tombstone(case_id, doc["victim_id"])
        await self.notes.delete_many({"case_id": case_id})

    async def shred_victim(self, case_id: str, victim_id: str) -> None:
        """Destroy one victim's notes key in the case (tombstoned), then her notes; the others stay."""
        await self._tombstone(case_id, victim_id)
        await self.notes.delete_many({"case_id": case_id, "victim_id": victim_id})

    async def _tombstone(self, case_id: str, victim_id: str | None) -> None:
        key_id = _key_id(case_id, victim_id)
        await self.keys.replace_one({"_id": key_id}, {"_id": key_id, "case_id": case_id, "victim_id": victim_id,
                                                      "shredded": True}, upsert=True)

    async def _case_key(self, case_id: str, victim_id: str | None, *, create: bool) -> bytes | None:
        key_id = _key_id(case_id, victim_id)
        doc = await self.keys.find_one({"_id": key_id})
        if doc is None and create:
            wrapped = wrap_key(self.kek, generate_data_key(), subject_id=key_id)
            try:
                await self.keys.insert_one({"_id": key_id, "case_id": case_id, "victim_id": victim_id,
                                            "wrapped": wrapped})
                doc = {"wrapped": wrapped}
            except DuplicateKeyError:  # a concurrent first note created it: use theirs
                doc = await self.keys.find_one({"_id": key_id})
        if doc is None:
            return None
        if doc.get("shredded"):
            if create:
                raise Conflict("case_notes_erased")
            return None
        return unwrap_key({self.kek.key_id: self.kek}, doc["wrapped"], subject_id=key_id)


def _key_id(case_id: str, victim_id: str | None) -> str:
    # The case's own key keeps the case id alone, as before victims had keys of their own.
    return case_id if victim_id is None else f"{case_id}:{victim_id}"
