"""Incident rows of a partner's spreadsheet: every row checked, errors by row, field and code.

Columns (French or English names, see INCIDENT_COLUMNS): external_reference, occurred_on, region and
violation_types are required; the rest are optional. Codes or labels in either language are read
(`Mopti`, `Massacre (tuerie de masse)`); cells with several values separate them with '|' (or ';'
in a comma-separated file, ',' in a workbook). Dates: 27/03/2022, 03/2022, 2022, 2022-03-27.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from pydantic import ValidationError
from servicekit.errors import DomainError

from ..vocabularies import vocabulary
from .import_cells import Matches, Table, map_header, match_label, parse_date, record, split_list
from .incident_rules import IncidentDraft, settle

INCIDENT_COLUMNS: Mapping[str, tuple[str, ...]] = {
    "external_reference": ("reference", "référence", "référence externe", "ref", "réf", "reference externe"),
    "occurred_on": ("date", "date de l'incident", "date des faits", "incident date", "date_incident"),
    "date_precision": ("précision de la date", "precision", "précision", "date precision"),
    "occurred_until": ("date de fin", "jusqu'au", "end date", "until"),
    "region": ("région",),
    "cercle": ("cercle", "district"),
    "commune": ("commune", "municipality"),
    "latitude": ("lat",),
    "longitude": ("lon", "long"),
    "violation_types": ("types de violation", "type de violation", "violations", "violation type", "violation"),
    "perpetrator_categories": ("auteurs présumés", "catégories d'auteurs", "auteurs", "perpetrators",
                               "perpetrator categories", "alleged perpetrators"),
    "confidentiality": ("confidentialité", "niveau de confidentialité"),
    "source_kind": ("type de source", "source", "source type"),
    "source_reliability": ("fiabilité de la source", "fiabilité", "reliability"),
    "source_credibility": ("crédibilité de l'information", "crédibilité", "credibility"),
}
REQUIRED_COLUMNS = ("external_reference", "occurred_on", "region", "violation_types")
# Columns read against a vocabulary, so a label in either language is taken for its code.
LABELLED = {"violation_types": "violation_types", "perpetrator_categories": "perpetrator_categories",
            "confidentiality": "confidentiality_levels", "date_precision": "date_precisions",
            "source_reliability": "source_reliability"}


@dataclass(frozen=True)
class RowError:
    """Why one row was refused: its spreadsheet row number (the header is row 1), the field, a catalogued code."""

    row: int
    field: str
    code: str
    params: dict[str, Any] = dataclasses.field(default_factory=dict)


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


def labels(vocabulary_name: str, codes: list[str] | None = None) -> dict[str, tuple[str, ...]]:
    """Codes of a vocabulary (or of the given codes) with their French and English labels."""
    vocab = vocabulary(vocabulary_name)
    terms = vocab.terms if codes is None else [term for code in codes if (term := vocab.get(code)) is not None]
    return {term.code: (term.label_fr, term.label_en) for term in terms}


def row_errors(row: int, exc: Exception, columns: Mapping[tuple[Any, ...], str] | None = None) -> list[RowError]:
    """A row's validation failure as row errors: pydantic's types or the domain's codes."""
    if isinstance(exc, DomainError):
        return [RowError(row, exc.field or "row", exc.code, plain_params(exc.params))]
    assert isinstance(exc, ValidationError)
    names = columns or {}
    return [RowError(row, names.get(tuple(e["loc"]), str(e["loc"][0]) if e["loc"] else "row"), e["type"],
                     plain_params(e.get("ctx") or {}))
            for e in exc.errors(include_input=False, include_url=False)]


def plain_params(params: Mapping[str, Any]) -> dict[str, Any]:
    """Parameters worth keeping with a row error (the allowed codes are in the vocabulary, not in each row)."""
    return {k: v for k, v in params.items() if isinstance(v, str | int | float | list) and k != "allowed"}


def duplicates(references: list[tuple[int, str]], column: str) -> list[RowError]:
    """A reference repeated in the file is refused on its later rows (which row to keep is the partner's call)."""
    seen: dict[str, int] = {}
    errors = []
    for row, reference in references:
        if reference in seen:
            errors.append(RowError(row, column, "row_repeats_reference", {"first_row": seen[reference]}))
        seen.setdefault(reference, row)
    return errors


