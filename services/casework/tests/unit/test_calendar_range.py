"""The calendar's date range refuses far dates with a 422 naming the field, never an overflow."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from casework.api.calendars import checked_range
from servicekit.errors import InvalidInput


def test_a_range_starting_in_year_one_is_invalid_input_not_an_overflow():
    with pytest.raises(InvalidInput) as refused:
        checked_range(datetime(1, 1, 1, 0, 27, 1, tzinfo=UTC), datetime(2000, 1, 1, tzinfo=UTC))
    assert refused.value.field == "query.start"


def test_a_range_ending_in_year_one_is_invalid_input():
    with pytest.raises(InvalidInput) as refused:
        checked_range(datetime(2026, 1, 1, tzinfo=UTC), datetime(1, 1, 1, 0, 5, tzinfo=UTC))
    assert refused.value.field == "query.end"


def test_an_ordinary_range_passes():
    start, end = checked_range(datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC))
    assert end > start
