"""Field-level encryption of victim PII: AES-256-GCM data keys wrapped by a key-encryption key.

Each victim has a random 32-byte data key. A PII field is encrypted with it into the compact string
``v1.<base64url nonce>.<base64url ciphertext+tag>``; the AAD binds the victim's pseudonymous id and the
field name, so a ciphertext copied onto another victim or into another field fails to decrypt.
Data keys are stored only wrapped (AES-256-GCM under a KEK, AAD = victim id). Deleting the wrapped
key is crypto-shredding: every copy of the field ciphertexts, anywhere, becomes unreadable.

KEK sources accepted by :func:`load_kek`:

- ``file:/path/to/kek`` — a text file whose last non-empty line is the base64 of 32 random bytes,
  optionally preceded by a line ``id:<key id>``; without that line the key id is the file name, so
  give the file a stable name (renaming it orphans every key wrapped under it).
- ``base64:<base64 of 32 bytes>`` — the key id is ``sha256:<first 16 hex of SHA-256(key)>``,
  stable across restarts and revealing nothing usable about the key.

Secrets never appear in reprs, logs or error messages.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import os
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

__all__ = [
    "DataKey",
    "DecryptionError",
    "KeyEncryptionKey",
    "decrypt_field",
    "encrypt_field",
    "generate_data_key",
    "load_kek",
    "rewrap",
    "unwrap_key",
    "wrap_key",
]

_log = logging.getLogger(__name__)

KEY_BYTES = 32
NONCE_BYTES = 12
FIELD_FORMAT = "v1"
WRAP_FORMAT = 1
# Distinct AAD labels keep a wrapped key and a field ciphertext from ever being swapped for each other.
_FIELD_LABEL = "redress.field.v1"
_WRAP_LABEL = "redress.dek.v1"


class DecryptionError(Exception):
    """Wrong key, wrong victim/field binding, tampered or malformed ciphertext."""


@dataclass(frozen=True)
class KeyEncryptionKey:
    """A key-encryption key and its id; the bytes never appear in repr."""

    key_id: str
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _check_key(self.key, "KEK")
        if not self.key_id:
            raise ValueError("KEK id must not be empty")


@dataclass(frozen=True)
class DataKey:
    """A victim's unwrapped data key, for callers that cache it briefly; bytes hidden from repr."""

    subject_id: str
    key: bytes = field(repr=False)

    def __post_init__(self) -> None:
        _check_key(self.key, "data key")


def _check_key(key: bytes, what: str) -> None:
    if not isinstance(key, bytes) or len(key) != KEY_BYTES:
        raise ValueError(f"{what} must be exactly {KEY_BYTES} bytes")


def _b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _b64d(text: str) -> bytes:
    # validate=True refuses characters outside the alphabet instead of silently skipping them.
    return base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_", validate=True)


