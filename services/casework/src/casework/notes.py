"""Privileged case notes, encrypted at rest with a per-case data key wrapped by casework's KEK.

Notes never enter events, logs or the bus. Each case gets its own AES-256-GCM data key (AAD binds the
case id and the note id), stored only wrapped; shredding a case's notes deletes that key, so any copy
of the ciphertexts (backups included) becomes unreadable.
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


class NotesVault:
    """Stores and reads encrypted notes; all queries on the notes collections live here."""

    def __init__(self, db: AsyncDatabase[Any], kek: KeyEncryptionKey) -> None:
        self.keys = db["case_note_keys"]
        self.notes = db["case_notes"]
        self.kek = kek

    async def add(self, *, case_id: str, note_id: str, author: str, text: str, at: datetime) -> None:
        """Encrypt and store one note."""
        key = await self._case_key(case_id, create=True)
        assert key is not None
        ciphertext = encrypt_field(key, text, subject_id=case_id, field=f"note:{note_id}")
        await self.notes.insert_one({"_id": note_id, "case_id": case_id, "author": author,
                                     "created_at": at.isoformat(), "ciphertext": ciphertext})

    async def read_all(self, case_id: str) -> list[Note]:
        """Every note of a case, oldest first, decrypted."""
        key = await self._case_key(case_id, create=False)
        if key is None:
            return []
        cursor = self.notes.find({"case_id": case_id}).sort("created_at", 1).limit(MAX_NOTES_LISTED)
        return [Note(id=doc["_id"], case_id=case_id, author=doc["author"],
                     created_at=datetime.fromisoformat(doc["created_at"]),
                     text=decrypt_field(key, doc["ciphertext"], subject_id=case_id, field=f"note:{doc['_id']}"))
                async for doc in cursor]

    async def shred(self, case_id: str) -> None:
        """Destroy the case's notes key (tombstoned so it is never recreated), then the ciphertexts."""
        await self.keys.replace_one({"_id": case_id}, {"_id": case_id, "shredded": True}, upsert=True)
        await self.notes.delete_many({"case_id": case_id})

    async def _case_key(self, case_id: str, *, create: bool) -> bytes | None:
        doc = await self.keys.find_one({"_id": case_id})
        if doc is None and create:
            wrapped = wrap_key(self.kek, generate_data_key(), subject_id=case_id)
            try:
                await self.keys.insert_one({"_id": case_id, "wrapped": wrapped})
                doc = {"wrapped": wrapped}
            except DuplicateKeyError:  # a concurrent first note created it: use theirs
                doc = await self.keys.find_one({"_id": case_id})
        if doc is None:
            return None
        if doc.get("shredded"):
            if create:
                raise Conflict("case_notes_erased")
            return None
        return unwrap_key({self.kek.key_id: self.kek}, doc["wrapped"], subject_id=case_id)
