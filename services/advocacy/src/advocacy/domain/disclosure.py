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
3. Complementary suppression (line rule): a line with exactly one withheld entry would give it
   away by subtraction, so one more entry of that line is withheld: preferably a cell whose
   crossing line also has a single withheld entry (one complement then closes two lines),
   otherwise the smallest non-zero published cell; the line's total only when no cell qualifies.
   Repeated until no line has exactly one withheld entry.
4. Audit: the line rule is not enough. The markers bound the values ("<k" is 1..k-1; a complement
   is >= k, else it would have been primary), so a row [4, 4] with total 8 forces both cells to 4;
   and lines combine (a column total minus two row totals can isolate a cell). A primary entry is
   safe only if another table, consistent with everything published and with the markers, gives
   it another value. A table with its margins is a circulation on the bipartite graph of its lines
   (entries are edges), so by the conformal-decomposition theorem such a table exists iff a cycle
   of +1/-1 moves through the entry keeps every moved entry within its bounds; a breadth-first
   search finds one or proves there is none, so the audit is exact. (A complement pinned to its
   exact value is harmless in itself: it is >= k and would have been publishable.)
5. Repair, for the first exposed entry, then back to step 3: withhold the smallest non-zero
   published entry on its lines; if none is left, show a "<k" entry on its lines as "x" instead,
   which drops the 1..k-1 bound (the case of four "<5" cells whose total is "<5": all must be 1);
   if neither is possible near it, do the same anywhere in the table. Each repair withholds or
   blurs one more entry, so the loop ends; once everything non-zero is withheld and blurred no
   primary entry can be pinned, since every bound left open upward admits a +1 cycle.

Complements are shown as "x", not "<k": they are usually >= k, and a report that printed "<5" for
a 12 would be false. Each table is protected on its own: figures derived from the same data must
be published from the protected table (its margins), never recomputed from raw counts.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

DEFAULT_K = 5
COMPLEMENT_MARKER = "x"
METHOD = "primary 0<n<k shown as '<k'; complementary: line rule, exact cycle audit, shown as 'x'"

Cell = int | str
# A line: the indices of its parts and the index of its total.
Line = tuple[tuple[int, ...], int]

# Entry status. BLURRED is a primary entry shown as "x" because its "<k" bound would expose a value.
_PUBLISHED, _PRIMARY, _COMPLEMENT, _BLURRED = 0, 1, 2, 3
_UNBOUNDED = 10**15  # an "x" entry has no upper bound the attacker knows of


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
    status = _protect(values, lines, k, forced)
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
    status = _protect(values, lines, k)
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
    return value if status == _PUBLISHED else f"<{k}" if status == _PRIMARY else COMPLEMENT_MARKER


def _info(status: Sequence[int], k: int) -> SuppressionInfo:
    primary = status.count(_PRIMARY) + status.count(_BLURRED)
    return SuppressionInfo(k=k, primary=primary, complementary=status.count(_COMPLEMENT))


def _protect(values: Sequence[int], lines: Sequence[Line], k: int, forced: Collection[int] = ()) -> list[int]:
    """Return the status of every entry: published, primary or complement (forced entries start withheld)."""
    grid = _Grid(values, lines)
    status = [_PRIMARY if 0 < v < k else _PUBLISHED for v in values]
    for e in forced:
        if status[e] == _PUBLISHED and values[e] > 0:
            status[e] = _COMPLEMENT
    while True:
        while _close_single_lines(grid, status):
            pass
        exposed = [e for e, s in enumerate(status) if s in (_PRIMARY, _BLURRED) and not grid.can_change(e, status, k)]
        if not exposed or not _repair(exposed[0], grid, status):
            return status


