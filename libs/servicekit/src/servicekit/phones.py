"""Phone numbers in E.164 (`+22375699468`), the only form SMS providers route reliably.

Numbers come as people type them: `+223 75 69 94 68`, `0022375699468`, `75 69 94 68` (local, no
country code). A number without a country code takes the configured default (223, Mali). A number
is accepted when its length is possible for its country (libphonenumber's metadata); validity of
the exact range is not required, because a new operator prefix must not cost a victim her notice.
"""

from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    """Not a phone number we can route (the message never contains the value)."""


def to_e164(raw: str, default_country_code: str = "223") -> str:
    """The number in E.164, or InvalidPhone when it cannot be one."""
    region = phonenumbers.region_code_for_country_code(int(default_country_code))
    text = raw.strip()
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        raise InvalidPhone("not a phone number") from None
    if not phonenumbers.is_possible_number(number):
        raise InvalidPhone("not a possible phone number for its country")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
