"""Complementary suppression of a count grid: which entries to withhold so no small count can be worked out.

`disclosure.py` builds the grid (cells and margins as entries, rows and columns as lines) and marks the
primary entries (0 < n < k); this module decides the rest, deterministically:

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
"""

from __future__ import annotations

from collections import deque
from collections.abc import Collection, Sequence

# A line: the indices of its parts and the index of its total.
Line = tuple[tuple[int, ...], int]

# Entry status. BLURRED is a primary entry shown as "x" because its "<k" bound would expose a value.
PUBLISHED, PRIMARY, COMPLEMENT, BLURRED = 0, 1, 2, 3
_UNBOUNDED = 10**15  # an "x" entry has no upper bound the attacker knows of


def protect(values: Sequence[int], lines: Sequence[Line], k: int, forced: Collection[int] = ()) -> list[int]:
    """Return the status of every entry: published, primary or complement (forced entries start withheld)."""
    grid = _Grid(values, lines)
    status = [PRIMARY if 0 < v < k else PUBLISHED for v in values]
    for e in forced:
        if status[e] == PUBLISHED and values[e] > 0:
            status[e] = COMPLEMENT
    while True:
        while _close_single_lines(grid, status):
            pass
        exposed = [e for e, s in enumerate(status) if s in (PRIMARY, BLURRED) and not grid.can_change(e, status, k)]
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
        return sum(status[e] != PUBLISHED for e, _ in self.members[line])

    def can_change(self, entry: int, status: Sequence[int], k: int) -> bool:
        """True if some table consistent with the published grid gives `entry` another value."""
        pairs = list(zip(self.values, status, strict=True))
        lo = [v if s == PUBLISHED else k if s == COMPLEMENT else 1 for v, s in pairs]
        hi = [v if s == PUBLISHED else k - 1 if s == PRIMARY else _UNBOUNDED for v, s in pairs]
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
        cells = [e for e in parts if status[e] == PUBLISHED and grid.values[e] > 0]
        if cells:
            # A complement whose crossing line also has a lone withheld entry closes both lines at once.
            def closes_other(e: int, line: int = n) -> bool:
                return any(m != line and grid.withheld_on(m, status) == 1 for m, _ in grid.sides[e])

            status[min(cells, key=lambda e: (not closes_other(e), grid.values[e], e))] = COMPLEMENT
            changed = True
        elif status[total] == PUBLISHED:
            status[total] = COMPLEMENT
            changed = True
    return changed


def _repair(entry: int, grid: _Grid, status: list[int]) -> bool:
    """Withhold or blur one more entry to free an exposed one (see step 5); False if nothing is left."""
    near = sorted({e for line, _ in grid.sides[entry] if line != grid.free for e, _ in grid.members[line]})
    for pool in (near, range(len(grid.values))):
        published = [e for e in pool if status[e] == PUBLISHED and grid.values[e] > 0]
        if published:
            status[min(published, key=lambda e: (grid.values[e], e))] = COMPLEMENT
            return True
        bounded = [e for e in pool if status[e] == PRIMARY]
        if bounded:
            totals = {grid.lines[line][1] for line, _ in grid.sides[entry] if line != grid.free}
            status[max(bounded, key=lambda e: (e in totals, e))] = BLURRED  # a "<k" total pins its parts
            return True
    return False
