"""Report rendering: PNG charts, self-contained HTML, CSV and JSON from protected figures only."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
from datetime import UTC, date, datetime

import pytest
from advocacy.domain.disclosure import CountTable, protect_figure, suppress_series, suppress_table
from advocacy.exports import render_indicators_csv
from advocacy.report_charts import ReportIndicators, ReportMeta, label, render_charts
from advocacy.report_html import render_csv, render_html, render_json, render_pdf

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _indicators() -> ReportIndicators:
    by_year = {"2021": {"killing": 31, "torture": 3, "abduction": 12, "pillage": 9},
               "2022": {"killing": 48, "torture": 11, "abduction": 2, "pillage": 14},
               "2023": {"killing": 40, "torture": 7, "abduction": 19, "pillage": 1}}
    by_region = {"mopti": {"killing": 60, "torture": 9, "sexual_violence": 2},
                 "gao": {"killing": 25, "torture": 4, "sexual_violence": 8},
                 "kidal": {"killing": 3, "torture": 0, "sexual_violence": 1}}
    return ReportIndicators(
        incidents_by_year_violation=suppress_table(CountTable.from_nested(by_year)),
        incidents_by_region_violation=suppress_table(CountTable.from_nested(by_region, rows=["mopti", "gao", "kidal"])),
        cases_by_stage=suppress_series({"complaint_civil_party": 20, "judicial_investigation": 11, "trial": 3,
                                        "judgment": 0}),
        figures={"trial_share": protect_figure(0.15, 20), "median_days_to_judgment": protect_figure(800.0, 2),
                 "paid_xof": protect_figure(2_500_000, 9)},
    )


def _meta(**overrides: object) -> ReportMeta:
    fields: dict[str, object] = {"title": "Impunity in Mali <2023>", "period_start": date(2021, 1, 1),
                                 "period_end": date(2023, 12, 31),
                                 "generated_at": datetime(2024, 2, 1, 10, 0, tzinfo=UTC),
                                 "labels": {"mopti": "Mopti", "killing": "Killings"}, "language": "en"}
    fields.update(overrides)
    return ReportMeta(**fields)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def charts() -> dict[str, bytes]:
    return render_charts(_indicators())


def test_charts_are_png_images_of_plausible_size(charts: dict[str, bytes]) -> None:
    assert set(charts) == {"incidents_over_time", "incidents_by_region", "case_pipeline"}
    for png in charts.values():
        assert png.startswith(PNG_SIGNATURE)
        assert 10_000 < len(png) < 2_000_000


def test_charts_are_byte_for_byte_reproducible(charts: dict[str, bytes]) -> None:
    # A published report is frozen by its SHA-256: the same figures must give the same bytes.
    assert render_charts(_indicators()) == charts


def test_charts_render_when_everything_is_withheld() -> None:
    tiny = suppress_table(CountTable.from_nested({"2022": {"killing": 1}, "2023": {"torture": 2}}))
    report = ReportIndicators(tiny, tiny, suppress_series({"trial": 2, "judgment": 0}))
    assert all(png.startswith(PNG_SIGNATURE) for png in render_charts(report).values())


def test_html_is_self_contained_with_every_chart_embedded(charts: dict[str, bytes]) -> None:
    page = render_html(_meta(), _indicators(), charts)
    embedded = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", page)
    assert sorted(base64.b64decode(e) for e in embedded) == sorted(charts.values())
    assert "http://" not in page and "https://" not in page
    assert "2021-01-01" in page and "2023-12-31" in page and "2024-02-01T10:00" in page


def test_html_shows_markers_and_never_a_small_count(charts: dict[str, bytes]) -> None:
    page = render_html(_meta(), _indicators(), charts)
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert "&lt;5" in cells and "x" in cells
    assert not [c for c in cells if c in {"1", "2", "3", "4"}]
    assert "n&lt;5" in page  # the median over 2 judgments is withheld too


def test_html_escapes_titles_and_uses_labels(charts: dict[str, bytes]) -> None:
    page = render_html(_meta(), _indicators(), charts)
    assert "Impunity in Mali &lt;2023&gt;" in page and "<2023>" not in page
    assert ">Mopti<" in page and ">Killings<" in page and ">Sexual violence<" in page


def test_html_states_the_method_and_the_scope(charts: dict[str, bytes]) -> None:
    assert "verified incidents only" in render_html(_meta(verified_only=True), _indicators(), charts)
    page = render_html(_meta(), _indicators(), charts)
    assert "How figures are protected" in page and "secondary suppression" in page


def test_html_formats_headline_figures(charts: dict[str, bytes]) -> None:
    page = render_html(_meta(), _indicators(), charts)
    assert "<b>15%</b>" in page and "<b>2,500,000 XOF</b>" in page


def test_csv_round_trips_every_published_entry() -> None:
    report = _indicators()
    rows = list(csv.DictReader(io.StringIO(render_csv(report))))
    table = report.incidents_by_region_violation
    region = {(r["row"], r["column"]): r["value"] for r in rows if r["indicator"] == "incidents_by_region_violation"}
    for i, name in enumerate(table.rows):
        for j, column in enumerate(table.columns):
            assert region[(name, column)] == str(table.cells[i][j])
        assert region[(name, "total")] == str(table.row_totals[i])
    assert region[("total", "total")] == str(table.grand_total)
    stages = {r["row"]: r["value"] for r in rows if r["indicator"] == "cases_by_stage"}
    assert stages == {**{s: str(v) for s, v in report.cases_by_stage.items}, "total": "34"}
    assert {r["row"] for r in rows if r["indicator"] == "figures"} == set(report.figures)


def test_csv_never_holds_a_small_count() -> None:
    values = [r["value"] for r in csv.DictReader(io.StringIO(render_csv(_indicators())))]
    assert not [v for v in values if v in {"1", "2", "3", "4"}]


def test_json_is_canonical_and_carries_the_disclosure_metadata() -> None:
    text = render_json(_indicators())
    assert text == render_json(_indicators())
    body = json.loads(text)
    assert body["incidents_by_year_violation"]["disclosure"]["k"] == 5
    assert body["cases_by_stage"]["values"] == [20, "x", "<5", 0]  # 11 protects the 3
    assert body["figures"]["median_days_to_judgment"] == "n<5"


def test_label_falls_back_to_a_readable_code() -> None:
    assert label("sexual_violence") == "Sexual violence"
    assert label("mopti", {"mopti": "Mopti"}) == "Mopti"


def test_indicators_csv_flattens_series_tables_and_named_figures() -> None:
    published = {
        "incidents_by_region": {**suppress_series({"gao": 7, "kidal": 1, "mopti": 6}).to_public(), "note": "n"},
        "victims_referred": {"columns": ["18-24"], "rows": [{"label": "female", "values": [6], "total": 6}],
                             "column_totals": [6], "grand_total": 6, "disclosure": {}},
        "case_durations": {"complaint_to_judgment": {"median_days": "n<5", "n": "<5"}},
        "education_reach_vs_incidents": {"regions": [{"region": "gao", "rank": 1, "youth_reached": 40}], "k": 5},
    }
    rows = list(csv.reader(io.StringIO(render_indicators_csv(published))))
    assert rows[0] == ["indicator", "row", "column", "value"]
    assert ["incidents_by_region", "kidal", "", "<5"] in rows
    assert ["incidents_by_region", "total", "", "14"] in rows
    assert ["victims_referred", "female", "18-24", "6"] in rows
    assert ["case_durations", "complaint_to_judgment.median_days", "", "n<5"] in rows
    assert ["education_reach_vs_incidents", "gao", "youth_reached", "40"] in rows
    assert not any(r[0] == "incidents_by_region" and r[1] == "note" for r in rows)


def test_a_french_report_is_french_throughout(charts: dict[str, bytes]) -> None:
    page = render_html(_meta(language="fr", verified_only=True), _indicators(), charts)
    assert page.startswith("<!doctype html><html lang='fr'>")
    assert "Comment les chiffres sont protégés" in page and "incidents vérifiés uniquement" in page
    assert "Période du 2021-01-01 au 2023-12-31" in page and "How figures are protected" not in page
    assert "<b>15\u202f%</b>" in page and "<b>2\u202f500\u202f000 XOF</b>" in page


def test_chart_titles_follow_the_report_language() -> None:
    tiny = suppress_table(CountTable.from_nested({"2022": {"killing": 9}}))
    report = ReportIndicators(tiny, tiny, suppress_series({"trial": 9}))
    assert render_charts(report, language="fr") != render_charts(report, language="en")


def test_csv_headers_are_in_the_report_language_and_excel_mode_uses_semicolons_and_a_bom() -> None:
    published = {"trial_share": {"share": 0.25, "note": "n"}}
    english = render_indicators_csv(published, "en")
    french = render_indicators_csv(published, "fr", excel=True)
    assert english.splitlines()[0] == "indicator,row,column,value"
    assert french.startswith("\ufeffindicateur;ligne;colonne;valeur\r\n")
    assert "trial_share;share;;0,25\r\n" in french


def test_the_pdf_is_the_same_bytes_for_the_same_report_with_its_fonts_embedded(charts: dict[str, bytes]) -> None:
    page = render_html(_meta(language="fr", title="Rapport — Kɔnɛ, Ɲɔgɔn, ŋ"), _indicators(), charts)
    pdf = render_pdf(page)
    assert pdf.startswith(b"%PDF-") and pdf == render_pdf(page)
    assert b"/FontFile2" in pdf and b"DejaVuSans" in pdf  # TrueType embedded (subset), not referenced


def test_the_embedded_font_covers_french_and_bambara_letters() -> None:
    from advocacy.report_html import _FONTS
    from reportlab.pdfbase.ttfonts import TTFont

    font = TTFont("check", str(_FONTS / "DejaVuSans.ttf"))
    assert all(ord(ch) in font.face.charToGlyph for ch in "éèêàçœÉÀ«»ɛɔɲŋƐƆƝŊ")
