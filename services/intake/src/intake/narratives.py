"""Incidents' narratives and sources' accounts, stored only as ciphertext: `incident_texts`.

Each text is sealed with AES-256-GCM (AAD = incident id + which text) under the incident's own data key
(`incident_keys`, wrapped by intake's KEK like the victims' keys), or, for an account a registered
victim gave, under that victim's key. Documents are content-addressed, `_id` = "<incident id>:<SHA-256
of the ciphertext>", the digest the incident's events carry: a writer that dies before its commit leaves
an unreferenced ciphertext, never a wrong text, and a text edited behind intake's back no longer matches.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from servicekit.crypto import DecryptionError, decrypt_field, encrypt_field

NARRATIVE = "narrative"


def account_field(source: int) -> str:
    """The AAD field name of one source's account."""
    return f"account:{source}"


@dataclass(frozen=True)
class Sealed:
    """A text as stored: its ciphertext and the digest the history carries."""

    ciphertext: str
    digest: str


def seal(key: bytes, incident_id: str, field: str, text: str) -> Sealed:
    """Encrypt one text of an incident, bound to the incident and the field."""
    ciphertext = encrypt_field(key, text, subject_id=incident_id, field=field)
    return Sealed(ciphertext, hashlib.sha256(ciphertext.encode()).hexdigest())


class IncidentTexts:
    """The ciphertexts of incidents' narratives and accounts; all queries on them live here."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def save(self, incident_id: str, sealed: Sealed) -> None:
        """Store a ciphertext under its digest (storing it again changes nothing)."""
        doc_id = f"{incident_id}:{sealed.digest}"
        await self.collection.replace_one({"_id": doc_id}, {"_id": doc_id, "incident_id": incident_id,
                                                             "ciphertext": sealed.ciphertext}, upsert=True)

    async def open(self, key: bytes | None, incident_id: str, field: str, digest: str) -> str | None:
        """The text the digest attests to, or None (no key any more, missing, or altered)."""
        if key is None:
            return None
        doc = await self.collection.find_one({"_id": f"{incident_id}:{digest}"})
        if doc is None or hashlib.sha256(doc["ciphertext"].encode()).hexdigest() != digest:
            return None
        try:
            return decrypt_field(key, doc["ciphertext"], subject_id=incident_id, field=field)
        except DecryptionError:
            return None

    async def shred(self, incident_id: str) -> None:
        """Delete every ciphertext of the incident (after its key: an erasure's second step)."""
        await self.collection.delete_many({"incident_id": incident_id})
