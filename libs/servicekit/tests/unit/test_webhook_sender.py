"""The sender's refusals before any request leaves (no I/O: IP literals, no store access)."""

from __future__ import annotations

import os
from collections import defaultdict

from servicekit.crypto import KeyEncryptionKey, encrypt_field
from servicekit.webhooks.sender import SenderPolicy, WebhookSender
from servicekit.webhooks.signing import generate_secret
from servicekit.webhooks.store import SECRET_FIELD, WebhookStore


def subscription(url: str, kek: KeyEncryptionKey) -> dict:
    return {"_id": "sub-1", "url": url,
            "secret": {"kek_id": kek.key_id, "ciphertext": encrypt_field(kek.key, generate_secret(), subject_id="sub-1",
                                                                         field=SECRET_FIELD)}}


def sender(kek: KeyEncryptionKey, *, allow_private: bool) -> WebhookSender:
    store = WebhookStore(defaultdict(lambda: None), kek)  # type: ignore[arg-type]  # no collection is touched
    return WebhookSender(store, SenderPolicy(allow_private_addresses=allow_private))


async def test_a_url_that_now_resolves_to_a_private_address_is_a_failed_attempt_with_its_code():
    kek = KeyEncryptionKey("k1", os.urandom(32))
    outcome = await sender(kek, allow_private=False).post(subscription("http://10.0.0.7/hooks", kek), "e-1", b"{}")
    assert outcome == "webhook_url_private"


async def test_a_secret_encrypted_under_a_lost_key_is_reported_not_raised():
    current, lost = KeyEncryptionKey("k2", os.urandom(32)), KeyEncryptionKey("k1", os.urandom(32))
    outcome = await sender(current, allow_private=True).post(subscription("http://127.0.0.1:9/hooks", lost), "e-1",
                                                             b"{}")
    assert outcome == "secret_undecryptable"
