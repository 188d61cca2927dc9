"""Standard Webhooks signatures, checked against the specification's published test vector."""

from __future__ import annotations

import base64

import pytest
from servicekit.webhooks.signing import InvalidSecret, generate_secret, secret_bytes, sign, signed_headers, verify

# The Standard Webhooks reference vector (secret, id, timestamp, body -> signature).
VECTOR_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
VECTOR_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
VECTOR_TIMESTAMP = 1614265330
VECTOR_BODY = b'{"test": 2432232314}'
VECTOR_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_signature_reproduces_the_standard_webhooks_test_vector():
    assert sign(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY) == VECTOR_SIGNATURE


def test_verify_accepts_the_vector_among_several_signatures():
    assert verify(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY, "v1,bm9wZQ== " + VECTOR_SIGNATURE)


def test_verify_refuses_a_body_changed_by_one_byte():
    assert not verify(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, b'{"test": 2432232315}', VECTOR_SIGNATURE)


def test_verify_refuses_another_timestamp():
    assert not verify(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP + 1, VECTOR_BODY, VECTOR_SIGNATURE)


def test_generated_secrets_are_whsec_with_32_random_bytes():
    first, second = generate_secret(), generate_secret()
    assert first.startswith("whsec_") and first != second
    assert len(base64.b64decode(first.removeprefix("whsec_"))) == 32


@pytest.mark.parametrize("secret", ["MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "whsec_not base64!",
                                    "whsec_" + base64.b64encode(b"short").decode()])
def test_malformed_secrets_are_refused(secret):
    with pytest.raises(InvalidSecret):
        secret_bytes(secret)


def test_signed_headers_carry_the_event_id_and_the_timestamp():
    headers = signed_headers(VECTOR_SECRET, VECTOR_ID, VECTOR_TIMESTAMP, VECTOR_BODY)
    assert headers == {"webhook-id": VECTOR_ID, "webhook-timestamp": str(VECTOR_TIMESTAMP),
                       "webhook-signature": VECTOR_SIGNATURE}
