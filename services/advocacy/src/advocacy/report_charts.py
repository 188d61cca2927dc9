"""Report charts (PNG) in the report's language; the HTML, CSV, JSON and PDF files are in `report_html`.

Contract: every function here takes *already protected* figures only. Tables and series are the
`SuppressedTable` / `SuppressedSeries` that `domain.disclosure` produces, and each value in
`ReportIndicators.figures` is a protected count or the output of `protect_figure`. Nothing here
suppresses, so nothing here can forget to: a withheld value reaches this module as a marker string
and is drawn as a marker, never as a number or a bar length.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.typing import ColorType, RcKeyType
from servicekit.i18n import text

from advocacy.domain.disclosure import Cell, SuppressedSeries, SuppressedTable

# Okabe-Ito: distinguishable under the common colour-vision deficiencies and in greyscale print.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442")
OTHER_COLOUR, WITHHELD_COLOUR, INK = "#8C8C8C", "#E3E3E3", "#222222"
HEATMAP = "YlOrRd"  # sequential, lightness-monotone: reads the same for colour-blind readers
_RC: dict[RcKeyType, Any] = {"font.size": 11, "axes.titlesize": 15, "axes.titleweight": "bold", "axes.labelsize": 12,
       "axes.spines.top": False, "axes.spines.right": False, "axes.edgecolor": "#777777",
       "legend.frameon": False, "font.family": "DejaVu Sans"}


@dataclass(frozen=True)
class ReportIndicators:
    """The protected figures of one report."""

    incidents_by_year_violation: SuppressedTable  # rows: years, columns: violation types
    incidents_by_region_violation: SuppressedTable  # rows: regions, columns: violation types
    cases_by_stage: SuppressedSeries  # in pipeline order
    figures: Mapping[str, Cell | float | None] = field(default_factory=dict)  # protected headline figures


@dataclass(frozen=True)
class ReportMeta:
    """What the report covers and how to name things in it."""

    title: str
    period_start: date
    period_end: date
    generated_at: datetime
    labels: Mapping[str, str] = field(default_factory=dict)  # code -> label (regions, types, stages, figures)
    verified_only: bool = False
    language: str = "fr"  # fr or en: every text of the report, its charts and its CSV headers


def say(code: str, language: str, **params: Any) -> str:
    """A text of the report in its language (advocacy's catalogue)."""
    return text(code, language, package="advocacy", **params)


def label(code: str, labels: Mapping[str, str] | None = None) -> str:
    """Display label of a code: the given label, else the code made readable."""
    return (labels or {}).get(code) or code.replace("_", " ").capitalize()


# --- charts ----------------------------------------------------------------------------------------


def render_charts(indicators: ReportIndicators, labels: Mapping[str, str] | None = None,
                  language: str = "fr") -> dict[str, bytes]:
    """The report's PNG charts by name, titled in the report's language."""
    with matplotlib.rc_context(_RC):
        return {
            "incidents_over_time": _png(_incidents_over_time(indicators.incidents_by_year_violation, labels, language)),
            "incidents_by_region": _png(_region_heatmap(indicators.incidents_by_region_violation, labels, language)),
            "case_pipeline": _png(_pipeline(indicators.cases_by_stage, labels, language)),
        }


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)  # render with Agg explicitly: no display, no pyplot global state
    buf = io.BytesIO()
    # No "Software" tag: the same figures give the same bytes, so a published report's hash is stable.
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight", metadata={"Software": None})
    return buf.getvalue()


def _incidents_over_time(table: SuppressedTable, labels: Mapping[str, str] | None, language: str) -> Figure:
    """Stacked bars per year; withheld cells appear only as one hatched "withheld" block per bar."""
    ranked = sorted(range(len(table.columns)), key=lambda j: -sum(_num(r[j]) for r in table.cells))
    shown = ranked[: len(PALETTE)] if len(ranked) > len(PALETTE) + 1 else ranked
    other = [j for j in ranked if j not in shown]
    fig = Figure(figsize=(10, 5.6))
    ax = fig.subplots()
    x = range(len(table.rows))
    bottom = [0] * len(table.rows)
    series = [(label(table.columns[j], labels), [_num(r[j]) for r in table.cells], PALETTE[n])
              for n, j in enumerate(shown)]
    if other:
        others = [sum(_num(r[j]) for j in other) for r in table.cells]
        series.append((say("report_other_types", language), others, OTHER_COLOUR))
    # Withheld cells as one block: total minus published cells, which anyone can compute from the table.
    withheld = [t - sum(_num(c) for c in r) if isinstance(t, int) else 0
                for r, t in zip(table.cells, table.row_totals, strict=True)]
    for name, heights, colour in [s for s in series if any(s[1])]:  # no legend entry for nothing drawn
        ax.bar(x, heights, bottom=bottom, color=colour, label=name, edgecolor="white", linewidth=0.8, width=0.7)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    if any(withheld):
        ax.bar(x, withheld, bottom=bottom, color=WITHHELD_COLOUR, hatch="///", edgecolor="#9A9A9A",
               linewidth=0.6, width=0.7, label=say("report_withheld_block", language, k=_k(table)))
    tops = [b + w for b, w in zip(bottom, withheld, strict=True)]
    for i, total in enumerate(table.row_totals):
        ax.annotate(str(total), (i, tops[i]), xytext=(0, 4), textcoords="offset points", ha="center",
                    fontsize=11, fontweight="bold", color=INK)
    ax.set_xticks(list(x), [label(r, labels) for r in table.rows])
    ax.set_ylabel(say("report_axis_incidents", language))
    ax.set_title(say("report_chart_incidents_over_time", language), loc="left", pad=14)
    ax.set_ylim(0, max([*tops, 1]) * 1.1)  # explicit: stacked bars make autoscale margins stick at the top
    ax.grid(axis="y", color="#E6E6E6")
    ax.set_axisbelow(True)
    handles, names = ax.get_legend_handles_labels()
    # Legend top-to-bottom in the same order as the stack.
    ax.legend(handles[::-1], names[::-1], loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=10)
    return fig


