"""Field encryption with AAD binding, key wrapping, rotation and KEK loading."""

from __future__ import annotations

import base64
import logging
import os
from pathlib import Path

import pytest
from servicekit.crypto import (
    DataKey,
    DecryptionError,
    KeyEncryptionKey,
    decrypt_field,
    encrypt_field,
    generate_data_key,
    load_kek,
    rewrap,
    unwrap_key,
    wrap_key,
)

VICTIM = "vic_7Qm2xK9"
OTHER_VICTIM = "vic_Zp41Lr0"


def kek(key_id: str = "kek-2025") -> KeyEncryptionKey:
    return KeyEncryptionKey(key_id=key_id, key=os.urandom(32))


def test_field_round_trips_including_non_ascii() -> None:
    key = generate_data_key()
    token = encrypt_field(key, "Aminata Traoré — Mopti", subject_id=VICTIM, field="full_name")
    assert decrypt_field(key, token, subject_id=VICTIM, field="full_name") == "Aminata Traoré — Mopti"


def test_ciphertext_is_self_describing_and_hides_plaintext() -> None:
    token = encrypt_field(generate_data_key(), "+22376123456", subject_id=VICTIM, field="phone")
    version, nonce, _sealed = token.split(".")
    assert version == "v1"
    assert len(base64.urlsafe_b64decode(nonce + "==")) == 12
    assert "22376123456" not in token


def test_same_plaintext_encrypts_differently_each_time() -> None:
    key = generate_data_key()
    first = encrypt_field(key, "Awa", subject_id=VICTIM, field="full_name")
    second = encrypt_field(key, "Awa", subject_id=VICTIM, field="full_name")
    assert first != second  # fresh random nonce, so equal names are not linkable


def test_generate_data_key_returns_32_random_bytes() -> None:
    first, second = generate_data_key(), generate_data_key()
    assert len(first) == 32
    assert first != second


def test_decrypt_with_wrong_key_fails() -> None:
    token = encrypt_field(generate_data_key(), "Awa", subject_id=VICTIM, field="full_name")
    with pytest.raises(DecryptionError):
        decrypt_field(generate_data_key(), token, subject_id=VICTIM, field="full_name")


def test_ciphertext_moved_to_another_victim_fails() -> None:
    key = generate_data_key()
    token = encrypt_field(key, "Awa", subject_id=VICTIM, field="full_name")
    with pytest.raises(DecryptionError):
        decrypt_field(key, token, subject_id=OTHER_VICTIM, field="full_name")


def test_ciphertext_moved_to_another_field_fails() -> None:
    key = generate_data_key()
    token = encrypt_field(key, "76123456", subject_id=VICTIM, field="phone")
    with pytest.raises(DecryptionError):
        decrypt_field(key, token, subject_id=VICTIM, field="alternate_phone")


def test_aad_parts_cannot_be_shifted_between_victim_id_and_field() -> None:
    key = generate_data_key()
    token = encrypt_field(key, "Awa", subject_id="vic.a", field="b")
    with pytest.raises(DecryptionError):
        decrypt_field(key, token, subject_id="vic", field="a.b")


def test_tampered_ciphertext_fails() -> None:
    key = generate_data_key()
    version, nonce, sealed = encrypt_field(key, "Awa", subject_id=VICTIM, field="full_name").split(".")
    flipped = sealed[:-2] + ("A" if sealed[-2] != "A" else "B") + sealed[-1]
    with pytest.raises(DecryptionError):
        decrypt_field(key, f"{version}.{nonce}.{flipped}", subject_id=VICTIM, field="full_name")


@pytest.mark.parametrize("token", ["", "v1.abc", "v2.AAAAAAAAAAAAAAAA.AAAA", "v1.!!!.???", "v1.AAAA.AAAAAAAA"])
def test_malformed_field_token_fails_cleanly(token: str) -> None:
    with pytest.raises(DecryptionError):
        decrypt_field(generate_data_key(), token, subject_id=VICTIM, field="full_name")


def test_data_key_of_wrong_length_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        encrypt_field(b"short", "Awa", subject_id=VICTIM, field="full_name")


def test_wrapped_key_round_trips_and_records_kek_id() -> None:
    master, data_key = kek(), generate_data_key()
    wrapped = wrap_key(master, data_key, subject_id=VICTIM)
    assert wrapped["kek_id"] == "kek-2025"
    assert set(wrapped) == {"v", "alg", "kek_id", "nonce", "ciphertext"}
    assert unwrap_key({master.key_id: master}, wrapped, subject_id=VICTIM) == data_key


