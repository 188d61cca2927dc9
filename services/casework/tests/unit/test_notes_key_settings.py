"""The notes key: required in production, derived (loudly, consistently) from the dev key in development."""

from __future__ import annotations

import base64

import pytest
from casework.bootstrap import notes_kek
from casework.config import Settings


def test_without_a_notes_key_or_a_dev_key_start_up_fails():
    with pytest.raises(RuntimeError, match="CASEWORK_NOTES_KEY_SOURCE is required"):
        notes_kek(Settings(notes_key_source=None, dev_signing_key_file=None))


def test_a_configured_notes_key_is_used_as_given():
    source = "base64:" + base64.b64encode(bytes(range(32))).decode()
    assert notes_kek(Settings(notes_key_source=source)).key == bytes(range(32))


def test_the_development_fallback_is_the_same_in_every_process_and_never_the_dev_key(tmp_path, caplog):
    dev_key = tmp_path / "dev-signing-key.pem"
    dev_key.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnot-a-real-key\n-----END PRIVATE KEY-----\n")
    first = notes_kek(Settings(dev_signing_key_file=dev_key))
    second = notes_kek(Settings(dev_signing_key_file=dev_key))
    assert first == second and len(first.key) == 32
    assert first.key not in dev_key.read_bytes()
    assert "never run like this with real notes" in caplog.text
