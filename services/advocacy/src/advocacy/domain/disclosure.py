"""Statistical disclosure control for count tables and figures that leave the advocacy service.

Every figure published by advocacy (API responses, CSV/JSON exports, HTML reports, snapshots cited
in advocacy actions) passes through this module first. The people counted here are victims of
atrocity crimes: a count of 1 in "sexual violence, Ménaka, 2023" can identify someone.

Algorithm (deterministic: same table in, same table out):

1. The table and its margins form one grid of *entries*: cells, row totals, column totals and the
   grand total. Every row and every column is a *line*: its parts sum to its total. The column of
   row totals and the row of column totals are lines too (they sum to the grand total), so margins
   are protected exactly like cells.
2. Primary suppression: any entry with 0 < n < k is withheld and shown as "<k".
   Zeros are published as 0. A zero says that no incident/case/person was recorded in that group;
   it identifies nobody, and hiding it would hide the absence of documentation or of justice,
   which is itself an advocacy finding ("no case reached trial"). Because zeros are published,
   "<k" tells the reader the value is between 1 and k-1.
3-5. Complementary suppression, an exact audit and repairs: see `suppression.py`.

Complements are shown as "x", not "<k": they are usually >= k, and a report that printed "<5" for
a 12 would be false. Each table is protected on its own: figures derived from the same data must
be published from the protected table (its margins), never recomputed from raw counts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .suppression import BLURRED, COMPLEMENT, PRIMARY, PUBLISHED, Line, protect

DEFAULT_K = 5
COMPLEMENT_MARKER = "x"
METHOD = "primary 0<n<k shown as '<k'; complementary: line rule, exact cycle audit, shown as 'x'"

Cell = int | str


@dataclass(frozen=True)
class CountTable:
    """Raw counts, rows x columns; margins are always computed from the cells."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]

    def __post_init__(self) -> None:
        if len(self.counts) != len(self.rows) or any(len(r) != len(self.columns) for r in self.counts):
            raise ValueError("counts must have one row per row label and one cell per column label")
        if any(n < 0 for r in self.counts for n in r):
            raise ValueError("counts cannot be negative")

    @classmethod
    def from_nested(
        cls,
        nested: Mapping[str, Mapping[str, int]],
        rows: Sequence[str] | None = None,
        columns: Sequence[str] | None = None,
    ) -> CountTable:
        """Build from {row: {column: n}}; missing cells are 0, labels sorted unless given."""
        row_labels = tuple(rows) if rows is not None else tuple(sorted(nested))
        col_labels = tuple(columns) if columns is not None else tuple(
            sorted({c for r in nested.values() for c in r})
        )
        counts = tuple(tuple(nested.get(r, {}).get(c, 0) for c in col_labels) for r in row_labels)
        return cls(row_labels, col_labels, counts)


@dataclass(frozen=True)
class SuppressionInfo:
    """How a published table was protected."""

    k: int
    primary: int
    complementary: int
    method: str = METHOD

    @property
    def suppressed(self) -> int:
        """Number of withheld entries, margins included."""
        return self.primary + self.complementary

    def to_public(self) -> dict[str, Any]:
        """JSON-ready description, with the meaning of each marker."""
        return {
            "k": self.k, "suppressed": self.suppressed, "primary": self.primary,
            "complementary": self.complementary, "method": self.method,
            "markers": {f"<{self.k}": f"between 1 and {self.k - 1}",
                        COMPLEMENT_MARKER: f"withheld so that no figure below {self.k} can be worked out"},
        }


@dataclass(frozen=True)
class SuppressedTable:
    """A protected table: every entry is a published int or a marker string."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    row_totals: tuple[Cell, ...]
    column_totals: tuple[Cell, ...]
    grand_total: Cell
    info: SuppressionInfo

    def to_public(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "rows": list(self.rows), "columns": list(self.columns),
            "cells": [list(r) for r in self.cells], "row_totals": list(self.row_totals),
            "column_totals": list(self.column_totals), "grand_total": self.grand_total,
            "disclosure": self.info.to_public(),
        }


@dataclass(frozen=True)
class SuppressedSeries:
    """A protected 1-D table: (label, entry) pairs in the caller's order, and its total."""

    items: tuple[tuple[str, Cell], ...]
    total: Cell | None
    info: SuppressionInfo

    def to_public(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"labels": [label for label, _ in self.items], "values": [v for _, v in self.items],
                "total": self.total, "disclosure": self.info.to_public()}