class _Grid:
    """Entries and the lines they sit on; a line says sum(parts) - total == 0."""

    def __init__(self, values: Sequence[int], lines: Sequence[Line]) -> None:
        self.values, self.lines = values, lines
        self.free = len(lines)  # a pseudo-line for entries on a single line: it constrains nothing
        self.members: list[list[tuple[int, int]]] = [[] for _ in range(len(lines) + 1)]
        self.sides: list[list[tuple[int, int]]] = [[] for _ in values]
        for n, (parts, total) in enumerate(lines):
            for e, coefficient in [*((p, 1) for p in parts), (total, -1)]:
                self.members[n].append((e, coefficient))
                self.sides[e].append((n, coefficient))
        for e, sides in enumerate(self.sides):
            while len(sides) < 2:
                sides.append((self.free, 0))
                self.members[self.free].append((e, 0))

    def withheld_on(self, line: int, status: Sequence[int]) -> int:
        """How many entries of a line are withheld."""
        return sum(status[e] != _PUBLISHED for e, _ in self.members[line])

    def can_change(self, entry: int, status: Sequence[int], k: int) -> bool:
        """True if some table consistent with the published grid gives `entry` another value."""
        pairs = list(zip(self.values, status, strict=True))
        lo = [v if s == _PUBLISHED else k if s == _COMPLEMENT else 1 for v, s in pairs]
        hi = [v if s == _PUBLISHED else k - 1 if s == _PRIMARY else _UNBOUNDED for v, s in pairs]
        return any(self._cycle_through(entry, step, lo, hi) for step in (1, -1))

    def _cycle_through(self, entry: int, step: int, lo: list[int], hi: list[int]) -> bool:
        """Search a cycle of unit moves that starts by moving `entry` by `step` and rebalances every line."""
        if not lo[entry] <= self.values[entry] + step <= hi[entry]:
            return False
        (start, a_start), (goal, a_goal) = self.sides[entry]
        if start == goal == self.free:
            return True
        # State: a line and the imbalance the moves so far left on it, which the next move must cancel.
        queue, seen = deque([(start, a_start * step)]), {(start, a_start * step)}
        while queue:
            line, imbalance = queue.popleft()
            for other, a in self.members[line]:
                for move in ((1, -1) if line == self.free else (-imbalance * a,)):
                    if other == entry or not lo[other] <= self.values[other] + move <= hi[other]:
                        continue
                    first, second = self.sides[other]
                    nxt, b = second if first == (line, a) else first
                    if nxt == goal and (goal == self.free or b * move == -a_goal * step):
                        return True
                    if nxt not in (start, goal) and (nxt, b * move) not in seen:
                        seen.add((nxt, b * move))
                        queue.append((nxt, b * move))
        return False


def _close_single_lines(grid: _Grid, status: list[int]) -> bool:
    """One pass of the line rule; True if it withheld anything."""
    changed = False
    for n, (parts, total) in enumerate(grid.lines):
        if grid.withheld_on(n, status) != 1:
            continue
        cells = [e for e in parts if status[e] == _PUBLISHED and grid.values[e] > 0]
        if cells:
            # A complement whose crossing line also has a lone withheld entry closes both lines at once.
            def closes_other(e: int, line: int = n) -> bool:
                return any(m != line and grid.withheld_on(m, status) == 1 for m, _ in grid.sides[e])

            status[min(cells, key=lambda e: (not closes_other(e), grid.values[e], e))] = _COMPLEMENT
            changed = True
        elif status[total] == _PUBLISHED:
            status[total] = _COMPLEMENT
            changed = True
    return changed


def _repair(entry: int, grid: _Grid, status: list[int]) -> bool:
    """Withhold or blur one more entry to free an exposed one (see step 5); False if nothing is left."""
    near = sorted({e for line, _ in grid.sides[entry] if line != grid.free for e, _ in grid.members[line]})
    for pool in (near, range(len(grid.values))):
        published = [e for e in pool if status[e] == _PUBLISHED and grid.values[e] > 0]
        if published:
            status[min(published, key=lambda e: (grid.values[e], e))] = _COMPLEMENT
            return True
        bounded = [e for e in pool if status[e] == _PRIMARY]
        if bounded:
            totals = {grid.lines[line][1] for line, _ in grid.sides[entry] if line != grid.free}
            status[max(bounded, key=lambda e: (e in totals, e))] = _BLURRED  # a "<k" total pins its parts
            return True
    return False
