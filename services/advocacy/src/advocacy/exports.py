"""CSV export of the published indicators: one long table (indicator, row, column, value).

It takes the JSON documents the API publishes, already protected, so the CSV can never hold a
figure the API would not show; markers ("<k", "x", "n<k") stay as text.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from .report_html import csv_header, csv_text, csv_writer

_NOT_FIGURES = frozenset({"note", "disclosure", "k", "row_dimension", "column_dimension"})


def render_indicators_csv(indicators: Mapping[str, Mapping[str, Any]], lang: str = "en", *,
                          excel: bool = False) -> str:
    """Long-format CSV of every published indicator (indicator, row, column, value), markers as text.

    Headers in `lang`; `excel` writes `;`, CRLF and a UTF-8 byte-order mark for French Excel.
    Takes the JSON documents the API publishes (already protected): series (labels/values/total),
    tables (rows of values with totals) and named figures; notes and disclosure metadata are left out.
    """
    out = io.StringIO()
    writer = csv_writer(out, excel=excel)
    writer.writerow(csv_header(lang))
    for name, document in indicators.items():
        writer.writerows([name, row, column, _value(value, lang, excel)] for row, column, value in _entries(document))
    return csv_text(out, excel=excel)


def _value(value: Any, lang: str, excel: bool) -> Any:
    """French Excel reads 0,25 as a number and 0.25 as text: decimals get a comma in that mode."""
    if value is None:
        return ""
    if excel and lang == "fr" and isinstance(value, float):
        return str(value).replace(".", ",")
    return value


def _entries(document: Mapping[str, Any], prefix: str = "") -> list[tuple[str, str, Any]]:
    """(row, column, value) of one published document."""
    if "labels" in document and "values" in document:  # a series
        pairs = zip(document["labels"], document["values"], strict=True)
        return [(f"{prefix}{label}", "", v) for label, v in pairs] + [(f"{prefix}total", "", document["total"])]
    if "columns" in document and "rows" in document:  # a table, one record per row
        cells = [(r["label"], c, v) for r in document["rows"]
                 for c, v in zip([*document["columns"], "total"], [*r["values"], r["total"]], strict=True)]
        totals = zip([*document["columns"], "total"], [*document["column_totals"], document["grand_total"]],
                     strict=True)
        return cells + [("total", c, v) for c, v in totals]
    entries: list[tuple[str, str, Any]] = []
    for key, value in document.items():
        if key in _NOT_FIGURES:
            continue
        if isinstance(value, Mapping):
            entries += _entries(value, f"{prefix}{key}.")
        elif isinstance(value, list):  # records such as regions, keyed by their first field
            entries += [(str(next(iter(item.values()))), f, v) for item in value
                        for f, v in list(item.items())[1:]]
        else:
            entries.append((f"{prefix}{key}", "", value))
    return entries