def test_wrapped_key_is_bound_to_its_victim() -> None:
    master = kek()
    wrapped = wrap_key(master, generate_data_key(), subject_id=VICTIM)
    with pytest.raises(DecryptionError):
        unwrap_key({master.key_id: master}, wrapped, subject_id=OTHER_VICTIM)


def test_unwrap_with_unknown_kek_id_fails() -> None:
    wrapped = wrap_key(kek("old"), generate_data_key(), subject_id=VICTIM)
    with pytest.raises(DecryptionError, match="unknown KEK"):
        unwrap_key({"new": kek("new")}, wrapped, subject_id=VICTIM)


def test_unwrap_with_wrong_kek_bytes_under_same_id_fails() -> None:
    wrapped = wrap_key(kek("k1"), generate_data_key(), subject_id=VICTIM)
    with pytest.raises(DecryptionError):
        unwrap_key({"k1": kek("k1")}, wrapped, subject_id=VICTIM)


def test_malformed_wrapped_key_fails_cleanly() -> None:
    with pytest.raises(DecryptionError):
        unwrap_key({"k1": kek("k1")}, {"v": 1, "kek_id": "k1"}, subject_id=VICTIM)


def test_rewrap_rotates_kek_without_touching_field_ciphertexts() -> None:
    old, new, data_key = kek("kek-2024"), kek("kek-2025"), generate_data_key()
    field_token = encrypt_field(data_key, "Awa", subject_id=VICTIM, field="full_name")
    rotated = rewrap({old.key_id: old}, wrap_key(old, data_key, subject_id=VICTIM), new, subject_id=VICTIM)
    assert rotated["kek_id"] == "kek-2025"
    recovered = unwrap_key({new.key_id: new}, rotated, subject_id=VICTIM)
    assert decrypt_field(recovered, field_token, subject_id=VICTIM, field="full_name") == "Awa"
    with pytest.raises(DecryptionError):
        unwrap_key({old.key_id: old}, rotated, subject_id=VICTIM)


def test_reprs_never_reveal_key_bytes() -> None:
    master, data = kek(), DataKey(subject_id=VICTIM, key=generate_data_key())
    for holder, secret in ((master, master.key), (data, data.key)):
        text = repr(holder) + str(holder)
        assert secret.hex() not in text
        assert repr(secret) not in text
        assert base64.b64encode(secret).decode() not in text
    assert "kek-2025" in repr(master)


def test_load_kek_from_base64_has_stable_fingerprint_id() -> None:
    raw = os.urandom(32)
    first = load_kek("base64:" + base64.b64encode(raw).decode())
    second = load_kek("base64:" + base64.b64encode(raw).decode())
    assert first.key == raw
    assert first.key_id == second.key_id
    assert first.key_id.startswith("sha256:")
    assert len(first.key_id) == len("sha256:") + 16  # a short fingerprint, not the key


def test_load_kek_from_file_uses_file_name_as_id(tmp_path: Path) -> None:
    raw = os.urandom(32)
    path = tmp_path / "intake-kek-2025"
    path.write_text(base64.b64encode(raw).decode() + "\n")
    path.chmod(0o600)
    loaded = load_kek(f"file:{path}")
    assert (loaded.key_id, loaded.key) == ("intake-kek-2025", raw)


def test_load_kek_from_file_honours_id_line(tmp_path: Path) -> None:
    raw = os.urandom(32)
    path = tmp_path / "kek.txt"
    path.write_text(f"id: kek-2025-06\n{base64.b64encode(raw).decode()}\n")
    path.chmod(0o600)
    assert load_kek(f"file:{path}").key_id == "kek-2025-06"


def test_load_kek_warns_about_readable_file_without_logging_the_key(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    encoded = base64.b64encode(os.urandom(32)).decode()
    path = tmp_path / "kek"
    path.write_text(encoded)
    path.chmod(0o644)
    with caplog.at_level(logging.WARNING, logger="servicekit.crypto"):
        load_kek(f"file:{path}")
    assert "readable by group or others" in caplog.text
    assert encoded not in caplog.text


@pytest.mark.parametrize("source", ["base64:" + base64.b64encode(b"x" * 16).decode(), "base64:%%%notbase64"])
def test_load_kek_rejects_bad_keys_without_echoing_them(source: str) -> None:
    with pytest.raises(ValueError) as caught:
        load_kek(source)
    assert source.split(":", 1)[1] not in str(caught.value)


def test_load_kek_rejects_unknown_scheme_without_echoing_the_secret() -> None:
    secret = base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(ValueError) as caught:
        load_kek("base46:" + secret)
    assert secret not in str(caught.value)


def test_kek_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        KeyEncryptionKey(key_id="k", key=b"too short")