def _aad(label: str, *parts: str) -> bytes:
    # A JSON array is unambiguous: ("a.b", "c") and ("a", "b.c") never produce the same bytes.
    return json.dumps([label, *parts], separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def generate_data_key() -> bytes:
    """Return a fresh random 32-byte AES-256 data key."""
    return AESGCM.generate_key(bit_length=256)


def encrypt_field(data_key: bytes, plaintext: str, *, subject_id: str, field: str) -> str:
    """Encrypt one PII field of one victim into ``v1.<nonce>.<ciphertext+tag>``."""
    _check_key(data_key, "data key")
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(data_key).encrypt(nonce, plaintext.encode("utf-8"), _aad(_FIELD_LABEL, subject_id, field))
    return f"{FIELD_FORMAT}.{_b64e(nonce)}.{_b64e(sealed)}"


def decrypt_field(data_key: bytes, token: str, *, subject_id: str, field: str) -> str:
    """Decrypt a field produced by :func:`encrypt_field`; raise DecryptionError on any mismatch."""
    _check_key(data_key, "data key")
    try:
        version, nonce_text, sealed_text = token.split(".")
        if version != FIELD_FORMAT:
            raise ValueError("unknown format")
        nonce, sealed = _b64d(nonce_text), _b64d(sealed_text)
        if len(nonce) != NONCE_BYTES:
            raise ValueError("bad nonce")
        plain = AESGCM(data_key).decrypt(nonce, sealed, _aad(_FIELD_LABEL, subject_id, field))
        return plain.decode("utf-8")
    except (ValueError, AttributeError, binascii.Error, InvalidTag, UnicodeDecodeError) as exc:
        raise DecryptionError("field cannot be decrypted with this key and binding") from exc


def wrap_key(kek: KeyEncryptionKey, data_key: bytes, *, subject_id: str) -> dict[str, Any]:
    """Wrap a victim's data key under the KEK; the result is safe to store."""
    _check_key(data_key, "data key")
    nonce = os.urandom(NONCE_BYTES)
    sealed = AESGCM(kek.key).encrypt(nonce, data_key, _aad(_WRAP_LABEL, subject_id))
    return {"v": WRAP_FORMAT, "alg": "A256GCM", "kek_id": kek.key_id,
            "nonce": _b64e(nonce), "ciphertext": _b64e(sealed)}


def unwrap_key(keks: Mapping[str, KeyEncryptionKey], wrapped: Mapping[str, Any], *, subject_id: str) -> bytes:
    """Recover a data key with whichever known KEK wrapped it; DecryptionError if impossible."""
    try:
        if wrapped["v"] != WRAP_FORMAT:
            raise ValueError("unknown wrap format")
        kek = keks.get(wrapped["kek_id"])
        if kek is None:
            raise DecryptionError("data key was wrapped by an unknown KEK")
        nonce, sealed = _b64d(wrapped["nonce"]), _b64d(wrapped["ciphertext"])
        data_key = AESGCM(kek.key).decrypt(nonce, sealed, _aad(_WRAP_LABEL, subject_id))
    except DecryptionError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, binascii.Error, InvalidTag) as exc:
        raise DecryptionError("data key cannot be unwrapped") from exc
    if len(data_key) != KEY_BYTES:
        raise DecryptionError("unwrapped data key has the wrong length")
    return data_key


def rewrap(keks: Mapping[str, KeyEncryptionKey], wrapped: Mapping[str, Any], new_kek: KeyEncryptionKey,
           *, subject_id: str) -> dict[str, Any]:
    """Re-wrap a data key under a new KEK (rotation); field ciphertexts stay untouched."""
    return wrap_key(new_kek, unwrap_key(keks, wrapped, subject_id=subject_id), subject_id=subject_id)


def load_kek(source: str) -> KeyEncryptionKey:
    """Load a KEK from ``file:/path`` or ``base64:<key>`` (see the module docstring)."""
    if source.startswith("file:"):
        return _load_kek_file(Path(source[len("file:"):]))
    if source.startswith("base64:"):
        key = _decode_kek(source[len("base64:"):].strip())
        return KeyEncryptionKey(key_id="sha256:" + hashlib.sha256(key).hexdigest()[:16], key=key)
    # Never echo the source: a mistyped scheme would otherwise print the secret.
    raise ValueError("KEK source must start with 'file:' or 'base64:'")


def _load_kek_file(path: Path) -> KeyEncryptionKey:
    lines = [line.strip() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        _log.warning("KEK file %s is readable by group or others; restrict it to mode 0600", path)
    if not lines or len(lines) > 2:
        raise ValueError(f"KEK file {path} must hold an optional 'id:' line and one base64 key line")
    key_id = path.name
    if len(lines) == 2:
        if not lines[0].startswith("id:") or not lines[0][3:].strip():
            raise ValueError(f"KEK file {path}: the first of two lines must be 'id:<key id>'")
        key_id = lines[0][3:].strip()
    return KeyEncryptionKey(key_id=key_id, key=_decode_kek(lines[-1]))


def _decode_kek(text: str) -> bytes:
    try:
        key = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        try:
            key = _b64d(text)
        except (binascii.Error, ValueError):
            raise ValueError("KEK is not valid base64") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"KEK must decode to exactly {KEY_BYTES} bytes")
    return key
