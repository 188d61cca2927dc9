"""One-way keys for victims: indicators must tell victims apart, never who they are.

A key is HMAC-SHA256(secret, victim id). Without the secret, a key cannot be linked back to a
victim id even by someone holding intake's list of ids. The secret comes from settings (a secret
store in production); when unset, a random one is created once and kept in advocacy's own store,
so keys stay stable across restarts and rebuilds.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError

_SECRET_ID = "victim-pseudonym-key"


class Pseudonymizer:
    """Turns victim ids into stable one-way keys."""

    def __init__(self, secrets_collection: AsyncCollection[Any], configured: bytes | None = None) -> None:
        self._collection = secrets_collection
        self._key = configured

    async def key_for(self, victim_id: str) -> str:
        """The one-way key of a victim id."""
        secret = await self._secret()
        return hmac.new(secret, victim_id.encode(), hashlib.sha256).hexdigest()

    async def _secret(self) -> bytes:
        if self._key is None:
            doc = await self._collection.find_one({"_id": _SECRET_ID})
            if doc is None:
                try:
                    # Insert-if-absent by _id: concurrent workers agree on the first key written.
                    await self._collection.insert_one({"_id": _SECRET_ID, "key": secrets.token_hex(32)})
                except DuplicateKeyError:
                    pass
                doc = await self._collection.find_one({"_id": _SECRET_ID})
            assert doc is not None
            self._key = bytes.fromhex(doc["key"])
        return self._key
