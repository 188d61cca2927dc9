"""Phone numbers are normalised before hashing, and only a keyed hash is ever kept."""

from __future__ import annotations

import pytest
from notify.domain.contact import InvalidPhone, normalise_phone, phone_index_key


@pytest.mark.parametrize("raw", ["+223 70 00 00 01", "0022370000001", "70000001", "+223-70-00-00-01",
                                 "(+223) 70.00.00.01"])
def test_the_same_malian_number_in_any_notation_is_one_number(raw: str) -> None:
    assert normalise_phone(raw) == "22370000001"


def test_foreign_numbers_keep_their_country_code() -> None:
    assert normalise_phone("+33 6 12 34 56 78") == "33612345678"


@pytest.mark.parametrize("raw", ["", "STOP", "+12", "+223 70 00 00 01 99 99 99 99"])
def test_non_numbers_are_refused_without_echoing_them(raw: str) -> None:
    with pytest.raises(InvalidPhone) as error:
        normalise_phone(raw)
    assert raw.strip() == "" or raw not in str(error.value)


def test_the_index_key_matches_across_notations_and_hides_the_number() -> None:
    key = phone_index_key(b"secret", "+223 70 00 00 01")
    assert key == phone_index_key(b"secret", "70000001")
    assert "70000001" not in key and len(key) == 64


def test_the_index_key_depends_on_the_secret() -> None:
    assert phone_index_key(b"one", "70000001") != phone_index_key(b"two", "70000001")
