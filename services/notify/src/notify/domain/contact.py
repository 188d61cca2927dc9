"""Phone numbers as notify may keep them: never in clear, only as a keyed hash for STOP replies.

A victim replying STOP is known only by the number the provider reports. Notify stores, when it
sends, HMAC-SHA256(key, normalised number) -> victim ids; an unkeyed hash of a phone number could
be reversed by trying every number, a keyed one cannot without the key. Erasure deletes the entry.
"""

from __future__ import annotations

import hashlib
import hmac

from servicekit.phones import InvalidPhone, to_e164

__all__ = ["InvalidPhone", "normalise_phone", "phone_index_key", "to_e164"]


def normalise_phone(raw: str, default_country_code: str = "223") -> str:
    """Digits with country code: "+223 70 00 00 01", "0022370000001" and "70000001" are one number."""
    return to_e164(raw, default_country_code)[1:]


def phone_index_key(secret: bytes, raw: str, default_country_code: str = "223") -> str:
    """The index entry id of a phone number (hex HMAC of its normalised form)."""
    normalised = normalise_phone(raw, default_country_code)
    return hmac.new(secret, f"notify.phone.v1|{normalised}".encode(), hashlib.sha256).hexdigest()