def parse(table: Table, *, today: date, matches: Matches) -> ParsedFile:
    """Check the header, then every row; a bad row is reported with every problem found."""
    mapped = map_header(table.header, INCIDENT_COLUMNS, REQUIRED_COLUMNS, matches)
    separators = ("|", ",") if table.file_format == "xlsx" else ("|", ";") if table.delimiter == "," else ("|",)
    accepted: list[AcceptedRow] = []
    errors: list[RowError] = []
    for row, cells in table.rows:
        cells_by_column = record(cells, mapped)
        if cells_by_column is None:
            errors.append(RowError(row, "row", "row_too_many_cells"))
        elif not cells_by_column.get("external_reference"):
            errors.append(RowError(row, "external_reference", "row_reference_required"))
        else:
            outcome = _row(cells_by_column, row, separators, today, matches)
            (accepted.append(outcome) if isinstance(outcome, AcceptedRow) else errors.extend(outcome))
    references = [(a.row, a.draft.external_reference or "") for a in accepted]
    errors += duplicates(references, "external_reference")
    return ParsedFile(accepted=accepted, errors=sorted(errors, key=lambda e: e.row), total=len(table.rows))


_SPREADSHEET_NAMES = {("coordinates", "lat"): "latitude", ("coordinates", "lon"): "longitude",
                      ("sources", 0, "kind"): "source_kind", ("sources", 0, "reliability"): "source_reliability",
                      ("sources", 0, "credibility"): "source_credibility"}


def _row(cells: dict[str, str], row: int, separators: tuple[str, ...], today: date,
         matches: Matches) -> AcceptedRow | list[RowError]:
    try:
        draft = IncidentDraft.model_validate(_draft_data(cells, separators, matches))
        settle(draft, today=today, seal=None)
    except (ValidationError, DomainError) as exc:
        return row_errors(row, exc, _SPREADSHEET_NAMES)
    return AcceptedRow(row=row, draft=draft)


def _draft_data(cells: dict[str, str], separators: tuple[str, ...], matches: Matches) -> dict[str, Any]:
    for column, vocab in LABELLED.items():
        if column in cells and column not in ("violation_types", "perpetrator_categories"):
            cells[column] = match_label(cells[column], labels(vocab), column, matches)
    data: dict[str, Any] = {k: cells[k] for k in ("external_reference", "occurred_on", "date_precision",
                                                   "occurred_until", "confidentiality") if k in cells}
    _place(cells, data, matches)
    for name in ("occurred_on", "occurred_until"):
        if name in data:
            data[name], inferred = parse_date(data[name])
            if name == "occurred_on" and "date_precision" not in data and inferred:
                data["date_precision"] = inferred
    for name in ("violation_types", "perpetrator_categories"):
        data[name] = [match_label(v, labels(LABELLED[name]), name, matches)
                      for v in split_list(cells.get(name, ""), separators)]
    if "latitude" in cells or "longitude" in cells:
        data["coordinates"] = {"lat": cells.get("latitude", "").replace(",", "."),
                               "lon": cells.get("longitude", "").replace(",", ".")}
    if "source_kind" in cells or "source_reliability" in cells:
        source = {"kind": cells.get("source_kind"), "reliability": cells.get("source_reliability")}
        if "source_credibility" in cells:
            source["credibility"] = cells["source_credibility"]
        data["sources"] = [source]
    return data


def _place(cells: dict[str, str], data: dict[str, Any], matches: Matches) -> None:
    """Region, cercle and commune as codes: a label is read within its parent (two Kouroussa are two places)."""
    regions = vocabulary("regions")
    if "region" not in cells:
        return
    data["region"] = match_label(cells["region"], labels("regions", [t.code for t in regions.roots()]),
                                 "region", matches)
    parent = data["region"]
    for level in ("cercle", "commune"):
        if level not in cells:
            return
        children = [t.code for t in regions.children(parent)] if parent in regions else []
        data[level] = match_label(cells[level], labels("regions", children), level, matches)
        parent = data[level]
