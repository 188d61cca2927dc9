"""Phone numbers as providers route them: E.164, local numbers taking the configured country code."""

from __future__ import annotations

import pytest
from servicekit.phones import InvalidPhone, to_e164


@pytest.mark.parametrize("typed", ["+223 75 69 94 68", "75 69 94 68", "0022375699468", "+223-75-69-94-68"])
def test_a_malian_number_however_typed_is_one_e164_number(typed):
    assert to_e164(typed) == "+22375699468"


def test_a_local_number_takes_the_configured_country_code():
    assert to_e164("77 123 45 67", default_country_code="221") == "+221771234567"


@pytest.mark.parametrize("typed", ["75 69 94", "+223 75 69 94 68 99 12", "not a number", "+"])
def test_a_number_of_impossible_length_or_shape_is_refused(typed):
    with pytest.raises(InvalidPhone):
        to_e164(typed)
