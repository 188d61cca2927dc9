"""The key that encrypts webhook secrets at rest: the operator's, or in development one derived loudly."""

from __future__ import annotations

import hashlib
import hmac
import logging

from ..crypto import KeyEncryptionKey, load_kek
from ..settings import BaseServiceSettings

log = logging.getLogger("servicekit.webhooks")


def webhook_kek(settings: BaseServiceSettings) -> KeyEncryptionKey | None:
    """`webhook_key_source`; else, in development, a key derived from the dev signing key; else None (off)."""
    if settings.webhook_key_source is not None:
        return load_kek(settings.webhook_key_source.get_secret_value())
    if settings.dev_signing_key_file is None:
        return None
    log.warning("WEBHOOK_KEY_SOURCE is not set: deriving the webhook secrets' key from the development signing "
                "key; never run like this with real partners")
    label = f"redress.{settings.service_name}.webhook-kek.dev.v1".encode()
    secret = hmac.new(settings.dev_signing_key_file.read_bytes(), label, hashlib.sha256).digest()
    return KeyEncryptionKey(key_id="dev-derived:" + hashlib.sha256(secret).hexdigest()[:12], key=secret)
