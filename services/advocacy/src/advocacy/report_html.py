"""A report as self-contained HTML in French or English, its PDF rendered from that same HTML, CSV and JSON.

Contract as for the charts: every function takes already protected figures; a withheld value arrives
as a marker string and is written as a marker. The PDF is the HTML laid out by xhtml2pdf with DejaVu
Sans embedded (it covers French and Bambara letters such as ɛ ɔ ɲ ŋ) and reportlab's invariant mode,
so the same report gives the same bytes and its SHA-256 can be frozen like the other files.
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

from advocacy.domain.disclosure import Cell, SuppressedSeries, SuppressedTable
from advocacy.report_charts import ReportIndicators, ReportMeta, label, say

_CHARTS = ("incidents_over_time", "incidents_by_region", "case_pipeline")
_CSS = """body{font-family:"DejaVu Sans",Arial,sans-serif;color:#222;max-width:1100px;margin:2rem auto;
padding:0 1rem;line-height:1.45}h1{margin-bottom:.2rem}.meta{color:#555}.cards{display:flex;flex-wrap:wrap;
gap:.8rem}.card{border:1px solid #ddd;border-radius:6px;padding:.6rem .9rem;min-width:11rem}.card b{display:block;
font-size:1.5rem}figure{margin:2rem 0}figure img{max-width:100%}table{border-collapse:collapse;margin:1rem 0 2rem;
font-size:.92rem}th,td{border:1px solid #ddd;padding:.3rem .55rem;text-align:right}th[scope=row]{text-align:left}
td.withheld{background:#eee;color:#444;font-style:italic}.total{font-weight:bold}.note{background:#f6f6f6;
padding:.8rem 1rem;border-left:4px solid #0072B2}"""


def render_html(report_meta: ReportMeta, indicators: ReportIndicators, charts: Mapping[str, bytes]) -> str:
    """A self-contained HTML report in the report's language: charts as data: URIs, protected tables, method."""
    m, lb, lang = report_meta, report_meta.labels, report_meta.language
    esc = html.escape
    scope = say("report_scope_verified" if m.verified_only else "report_scope_all", lang)
    period = say("report_period", lang, start=m.period_start.isoformat(), end=m.period_end.isoformat())
    generated = say("report_generated", lang, at=m.generated_at.isoformat(timespec="minutes"))
    parts = [
        f"<!doctype html><html lang='{lang}'><head><meta charset='utf-8'><title>{esc(m.title)}</title>",
        f"<style>{_CSS}</style></head><body><h1>{esc(m.title)}</h1>",
        f"<p class='meta'>{esc(period)} · {esc(scope)} · {esc(generated)}</p>",
        _figures_html(indicators.figures, lb, lang), f"<h2>{say('report_charts', lang)}</h2>",
    ]
    for name, png in charts.items():
        data = base64.b64encode(png).decode("ascii")
        caption = esc(say(f"report_chart_{name}", lang) if name in _CHARTS else label(name))
        parts.append(f"<figure><img src='data:image/png;base64,{data}' alt='{caption}'>"
                     f"<figcaption>{caption}</figcaption></figure>")
    parts += [
        f"<h2>{say('report_tables', lang)}</h2>",
        _table_html(say("report_chart_incidents_by_region", lang), indicators.incidents_by_region_violation, lb, lang),
        _table_html(say("report_chart_incidents_over_time", lang), indicators.incidents_by_year_violation, lb, lang),
        _series_html(say("report_cases_by_stage", lang), say("report_cases", lang), indicators.cases_by_stage, lb,
                     lang),
        _method_html(indicators, lang), "</body></html>",
    ]
    return "\n".join(parts)


def _figures_html(figures: Mapping[str, Cell | float | None], labels: Mapping[str, str], lang: str) -> str:
    cards = "".join(f"<div class='card'><b>{html.escape(format_figure(key, value, lang))}</b>"
                    f"{html.escape(label(key, labels))}</div>" for key, value in figures.items())
    return f"<h2>{say('report_key_figures', lang)}</h2><div class='cards'>{cards}</div>" if cards else ""


def _group(value: float, lang: str) -> str:
    grouped = f"{value:,.0f}"
    return grouped.replace(",", "\u202f") if lang == "fr" else grouped


def format_figure(key: str, value: Cell | float | None, lang: str = "fr") -> str:
    """Human form of a headline figure, by the unit its key names (share/rate, days, xof), in `lang`."""
    if value is None:
        return say("report_no_data", lang)
    if isinstance(value, str):
        return value
    if "share" in key or "rate" in key:
        return f"{value:.0%}".replace("%", "\u202f%") if lang == "fr" else f"{value:.0%}"
    if "days" in key:
        return say("report_days", lang, value=f"{value:.0f}")
    if "xof" in key:
        return f"{_group(value, lang)} XOF"
    return _group(value, lang) if isinstance(value, int) else str(value)


def _td(cell: Cell, total: bool = False) -> str:
    classes = " ".join(c for c in ("withheld" if isinstance(cell, str) else "", "total" if total else "") if c)
    return f"<td class='{classes}'>{html.escape(str(cell))}</td>" if classes else f"<td>{cell}</td>"


def _table_html(caption: str, table: SuppressedTable, labels: Mapping[str, str], lang: str) -> str:
    esc, total = html.escape, say("report_total", lang)
    head = "".join(f"<th scope='col'>{esc(label(c, labels))}</th>" for c in table.columns)
    rows = "".join(
        f"<tr><th scope='row'>{esc(label(r, labels))}</th>{''.join(_td(c) for c in cells)}{_td(row_total, True)}</tr>"
        for r, cells, row_total in zip(table.rows, table.cells, table.row_totals, strict=True)
    )
    foot = "".join(_td(c, True) for c in (*table.column_totals, table.grand_total))
    return (f"<table><caption>{esc(caption)}</caption><thead><tr><th></th>{head}<th scope='col'>{total}</th></tr>"
            f"</thead><tbody>{rows}</tbody><tfoot><tr><th scope='row'>{total}</th>{foot}</tr></tfoot></table>")


def _series_html(caption: str, heading: str, series: SuppressedSeries, labels: Mapping[str, str], lang: str) -> str:
    rows = "".join(f"<tr><th scope='row'>{html.escape(label(s, labels))}</th>{_td(v)}</tr>" for s, v in series.items)
    total = say("report_total", lang)
    foot = "" if series.total is None else f"<tr><th scope='row'>{total}</th>{_td(series.total, True)}</tr>"
    return (f"<table><caption>{html.escape(caption)}</caption><thead><tr><th></th><th scope='col'>{heading}</th>"
            f"</tr></thead><tbody>{rows}</tbody><tfoot>{foot}</tfoot></table>")


def _method_html(indicators: ReportIndicators, lang: str) -> str:
    k = indicators.incidents_by_region_violation.info.k
    return (f"<section class='note'><h2>{say('report_method_title', lang)}</h2>"
            f"<p>{say('report_method', lang, k=k, k_minus_one=k - 1)}</p></section>")


# --- PDF -------------------------------------------------------------------------------------------

_FONTS = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
# Print layout for the same HTML: the embedded font everywhere (no unembedded base-14 font), A4 pages.
_PDF_CSS = f"""@page {{ size: a4 portrait; margin: 1.6cm; }}
@font-face {{ font-family: RedressSans; src: url('{_FONTS / "DejaVuSans.ttf"}'); }}
@font-face {{ font-family: RedressSans; src: url('{_FONTS / "DejaVuSans-Bold.ttf"}'); font-weight: bold; }}
@font-face {{ font-family: RedressSans; src: url('{_FONTS / "DejaVuSans-Oblique.ttf"}'); font-style: italic; }}
html, body, p, h1, h2, th, td, caption, figcaption, div, b, section {{ font-family: RedressSans; }}
body {{ font-size: 9pt; }} h1 {{ font-size: 17pt; }} h2 {{ font-size: 12pt; margin-top: 12pt; }}
img {{ width: 17cm; }} table {{ width: 100%; }} th, td {{ border: 0.5pt solid #bbbbbb; padding: 2pt 3pt; }}
.card {{ border: 0.5pt solid #cccccc; padding: 3pt 6pt; margin: 2pt 0; }} .card b {{ font-size: 12pt; }}
.note {{ background-color: #f3f3f3; padding: 6pt; }} table, th, td, caption {{ font-size: 7.5pt; }}
.caption {{ font-size: 8pt; color: #555555; margin-bottom: 10pt; }} .meta {{ color: #555555; }}"""


def render_pdf(page: str) -> bytes:
    """The PDF of an HTML report (A4, fonts embedded), byte for byte the same for the same HTML."""
    from reportlab import rl_config
    from xhtml2pdf import pisa
    from xhtml2pdf.default import DEFAULT_CSS

    rl_config.invariant = 1  # no creation date or random id in the file: the hash must be stable
    out = io.BytesIO()
    # Figures and captions as blocks: xhtml2pdf lays out unknown HTML5 elements inline.
    printable = page.replace("</style>", _PDF_CSS + "</style>", 1).replace("<figure>", "<div class='figure'>") \
        .replace("</figure>", "</div>").replace("<figcaption>", "<p class='caption'>").replace("</figcaption>", "</p>")
    status = pisa.CreatePDF(printable, dest=out, encoding="utf-8",
                            default_css=DEFAULT_CSS.replace("Helvetica", "RedressSans"))
    if status.err:
        raise RuntimeError(f"the PDF could not be laid out ({status.err} errors)")
    return out.getvalue()


# --- CSV, JSON -------------------------------------------------------------------------------------


def csv_writer(out: io.StringIO, *, excel: bool) -> Any:
    """A CSV writer: `,` by default, or `;` with CRLF for French Excel (which also wants a UTF-8 BOM)."""
    return csv.writer(out, delimiter=";" if excel else ",", lineterminator="\r\n" if excel else "\n")


def csv_text(out: io.StringIO, *, excel: bool) -> str:
    """The CSV text, with the byte-order mark French Excel needs to read UTF-8."""
    return ("\ufeff" if excel else "") + out.getvalue()


def csv_header(lang: str) -> list[str]:
    """indicator, row, column, value in the report's language."""
    return say("report_csv_header", lang).split("|")


def render_csv(indicators: ReportIndicators, lang: str = "en", *, excel: bool = False) -> str:
    """Long-format CSV: indicator, row, column, value (markers kept as text), headers in `lang`."""
    out = io.StringIO()
    writer = csv_writer(out, excel=excel)
    writer.writerow(csv_header(lang))
    for name in ("incidents_by_year_violation", "incidents_by_region_violation"):
        table: SuppressedTable = getattr(indicators, name)
        for r, cells, total in zip(table.rows, table.cells, table.row_totals, strict=True):
            writer.writerows([name, r, c, v] for c, v in zip(table.columns, cells, strict=True))
            writer.writerow([name, r, "total", total])
        writer.writerows([name, "total", c, v] for c, v in zip(table.columns, table.column_totals, strict=True))
        writer.writerow([name, "total", "total", table.grand_total])
    writer.writerows(["cases_by_stage", stage, "", v] for stage, v in indicators.cases_by_stage.items)
    writer.writerow(["cases_by_stage", "total", "", indicators.cases_by_stage.total])
    writer.writerows(["figures", key, "", "" if v is None else v] for key, v in indicators.figures.items())
    return csv_text(out, excel=excel)


def render_json(indicators: ReportIndicators) -> str:
    """Canonical JSON of the protected indicators (sorted keys, so its SHA-256 is stable)."""
    body: dict[str, Any] = {
        "incidents_by_year_violation": indicators.incidents_by_year_violation.to_public(),
        "incidents_by_region_violation": indicators.incidents_by_region_violation.to_public(),
        "cases_by_stage": indicators.cases_by_stage.to_public(),
        "figures": dict(indicators.figures),
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, indent=2)
