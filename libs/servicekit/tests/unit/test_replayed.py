"""The one Idempotency-Key check every command goes through (event store, in-memory store, casework)."""

from __future__ import annotations

import pytest
from servicekit.errors import Conflict
from servicekit.ids import KEY_SEPARATOR, replayed

FIRST = f"request-1{KEY_SEPARATOR}body-a"


def test_a_command_key_already_recorded_is_a_replay():
    assert replayed(FIRST, ("other", FIRST)) is True


def test_a_command_key_never_recorded_is_not_a_replay():
    assert replayed(FIRST, (f"request-2{KEY_SEPARATOR}body-a",)) is False


def test_no_key_is_never_a_replay():
    assert replayed(None, (FIRST,)) is False


def test_the_same_request_with_another_body_is_a_409_naming_the_header():
    with pytest.raises(Conflict) as refused:
        replayed(f"request-1{KEY_SEPARATOR}body-b", (FIRST,))
    assert (refused.value.code, refused.value.field) == ("idempotency_key_reused", "Idempotency-Key")


def test_a_consumers_effect_key_without_fingerprint_is_never_a_reuse():
    assert replayed("effect-of-event-1", ("effect-of-event-2",)) is False
