"""Reading incident spreadsheets: header checks, per-row errors, duplicates, spreadsheet dates."""

from __future__ import annotations

from datetime import date

import pytest
from intake.domain.csv_rows import decode, parse
from servicekit.errors import InvalidInput

TODAY = date(2025, 6, 15)
HEADER = "external_reference,occurred_on,region,violation_types,latitude,longitude\n"


def test_good_rows_are_accepted_and_bad_ones_reported_with_row_and_field():
    parsed = parse(HEADER + "A-1,2024-01-02,mopti,massacre,,\nA-2,2024-01-02,mopti,genocide,,\n", today=TODAY,
                   max_rows=10)
    assert [row.row for row in parsed.accepted] == [2]
    assert [(e.row, e.field) for e in parsed.errors] == [(3, "violation_types.0")]


def test_a_repeated_reference_is_reported_on_the_later_row():
    parsed = parse(HEADER + "A-1,2024-01-02,mopti,massacre,,\nA-1,2024-01-03,gao,pillage,,\n", today=TODAY,
                   max_rows=10)
    assert len(parsed.accepted) == 1 and [(e.row, e.reason) for e in parsed.errors] == [(3, "repeats row 2")]


def test_a_row_without_reference_is_refused_because_reimports_would_double_it():
    parsed = parse(HEADER + ",2024-01-02,mopti,massacre,,\n", today=TODAY, max_rows=10)
    assert [e.field for e in parsed.errors] == ["external_reference"]


def test_coordinate_errors_name_the_spreadsheet_column():
    parsed = parse(HEADER + "A-1,2024-01-02,mopti,massacre,14.2,north\n", today=TODAY, max_rows=10)
    assert [e.field for e in parsed.errors] == ["longitude"]


@pytest.mark.parametrize(("cell", "expected", "precision"), [
    ("2021", date(2021, 1, 1), "year"), ("2021-07", date(2021, 7, 1), "month"),
    ("27/03/2022", date(2022, 3, 27), "day"), ("2022-03-27", date(2022, 3, 27), "day"),
])
def test_spreadsheet_dates_are_read_with_their_precision(cell, expected, precision):
    [row] = parse(HEADER + f"A-1,{cell},mopti,massacre,,\n", today=TODAY, max_rows=10).accepted
    assert (row.draft.occurred_on, row.draft.date_precision) == (expected, precision)


def test_unknown_columns_refuse_the_whole_file():
    with pytest.raises(InvalidInput) as refused:
        parse("external_reference,occurred_on,region,violation_types,victim_phone\n", today=TODAY, max_rows=10)
    assert refused.value.extra["unknown_columns"] == ["victim_phone"]


def test_missing_required_columns_refuse_the_whole_file():
    with pytest.raises(InvalidInput) as refused:
        parse("external_reference,occurred_on\n", today=TODAY, max_rows=10)
    assert refused.value.extra["missing_columns"] == ["region", "violation_types"]


def test_too_many_rows_refuse_the_whole_file():
    with pytest.raises(InvalidInput):
        parse(HEADER + "A-1,2024-01-02,mopti,massacre,,\n" * 3, today=TODAY, max_rows=2)


def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(InvalidInput):
        decode("région".encode("latin-1"))


def test_a_byte_order_mark_is_tolerated():
    assert decode("\ufeffexternal_reference".encode()) == "external_reference"
