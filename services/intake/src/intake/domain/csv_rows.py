"""Reading the incident spreadsheets organisations keep today: every row checked, errors per row and field.

Columns (header row required, unknown columns refused): external_reference, occurred_on, region and
violation_types are required; date_precision, occurred_until, cercle, commune, latitude, longitude,
perpetrator_categories, confidentiality, source_kind, source_reliability, source_credibility are
optional. Cells with several codes separate them with '|' (or ';' when the file is comma-separated).
Dates may be ISO (2022-03-27), a month (2022-03) or a year (2022), which then set the precision, or
French day-first (27/03/2022).
The delimiter is ',' or ';' (French spreadsheet exports), read from the header row.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from servicekit.errors import DomainError, InvalidInput

from .incident_rules import IncidentDraft, settle

REQUIRED_COLUMNS = ("external_reference", "occurred_on", "region", "violation_types")
OPTIONAL_COLUMNS = ("date_precision", "occurred_until", "cercle", "commune", "latitude", "longitude",
                    "perpetrator_categories", "confidentiality", "source_kind", "source_reliability",
                    "source_credibility")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
LIST_COLUMNS = ("violation_types", "perpetrator_categories")


@dataclass(frozen=True)
class RowError:
    """Why one row was not imported: its spreadsheet row number (header is row 1), the field, the reason."""

    row: int
    field: str
    reason: str


@dataclass(frozen=True)
class AcceptedRow:
    """A row that passed every rule, ready to import."""

    row: int
    draft: IncidentDraft


@dataclass(frozen=True)
class ParsedFile:
    accepted: list[AcceptedRow]
    errors: list[RowError]
    total: int


def decode(raw: bytes) -> str:
    """UTF-8 text (a byte-order mark is tolerated), else a 422."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput("the file is not UTF-8 text", field="file") from None


def parse(text: str, *, today: date, max_rows: int) -> ParsedFile:
    """Check the header, then every row; bad rows are reported, never imported."""
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InvalidInput("the file has no header row", field="file")
    delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    _check_header(list(reader.fieldnames or []))
    accepted: list[AcceptedRow] = []
    errors: list[RowError] = []
    seen: dict[str, int] = {}
    total = 0
    try:
        for total, record in enumerate(reader, start=1):
            if total > max_rows:
                raise InvalidInput(f"the file has more than {max_rows} rows", field="file")
            row = total + 1  # as the spreadsheet numbers it: the header is row 1
            outcome = _row(record, row, delimiter, today)
            if isinstance(outcome, AcceptedRow):
                reference = outcome.draft.external_reference or ""
                if reference in seen:
                    errors.append(RowError(row, "external_reference", f"repeats row {seen[reference]}"))
                    continue
                seen[reference] = row
                accepted.append(outcome)
            else:
                errors.extend(outcome)
    except csv.Error:
        raise InvalidInput(f"the CSV is malformed near row {reader.line_num}", field="file") from None
    return ParsedFile(accepted=accepted, errors=errors, total=total)


def _check_header(names: list[str]) -> None:
    columns = [name.strip() for name in names]
    unknown = sorted(set(columns) - set(COLUMNS))
    if unknown:
        raise InvalidInput("the header has unknown columns", field="file.header", unknown_columns=unknown,
                           allowed=list(COLUMNS))
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise InvalidInput("the header lacks required columns", field="file.header", missing_columns=missing)


def _row(record: dict[str | None, Any], row: int, delimiter: str, today: date) -> AcceptedRow | list[RowError]:
    if None in record:
        return [RowError(row, "row", "more cells than header columns")]
    if not (record.get("external_reference") or "").strip():
        return [RowError(row, "external_reference", "required: it makes re-imports update instead of doubling")]
    try:
        draft = IncidentDraft.model_validate(_draft_data(record, delimiter))
        settle(draft, today=today, seal=None)
    except ValidationError as exc:
        return [RowError(row, _field(e["loc"]), e["msg"]) for e in exc.errors(include_input=False, include_url=False)]
    except DomainError as exc:
        return [RowError(row, exc.field or "row", exc.detail)]
    return AcceptedRow(row=row, draft=draft)


def _field(loc: tuple[Any, ...]) -> str:
    # Report spreadsheet columns, not the internal shape (coordinates.lat is the latitude column).
    names = {("coordinates", "lat"): "latitude", ("coordinates", "lon"): "longitude",
             ("sources", 0, "kind"): "source_kind", ("sources", 0, "reliability"): "source_reliability",
             ("sources", 0, "credibility"): "source_credibility"}
    return names.get(tuple(loc), str(loc[0]) if loc else "row")


def _draft_data(record: dict[str | None, Any], delimiter: str) -> dict[str, Any]:
    cells = {str(k).strip(): (v or "").strip() for k, v in record.items() if k is not None}
    present = {k: v for k, v in cells.items() if v}
    data: dict[str, Any] = {k: present[k] for k in ("external_reference", "occurred_on", "date_precision",
                                                    "occurred_until", "region", "cercle", "commune",
                                                    "confidentiality") if k in present}
    for name in ("occurred_on", "occurred_until"):
        if name in data:
            data[name], inferred = _iso_date(data[name])
            if name == "occurred_on" and "date_precision" not in data and inferred:
                data["date_precision"] = inferred
    separators = ("|", ";") if delimiter == "," else ("|",)
    for name in LIST_COLUMNS:
        data[name] = _split(present.get(name, ""), separators)
    if "latitude" in present or "longitude" in present:
        data["coordinates"] = {"lat": present.get("latitude"), "lon": present.get("longitude")}
    if "source_kind" in present or "source_reliability" in present:
        source = {"kind": present.get("source_kind"), "reliability": present.get("source_reliability")}
        if "source_credibility" in present:
            source["credibility"] = present["source_credibility"]
        data["sources"] = [source]
    return data


def _iso_date(cell: str) -> tuple[str, str | None]:
    """Spreadsheet dates as ISO: 2022-04 (a month), 2021 (a year), 27/03/2022 (French day-first)."""
    if re.fullmatch(r"\d{4}", cell):
        return f"{cell}-01-01", "year"
    if re.fullmatch(r"\d{4}-\d{2}", cell):
        return f"{cell}-01", "month"
    if match := re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", cell):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}", None
    return cell, None


def _split(cell: str, separators: tuple[str, ...]) -> list[str]:
    for separator in separators[1:]:
        cell = cell.replace(separator, separators[0])
    return [code.strip() for code in cell.split(separators[0]) if code.strip()]
