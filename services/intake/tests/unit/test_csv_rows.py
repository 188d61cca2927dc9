"""Reading partners' spreadsheets: encodings, French or English headers and labels, dates, per-row errors."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from intake.domain import csv_rows
from intake.domain.import_cells import Matches, decode, normalise, parse_date, read_table
from intake.domain.import_victims import parse_acts, parse_victims
from openpyxl import Workbook
from servicekit.errors import InvalidInput

TODAY = date(2025, 6, 15)
HEADER = "external_reference,occurred_on,region,violation_types,latitude,longitude\n"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def parse(text: str, matches: Matches | None = None) -> csv_rows.ParsedFile:
    return csv_rows.parse(read_table(text.encode(), max_rows=10), today=TODAY, matches=matches or Matches())


def test_good_rows_are_accepted_and_bad_ones_reported_with_row_field_and_code():
    parsed = parse(HEADER + "A-1,2024-01-02,mopti,massacre,,\nA-2,2024-01-02,mopti,genocide,,\n")
    assert [row.row for row in parsed.accepted] == [2]
    assert [(e.row, e.field, e.code) for e in parsed.errors] == [(3, "violation_types.0", "unknown_term")]


def test_a_repeated_reference_is_reported_on_the_later_row():
    parsed = parse(HEADER + "A-1,2024-01-02,mopti,massacre,,\nA-1,2024-01-03,gao,pillage,,\n")
    assert [(e.row, e.code, e.params) for e in parsed.errors] == [(3, "row_repeats_reference", {"first_row": 2})]


def test_a_row_without_reference_is_refused_because_reimports_would_double_it():
    assert [e.field for e in parse(HEADER + ",2024-01-02,mopti,massacre,,\n").errors] == ["external_reference"]


def test_coordinate_errors_name_the_spreadsheet_column():
    assert [e.field for e in parse(HEADER + "A-1,2024-01-02,mopti,massacre,14.2,north\n").errors] == ["longitude"]


@pytest.mark.parametrize(("cell", "expected", "precision"), [
    ("2021", date(2021, 1, 1), "year"), ("2021-07", date(2021, 7, 1), "month"),
    ("03/2022", date(2022, 3, 1), "month"),
    ("27/03/2022", date(2022, 3, 27), "day"), ("2022-03-27", date(2022, 3, 27), "day"),
])
def test_spreadsheet_dates_are_read_with_their_precision(cell, expected, precision):
    [row] = parse(HEADER + f"A-1,{cell},mopti,massacre,,\n").accepted
    assert (row.draft.occurred_on, row.draft.date_precision) == (expected, precision)


def test_unknown_columns_refuse_the_whole_file():
    with pytest.raises(InvalidInput) as refused:
        parse("external_reference,occurred_on,region,violation_types,victim_phone\n")
    assert refused.value.code == "header_unknown_columns"
    assert refused.value.params["unknown_columns"] == ["victim_phone"]


def test_missing_required_columns_refuse_the_whole_file():
    with pytest.raises(InvalidInput) as refused:
        parse("external_reference,occurred_on\n")
    assert refused.value.params["missing_columns"] == ["region", "violation_types"]


def test_too_many_rows_refuse_the_whole_file():
    with pytest.raises(InvalidInput, match="file_too_many_rows"):
        read_table((HEADER + "A,2024,mopti,massacre,,\n" * 3).encode(), max_rows=2)


@pytest.mark.parametrize(("raw", "encoding"), [
    ("Région;Référence".encode(), "utf-8"), (b"\xef\xbb\xbf" + "Région".encode(), "utf-8-sig"),
    ("Région;Référence".encode("cp1252"), "cp1252"),
])
def test_utf8_with_or_without_bom_and_windows_1252_are_read(raw, encoding):
    text, found = decode(raw)
    assert text.startswith("Région") and found == encoding


def test_french_headers_and_labels_are_read_and_each_match_reported():
    matches = Matches()
    text = ("Référence;Date de l'incident;RÉGION;Cercle;Types de violation;Confidentialité\n"
            "R-1;27/03/2022;mopti;djenne;massacre (TUERIE DE MASSE)|Pillage;Restreint\n")
    [row] = parse(text, matches).accepted
    assert (row.draft.region, row.draft.cercle, row.draft.violation_types) == \
        ("mopti", "mopti/djenne", ["massacre", "pillage"])
    assert row.draft.confidentiality == "restricted"
    assert matches.columns["Référence"] == "external_reference" and matches.columns["RÉGION"] == "region"
    assert {"column": "violation_types", "value": "massacre (TUERIE DE MASSE)", "code": "massacre"} in \
        matches.public()["labels"]


def test_labels_are_matched_without_case_or_accents():
    assert normalise("Ségou") == normalise("SEGOU") == "segou"
    assert normalise("Référence_externe") == "reference externe"


def test_an_unknown_label_is_refused_as_an_unknown_term():
    [error] = parse(HEADER + "A-1,2024-01-02,Atlantide,massacre,,\n").errors
    assert (error.field, error.code) == ("region", "unknown_term")


def test_a_month_written_mm_aaaa_is_a_month():
    assert parse_date("03/2022") == ("2022-03-01", "month")


def test_an_xlsx_workbook_is_read_like_a_csv():
    book = Workbook()
    sheet = book.active
    sheet.append(["Référence", "Date de l'incident", "Région", "Types de violation"])
    sheet.append(["X-1", date(2022, 3, 27), "Mopti", "Massacre (tuerie de masse), Pillage"])
    buffer = io.BytesIO()
    book.save(buffer)
    table = read_table(buffer.getvalue(), max_rows=10)
    [row] = csv_rows.parse(table, today=TODAY, matches=Matches()).accepted
    assert table.file_format == "xlsx" and row.draft.violation_types == ["massacre", "pillage"]
    assert row.draft.occurred_on == date(2022, 3, 27)


@pytest.mark.parametrize("name", ["incidents.fr.csv", "incidents.en.csv"])
def test_the_shipped_incident_samples_pass_every_rule(name):
    parsed = csv_rows.parse(read_table((SAMPLES / name).read_bytes(), max_rows=100), today=TODAY, matches=Matches())
    assert parsed.errors == [] and parsed.accepted


@pytest.mark.parametrize("name", ["victimes.fr.csv", "victims.en.csv"])
def test_the_shipped_victim_samples_pass_every_rule(name):
    victims, errors = parse_victims(read_table((SAMPLES / name).read_bytes(), max_rows=100), matches=Matches())
    assert errors == [] and len(victims) == 2


def test_victim_consent_columns_are_read_in_french():
    victims, _ = parse_victims(read_table((SAMPLES / "victimes.fr.csv").read_bytes(), max_rows=100),
                               matches=Matches())
    first = victims[0]
    assert (first.profile.sex, first.consent.legal_support, first.consent.notifications.language) == \
        ("female", True, "bm")
    assert (first.consent.notifications.safe_hours_start, first.identity.name) == ("09:00", "Fatoumata Kɔnɛ")


def test_a_victim_row_with_an_unreadable_yes_no_is_refused_naming_the_column():
    text = "reference,sex,age_band,region,consent_legal_support\nV-9,female,25-39,mopti,peut-être\n"
    _, errors = parse_victims(read_table(text.encode(), max_rows=10), matches=Matches())
    assert [(e.field, e.code) for e in errors] == [("consent_legal_support", "boolean_expected")]


@pytest.mark.parametrize("name", ["actes.fr.csv", "acts.en.csv"])
def test_the_shipped_act_samples_pass_every_rule(name):
    acts, errors = parse_acts(read_table((SAMPLES / name).read_bytes(), max_rows=100), organisation="org-x",
                              matches=Matches())
    assert errors == [] and acts


def test_an_act_with_an_unknown_violation_names_the_column():
    text = "incident_reference,violation_type\nA-1,genocide\n"
    _, errors = parse_acts(read_table(text.encode(), max_rows=10), organisation="org-x", matches=Matches())
    assert [(e.field, e.code) for e in errors] == [("violation_type", "unknown_term")]
