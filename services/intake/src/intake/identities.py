"""Victims' identifying data, stored only as ciphertext under each victim's data key.

`victim_identities` (`_id` = victim id) holds one ciphertext per field; the AAD of each binds the
victim id and the field name. Text is stored exactly as given (no trimming, no Unicode normalisation),
so "Aïssata N'Diaye" or "Fatoumata Kɔnɛ" comes back byte for byte.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pymongo.asynchronous.collection import AsyncCollection
from servicekit.crypto import decrypt_field, encrypt_field

# No control characters; everything else (accents, apostrophes, Bambara letters ɛ ɔ ɲ ŋ) is kept as is.
TEXT = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]+$"
PHONE = r"^\+?[0-9][0-9 ().-]{5,24}$"
EMAIL = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,63}$"


class VictimIdentity(BaseModel):
    """Identifying data of a victim: encrypted at rest, never in an event, log or trace in plaintext."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, max_length=200, pattern=TEXT, description="Full name")
    aliases: list[str] = Field(default_factory=list, max_length=10, description="Other names the victim is known by")
    phone: str | None = Field(default=None, max_length=25, pattern=PHONE, description="Phone number, e.g. +223 ...")
    email: str | None = Field(default=None, max_length=254, pattern=EMAIL, description="E-mail address")
    address: str | None = Field(default=None, max_length=500, pattern=TEXT, description="Address or locality")
    narrative: str | None = Field(default=None, max_length=20_000, pattern=TEXT,
                                  description="The victim's account, which may identify them")


def seal_identity(data_key: bytes, victim_id: str, identity: VictimIdentity) -> dict[str, str]:
    """One ciphertext per given field, bound to the victim and the field name."""
    sealed: dict[str, str] = {}
    for field, value in identity.model_dump(exclude_none=True).items():
        if field == "aliases":
            if not value:
                continue
            value = json.dumps(value, ensure_ascii=False)
        sealed[field] = encrypt_field(data_key, value, subject_id=victim_id, field=field)
    return sealed


def open_identity(data_key: bytes, victim_id: str, sealed: dict[str, str]) -> VictimIdentity:
    """Decrypt the sealed fields (raises servicekit.crypto.DecryptionError on any tampering)."""
    plain: dict[str, Any] = {field: decrypt_field(data_key, token, subject_id=victim_id, field=field)
                             for field, token in sealed.items()}
    if "aliases" in plain:
        plain["aliases"] = json.loads(plain["aliases"])
    return VictimIdentity.model_construct(**plain)


class VictimIdentities:
    """The identity store: ciphertexts only, removed on erasure."""

    def __init__(self, collection: AsyncCollection[dict[str, Any]]) -> None:
        self.collection = collection

    async def insert(self, victim_id: str, sealed: dict[str, str]) -> None:
        """Store a new victim's ciphertexts (an insert: the cheapest write; a duplicate raises)."""
        await self.collection.insert_one({"_id": victim_id, "fields": sealed})

    async def save(self, victim_id: str, sealed: dict[str, str]) -> None:
        """Store (or, for a retried registration, replace) a victim's ciphertexts."""
        await self.collection.replace_one({"_id": victim_id}, {"_id": victim_id, "fields": sealed}, upsert=True)

    async def sealed(self, victim_id: str) -> dict[str, str]:
        """The victim's ciphertexts ({} when none or erased)."""
        document = await self.collection.find_one({"_id": victim_id})
        return dict(document["fields"]) if document else {}

    async def shred(self, victim_id: str) -> None:
        """Delete the victim's ciphertexts."""
        await self.collection.delete_one({"_id": victim_id})
