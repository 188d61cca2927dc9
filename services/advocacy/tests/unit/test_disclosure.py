"""Small-cell suppression: primary, complementary, margins, 1-D, determinism, and a brute-force attacker."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from advocacy.domain.disclosure import (
    COMPLEMENT_MARKER,
    CountTable,
    SuppressedTable,
    protect_figure,
    suppress_series,
    suppress_table,
)

# --- a brute-force attacker -------------------------------------------------------------------------
# It sees the published grid (cells, row totals, column totals, grand total) and knows the method:
# "<k" means 1..k-1; it is even told which "x" entries are complements (>= k, anything smaller would
# have been primary) and which are small counts shown as "x" (>= 1). For every small count (0 < n < k)
# it looks for a table consistent with all that in which the count takes another value than the true
# one. If none exists, the count is exposed. (A complement pinned down is >= k: publishable anyway.)


def _grid(published: SuppressedTable) -> tuple[list[int | str], list[tuple[list[int], int]]]:
    """Flatten a protected table into entries and lines (parts, total), as the attacker sees them."""
    n_rows, n_cols = len(published.rows), len(published.columns)
    width = n_cols + 1
    rows = [[*published.cells[i], published.row_totals[i]] for i in range(n_rows)]
    rows.append([*published.column_totals, published.grand_total])
    entries = [e for r in rows for e in r]
    lines = [([i * width + j for j in range(n_cols)], i * width + n_cols) for i in range(n_rows + 1)]
    lines += [([i * width + j for i in range(n_rows)], n_rows * width + j) for j in range(n_cols + 1)]
    return entries, lines


def _truth(table: CountTable) -> list[int]:
    rows = [[*r, sum(r)] for r in table.counts]
    cols = [sum(r[j] for r in table.counts) for j in range(len(table.columns))]
    return [n for r in rows for n in r] + cols + [sum(cols)]


def _exposed_by_brute_force(table: CountTable, k: int = 5, **forced: Any) -> list[int]:
    """Small counts whose value is the only one consistent with the published grid."""
    entries, lines = _grid(suppress_table(table, k, **forced))
    truth = _truth(table)
    upper = 2 * truth[-1] + k  # generous: a complement is only bounded by the lines it sits on
    domain = {e: range(1, k) if v == f"<{k}" else range(1 if truth[e] < k else k, upper + 1)
              for e, v in enumerate(entries) if isinstance(v, str)}
    assert all(isinstance(entries[e], str) for e, n in enumerate(truth) if 0 < n < k)
    exposed = []
    for e in sorted(e for e in domain if truth[e] < k):
        if not any(_solvable({e: v}, entries, lines, domain) for v in domain[e] if v != truth[e]):
            exposed.append(e)
    return exposed


def _solvable(assigned: dict[int, int], entries: list[int | str], lines: list[tuple[list[int], int]],
              domain: dict[int, range]) -> bool:
    """Depth-first search for values of the unassigned withheld entries satisfying every line."""

    def value(e: int) -> int | None:
        return assigned.get(e) if e in domain else int(entries[e])

    def bounds(e: int) -> tuple[int, int]:
        v = value(e)
        return (v, v) if v is not None else (domain[e].start, domain[e].stop - 1)

    for parts, total in lines:
        unknown = [e for e in (*parts, total) if value(e) is None]
        if len(unknown) > 1:
            low, high = sum(bounds(p)[0] for p in parts), sum(bounds(p)[1] for p in parts)
            if low > bounds(total)[1] or high < bounds(total)[0]:
                return False
            continue
        known_parts = sum(value(p) or 0 for p in parts if p not in unknown)
        if not unknown:
            if known_parts != value(total):
                return False
            continue
        (e,) = unknown  # one unknown on the line: its value is forced
        forced = known_parts if e == total else (value(total) or 0) - known_parts
        return forced in domain[e] and _solvable({**assigned, e: forced}, entries, lines, domain)
    pending = [e for e in domain if e not in assigned]
    if not pending:
        return True
    e = min(pending, key=lambda u: (len(domain[u]), u))
    return any(_solvable({**assigned, e: v}, entries, lines, domain) for v in domain[e])


def _table(counts: list[list[int]]) -> CountTable:
    return CountTable(
        rows=tuple(f"r{i}" for i in range(len(counts))),
        columns=tuple(f"c{j}" for j in range(len(counts[0]))),
        counts=tuple(tuple(r) for r in counts),
    )


def _random_tables(n: int, seed: int = 20240601) -> list[CountTable]:
    rng = random.Random(seed)
    tables = []
    for _ in range(n):
        shape = rng.choice([(2, 2), (2, 3), (3, 3), (3, 4), (4, 3)])
        counts = [[rng.choice([0, 0, 1, 2, 3, 4, 5, 6, 8, 12, 20]) for _ in range(shape[1])]
                  for _ in range(shape[0])]
        tables.append(_table(counts))
    return tables


# --- primary suppression ----------------------------------------------------------------------------


def test_counts_between_one_and_k_minus_one_are_shown_as_less_than_k() -> None:
    published = suppress_series({"a": 1, "b": 4, "c": 5, "d": 40}, with_total=False)
    assert dict(published.items) == {"a": "<5", "b": "<5", "c": 5, "d": 40}


def test_zero_cells_are_published_as_zero() -> None:
    published = suppress_table(_table([[0, 10], [7, 9]]))
    assert published.cells == ((0, 10), (7, 9))
    assert published.info.suppressed == 0


def test_marker_follows_k() -> None:
    published = suppress_series({"a": 7, "b": 30}, k=10, with_total=False)
    assert dict(published.items) == {"a": "<10", "b": 30}


def test_k_below_three_is_refused() -> None:
    with pytest.raises(ValueError, match="k must be at least 3"):
        suppress_series({"a": 1}, k=2)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        _table([[1, -2]])
    with pytest.raises(ValueError, match="negative"):
        suppress_series({"a": -1})


# --- complementary suppression ----------------------------------------------------------------------


def test_classic_2x2_withholds_the_whole_cycle() -> None:
    published = suppress_table(_table([[3, 10], [12, 20]]))
    assert published.cells == (("<5", "x"), ("x", "x"))
    assert published.row_totals == (13, 32) and published.column_totals == (15, 30)
    assert published.grand_total == 45
    assert _exposed_by_brute_force(_table([[3, 10], [12, 20]])) == []


def test_3x3_single_small_cell_gets_a_rectangle_of_complements() -> None:
    table = _table([[2, 9, 14], [11, 7, 30], [25, 16, 8]])
    published = suppress_table(table)
    withheld = {(i, j) for i, r in enumerate(published.cells) for j, v in enumerate(r) if isinstance(v, str)}
    assert (0, 0) in withheld and len(withheld) == 4
    rows, cols = {i for i, _ in withheld}, {j for _, j in withheld}
    assert len(rows) == 2 and len(cols) == 2  # a 2x2 cycle: no line has a lone withheld cell
    assert _exposed_by_brute_force(table) == []


def test_every_line_with_a_withheld_entry_has_at_least_two() -> None:
    for table in _random_tables(200):
        entries, lines = _grid(suppress_table(table))
        for parts, total in lines:
            withheld = sum(isinstance(entries[e], str) for e in (*parts, total))
            assert withheld != 1, (table.counts, entries)


@pytest.mark.parametrize("table", _random_tables(120, seed=7), ids=lambda t: str(t.counts))
def test_brute_force_attacker_cannot_pin_down_any_withheld_entry(table: CountTable) -> None:
    assert _exposed_by_brute_force(table) == []


def test_two_cells_at_the_upper_bound_get_an_extra_complement() -> None:
    # Row [4, 4 | 8]: both "<5" and summing to 8 forces both to be 4 unless more is withheld.
    table = _table([[4, 4, 20], [10, 10, 10]])
    published = suppress_table(table)
    assert sum(isinstance(v, str) for v in (*published.cells[0], published.row_totals[0])) >= 3
    assert _exposed_by_brute_force(table) == []


def test_margin_below_k_is_withheld_and_protected() -> None:
    table = _table([[1, 2, 0], [9, 12, 30], [7, 11, 6]])
    published = suppress_table(table)
    assert published.row_totals[0] == "<5"
    assert sum(isinstance(v, str) for v in published.row_totals) >= 2
    assert _exposed_by_brute_force(table) == []


def test_table_with_only_small_counts_hides_the_grand_total() -> None:
    published = suppress_table(_table([[1, 0], [0, 2]]))
    assert published.grand_total == "<5"
    assert _exposed_by_brute_force(_table([[1, 0], [0, 2]])) == []


def test_table_without_small_counts_is_unchanged() -> None:
    published = suppress_table(_table([[5, 6], [7, 8]]))
    assert published.cells == ((5, 6), (7, 8)) and published.grand_total == 26


# --- 1-D tables ---------------------------------------------------------------------------------------


def test_series_with_total_withholds_the_next_smallest_cell() -> None:
    published = suppress_series({"killing": 3, "torture": 10, "abduction": 8, "pillage": 20})
    assert dict(published.items) == {"killing": "<5", "torture": 10, "abduction": "x", "pillage": 20}
    assert published.total == 41


def test_series_whose_only_other_cell_is_zero_withholds_the_total() -> None:
    published = suppress_series({"a": 12, "b": 3, "c": 0})
    assert dict(published.items) == {"a": "x", "b": "<5", "c": 0}
    assert published.total == 15  # both non-zero parts withheld: 12+3 cannot be split


def test_series_with_one_non_zero_cell_withholds_the_total() -> None:
    published = suppress_series({"a": 3, "b": 0})
    assert dict(published.items) == {"a": "<5", "b": 0} and published.total == "<5"


def test_series_keeps_the_callers_order() -> None:
    published = suppress_series({"z": 9, "a": 8})
    assert [label for label, _ in published.items] == ["z", "a"]


# --- determinism, metadata, figures -------------------------------------------------------------------


def test_same_table_gives_the_same_result_whatever_the_input_order() -> None:
    forward = {"mopti": {"killing": 3, "torture": 9}, "gao": {"killing": 12, "torture": 7}}
    backward = {"gao": {"torture": 7, "killing": 12}, "mopti": {"torture": 9, "killing": 3}}
    assert suppress_table(CountTable.from_nested(forward)) == suppress_table(CountTable.from_nested(backward))
    assert CountTable.from_nested(forward).rows == ("gao", "mopti")


def test_metadata_counts_withheld_entries_and_names_the_markers() -> None:
    published = suppress_table(_table([[3, 10], [12, 20]]))
    public = published.to_public()
    assert public["disclosure"]["k"] == 5
    assert public["disclosure"]["primary"] == 1 and public["disclosure"]["complementary"] == 3
    assert set(public["disclosure"]["markers"]) == {"<5", COMPLEMENT_MARKER}
    json.dumps(public)


def test_shape_mismatch_is_refused() -> None:
    with pytest.raises(ValueError, match="one row per row label"):
        CountTable(rows=("a",), columns=("x", "y"), counts=((1,),))


def test_figure_from_fewer_than_k_records_is_withheld() -> None:
    assert protect_figure(41.5, n=3) == "n<5"
    assert protect_figure(41.5, n=5) == 41.5
    assert protect_figure(None, n=0) is None
    assert protect_figure(0.2, n=8, k=10) == "n<10"


def test_margins_a_linked_table_withholds_are_withheld_and_the_table_stays_protected() -> None:
    table = _table([[9, 2, 7], [8, 6, 12], [10, 11, 3]])
    linked = suppress_table(table, withhold_column_totals={"c1"}, withhold_grand_total=True)
    assert linked.column_totals[1] == COMPLEMENT_MARKER and linked.grand_total == COMPLEMENT_MARKER
    assert _exposed_by_brute_force(table, withhold_column_totals={"c1"}, withhold_grand_total=True) == []