def _region_heatmap(table: SuppressedTable, labels: Mapping[str, str] | None, language: str) -> Figure:
    """Regions x violation types, coloured by count; withheld cells grey and hatched with their marker."""
    n_rows, n_cols = len(table.rows), len(table.columns)
    fig = Figure(figsize=(max(7.5, 1.0 * n_cols + 4.5), max(3.5, 0.48 * (n_rows + 1) + 2.4)))
    ax = fig.subplots()
    peak = max([c for r in table.cells for c in r if isinstance(c, int)] + [1])
    cmap = matplotlib.colormaps[HEATMAP]
    grid = [[*r, t] for r, t in zip(table.cells, table.row_totals, strict=True)]
    grid.append([*table.column_totals, table.grand_total])
    for i, row in enumerate(grid):
        for j, cell in enumerate(row):
            is_total = j == n_cols or i == n_rows
            face: ColorType
            if isinstance(cell, str):
                face, hatch, ink = WITHHELD_COLOUR, "///", "#444444"
            elif is_total or cell == 0:
                face, hatch, ink = "#F4F4F4", None, "#9A9A9A" if cell == 0 else INK
            else:
                shade = 0.12 + 0.88 * cell / peak  # never white: a non-zero count must not look empty
                face, hatch = cmap(shade), None
                ink = "white" if shade > 0.6 else INK
            # Totals sit slightly apart from the coloured grid, like the margins of a printed table.
            x0, y0 = j + (0.15 if j == n_cols else 0), i + (0.15 if i == n_rows else 0)
            ax.add_patch(Rectangle((x0, y0), 1, 1, facecolor=face, hatch=hatch, edgecolor="white", linewidth=1.5))
            ax.text(x0 + 0.5, y0 + 0.5, str(cell), ha="center", va="center", fontsize=11, color=ink,
                    fontweight="bold" if is_total else "normal")
    ax.set_xlim(0, n_cols + 1.15)
    ax.set_ylim(n_rows + 1.15, 0)
    ax.xaxis.tick_top()  # column headings on top, like a printed table; the legend goes underneath
    ax.set_xticks([j + 0.5 for j in range(n_cols)] + [n_cols + 0.65],
                  [label(c, labels) for c in table.columns] + [say("report_total", language)], rotation=35, ha="left")
    ax.set_yticks([i + 0.5 for i in range(n_rows)] + [n_rows + 0.65],
                  [label(r, labels) for r in table.rows] + [say("report_total", language)])
    ax.tick_params(length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(say("report_chart_incidents_by_region", language), loc="left", pad=14)
    marker = f"<{_k(table)}"
    ax.legend(handles=[Patch(facecolor=WITHHELD_COLOUR, hatch="///", edgecolor="#9A9A9A",
                             label=say("report_withheld_legend", language, marker=marker,
                                                       k_minus_one=_k(table) - 1))],
              loc="upper left", bbox_to_anchor=(0, -0.01), fontsize=10)
    return fig


def _pipeline(series: SuppressedSeries, labels: Mapping[str, str] | None, language: str) -> Figure:
    """A funnel: one centred bar per stage; a withheld stage shows its marker and no bar."""
    fig = Figure(figsize=(9, max(3.2, 0.55 * len(series.items) + 1.6)))
    ax = fig.subplots()
    widest = max([v for _, v in series.items if isinstance(v, int)] + [1])
    for i, (_, value) in enumerate(series.items):
        if isinstance(value, int) and value > 0:
            ax.barh(i, value, left=-value / 2, height=0.72, color=PALETTE[0])
        if isinstance(value, int) and value > 0.18 * widest:  # the count fits inside its bar
            x, align, ink, style = 0.0, "center", "white", "normal"
        elif isinstance(value, int) and value > 0:
            x, align, ink, style = value / 2 + widest * 0.02, "left", INK, "normal"
        else:  # a zero or a withheld stage: no bar, the figure alone on the axis of the funnel
            x, align, ink, style = 0.0, "center", "#666666", "italic"
        ax.text(x, i, str(value), va="center", ha=align, fontsize=12, fontweight="bold", color=ink, style=style)
    ax.set_yticks(range(len(series.items)), [label(stage, labels) for stage, _ in series.items])
    ax.set_ylim(len(series.items) - 0.4, -0.6)
    ax.set_xlim(-widest * 0.55, widest * 0.62)
    ax.set_xticks([])
    ax.tick_params(axis="y", length=0)
    for side in ("left", "bottom"):
        ax.spines[side].set_visible(False)
    ax.set_title(say("report_chart_pipeline_title", language, total=series.total), loc="left", pad=14)
    return fig


def _num(cell: Cell | None) -> int:
    """A published count, or 0 for a marker: markers are drawn as text, never as length."""
    return cell if isinstance(cell, int) else 0


def _k(table: SuppressedTable) -> int:
    return table.info.k
