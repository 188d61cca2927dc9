"""Reading what partners' spreadsheets hold: encodings, .xlsx, French or English headers and labels, dates.

Pure functions over bytes already in memory. A file is UTF-8 (with or without a byte-order mark) or
Windows-1252 (French Excel's "CSV (séparateur : point-virgule)"), or an .xlsx workbook. Headers and
vocabulary labels are matched without regard to case, accents, spaces or underscores, in French or
English, and each match is reported so a partner sees how their words were read.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from servicekit.errors import InvalidInput

XLSX_MAGIC = b"PK\x03\x04"
TRUE_WORDS = frozenset({"oui", "o", "yes", "y", "vrai", "true", "1", "x"})
FALSE_WORDS = frozenset({"non", "n", "no", "faux", "false", "0", ""})


@dataclass(frozen=True)
class Table:
    """A sheet as text: its header cells, its data rows (spreadsheet row numbers start at 2) and how it was read."""

    header: list[str]
    rows: list[tuple[int, list[str]]]
    file_format: str  # "csv" or "xlsx"
    encoding: str | None  # "utf-8", "utf-8-sig" or "cp1252" for CSV
    delimiter: str | None = None


@dataclass
class Matches:
    """How the file's words were read: header cells to columns, labels to vocabulary codes."""

    columns: dict[str, str] = field(default_factory=dict)
    labels: dict[tuple[str, str], str] = field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        """JSON-ready form for the import job (labels are vocabulary words, never personal data)."""
        return {"columns": dict(self.columns),
                "labels": [{"column": c, "value": v, "code": code} for (c, v), code in sorted(self.labels.items())]}


def normalise(text: str) -> str:
    """Lower case, no accents, words joined by single spaces: "Référence_externe" -> "reference externe"."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\s_\-'’./]+", " ", bare).strip()


def decode(raw: bytes) -> tuple[str, str]:
    """The text and the encoding it was read with: UTF-8 (BOM or not), else Windows-1252."""
    if raw.startswith(b"\xef\xbb\xbf"):
        return raw.decode("utf-8-sig"), "utf-8-sig"
    try:
        return raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise InvalidInput("file_encoding_unknown", field="file") from None


def read_table(raw: bytes, *, max_rows: int) -> Table:
    """The first sheet of an .xlsx workbook or a CSV file (`,` or `;`), refused whole when unreadable."""
    table = _read_xlsx(raw, max_rows) if raw.startswith(XLSX_MAGIC) else _read_csv(raw, max_rows)
    if not any(cell.strip() for cell in table.header):
        raise InvalidInput("file_no_header", field="file")
    if len(table.rows) > max_rows:
        raise InvalidInput("file_too_many_rows", field="file", limit=max_rows)
    return table


def _read_csv(raw: bytes, max_rows: int) -> Table:
    text, encoding = decode(raw)
    lines = text.splitlines()
    first = lines[0] if lines else ""
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader, [])
        rows = []
        for cells in reader:
            if any(cell.strip() for cell in cells):
                rows.append((reader.line_num, cells))
            if len(rows) > max_rows:
                break
    except csv.Error:
        raise InvalidInput("csv_malformed", field="file", line=reader.line_num) from None
    return Table(header, rows, "csv", encoding, delimiter)


def _read_xlsx(raw: bytes, max_rows: int) -> Table:
    from openpyxl import load_workbook  # only for workbooks: a CSV import never pays for it

    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception:
        raise InvalidInput("xlsx_unreadable", field="file") from None
    try:
        sheet = book.worksheets[0]
        values = sheet.iter_rows(values_only=True)
        header = [_cell(v) for v in next(values, ())]
        rows = []
        for number, cells in enumerate(values, start=2):
            texts = [_cell(v) for v in cells]
            if any(texts):
                rows.append((number, texts))
            if len(rows) > max_rows:
                break
    finally:
        book.close()
    return Table(header, rows, "xlsx", None)


def _cell(value: Any) -> str:
    """A workbook cell as the text a CSV export would hold (dates as ISO, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def map_header(header: list[str], aliases: Mapping[str, Iterable[str]], required: Iterable[str],
               matches: Matches) -> list[str | None]:
    """The column each header cell names (French or English), refusing unknown and missing columns."""
    lookup = {normalise(alias): column for column, names in aliases.items() for alias in (column, *names)}
    mapped, unknown = [], []
    for cell in header:
        column = lookup.get(normalise(cell)) if cell.strip() else None
        if cell.strip() and column is None:
            unknown.append(cell.strip())
        elif column is not None:
            matches.columns[cell.strip()] = column
        mapped.append(column)
    if unknown:
        raise InvalidInput("header_unknown_columns", field="file.header", unknown_columns=unknown,
                           allowed=sorted(aliases))
    missing = [column for column in required if column not in mapped]
    if missing:
        raise InvalidInput("header_missing_columns", field="file.header", missing_columns=missing)
    return mapped


def record(cells: list[str], mapped: list[str | None]) -> dict[str, str] | None:
    """Cells by column, trimmed and without empty ones; None when the row has more cells than the header."""
    if len(cells) > len(mapped) and any(c.strip() for c in cells[len(mapped):]):
        return None
    return {column: cell.strip() for column, cell in zip(mapped, cells, strict=False) if column and cell.strip()}


def match_label(value: str, labels: Mapping[str, tuple[str, ...]], column: str, matches: Matches) -> str:
    """The code a cell names: the code itself, or a French or English label (case and accents ignored)."""
    if value in labels:
        return value
    wanted = normalise(value)
    found = [code for code, names in labels.items() if wanted in {normalise(code), *map(normalise, names)}]
    if len(found) == 1:
        if found[0] != value:
            matches.labels[(column, value)] = found[0]
        return found[0]
    return value  # left as is: the vocabulary check refuses it with the allowed codes


def split_list(cell: str, separators: tuple[str, ...]) -> list[str]:
    """Several values in one cell, separated by '|' (or ';' in a comma-separated file, or ',' in .xlsx)."""
    for separator in separators[1:]:
        cell = cell.replace(separator, separators[0])
    return [item.strip() for item in cell.split(separators[0]) if item.strip()]


def parse_date(cell: str) -> tuple[str, str | None]:
    """A date as ISO and the precision it implies: JJ/MM/AAAA, MM/AAAA, AAAA, AAAA-MM, AAAA-MM-JJ."""
    cell = cell.strip()
    if re.fullmatch(r"\d{4}", cell):
        return f"{cell}-01-01", "year"
    if re.fullmatch(r"\d{4}-\d{1,2}", cell):
        year, month = cell.split("-")
        return f"{year}-{int(month):02d}-01", "month"
    if match := re.fullmatch(r"(\d{1,2})[/.](\d{4})", cell):
        month, year = match.groups()
        return f"{year}-{int(month):02d}-01", "month"
    if match := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", cell):
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}", "day"
    return cell, None


def parse_bool(cell: str | None) -> bool | None:
    """oui/non, yes/no, vrai/faux, 1/0, x; None when the cell says something else."""
    word = normalise(cell or "")
    return True if word in TRUE_WORDS else False if word in FALSE_WORDS else None