def suppress_table(table: CountTable, k: int = DEFAULT_K, *, withhold_column_totals: Collection[str] = (),
                   withhold_grand_total: bool = False) -> SuppressedTable:
    """Protect a 2-D table and its margins.

    `withhold_column_totals` / `withhold_grand_total` force margins withheld because a linked table
    (one sharing those margins) withholds them: published in one table, they would reopen the other.
    """
    _check_k(k)
    n_rows, n_cols = len(table.rows), len(table.columns)
    width = n_cols + 1  # entry (i, j) sits at i * width + j; row n_rows holds the column totals
    values = [n for r in table.counts for n in (*r, sum(r))]
    values += [sum(r[j] for r in table.counts) for j in range(n_cols)] + [sum(map(sum, table.counts))]
    lines: list[Line] = [
        (tuple(i * width + j for j in range(n_cols)), i * width + n_cols) for i in range(n_rows + 1)
    ]
    lines += [(tuple(i * width + j for i in range(n_rows)), n_rows * width + j) for j in range(n_cols + 1)]
    forced = [n_rows * width + j for j, c in enumerate(table.columns) if c in withhold_column_totals]
    forced += [n_rows * width + n_cols] if withhold_grand_total else []
    status = protect(values, lines, k, forced)
    shown = [_display(v, s, k) for v, s in zip(values, status, strict=True)]
    grid = [shown[i * width:(i + 1) * width] for i in range(n_rows + 1)]
    return SuppressedTable(
        rows=table.rows, columns=table.columns,
        cells=tuple(tuple(r[:n_cols]) for r in grid[:n_rows]),
        row_totals=tuple(r[n_cols] for r in grid[:n_rows]),
        column_totals=tuple(grid[n_rows][:n_cols]), grand_total=grid[n_rows][n_cols],
        info=_info(status, k),
    )


def suppress_series(counts: Mapping[str, int], k: int = DEFAULT_K, *, with_total: bool = True) -> SuppressedSeries:
    """Protect a 1-D table; with a published total, complements stop recovery by subtraction."""
    _check_k(k)
    if any(n < 0 for n in counts.values()):
        raise ValueError("counts cannot be negative")
    labels, values = list(counts), list(counts.values())
    lines: list[Line] = []
    if with_total:
        lines = [(tuple(range(len(values))), len(values))]
        values.append(sum(values))
    status = protect(values, lines, k)
    shown = [_display(v, s, k) for v, s in zip(values, status, strict=True)]
    return SuppressedSeries(
        items=tuple(zip(labels, shown[:len(labels)], strict=True)),
        total=shown[-1] if with_total else None, info=_info(status, k),
    )


def protect_figure(value: float | None, n: int, k: int = DEFAULT_K) -> float | str | None:
    """A rate, share, median or amount computed from n records; withheld as "n<k" when 0 < n < k."""
    _check_k(k)
    if value is None or n == 0:
        return None
    return f"n<{k}" if n < k else value


def _check_k(k: int) -> None:
    # With zeros published, "<2" could only mean 1: k must be at least 3 to hide anything.
    if k < 3:
        raise ValueError("k must be at least 3")


def _display(value: int, status: int, k: int) -> Cell:
    return value if status == PUBLISHED else f"<{k}" if status == PRIMARY else COMPLEMENT_MARKER


def _info(status: Sequence[int], k: int) -> SuppressionInfo:
    primary = status.count(PRIMARY) + status.count(BLURRED)
    return SuppressionInfo(k=k, primary=primary, complementary=status.count(COMPLEMENT))
