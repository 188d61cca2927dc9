"""A report's files, in French or English: rendered from protected figures, stored by content hash, checked on read.

The HTML, PDF, CSV, JSON and PNG files of a report are rendered from one `Inputs` (one read of the
projections), so every file tells the same story. They are stored under `<report id>:<sha256>`:
a retried publication stores nothing twice, and a file whose bytes no longer match the SHA-256 on
the published record is refused rather than served.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pymongo.asynchronous.collection import AsyncCollection
from pymongo.errors import DuplicateKeyError
from servicekit.errors import DomainError

from .domain import published
from .domain.report import ReportFile
from .domain.vocabulary import vocabulary
from .exports import render_indicators_csv
from .report_charts import ReportIndicators, ReportMeta, render_charts, say
from .report_html import render_html, render_pdf

log = logging.getLogger("advocacy.reports")

# matplotlib's rc settings and reportlab's state are process-wide: two reports rendered at once would mix them.
_RENDERING = threading.Lock()
HTML, CSV, JSON, PNG = "text/html; charset=utf-8", "text/csv; charset=utf-8", "application/json", "image/png"
PDF = "application/pdf"


class IntegrityFailure(DomainError):
    """A stored report file no longer matches the SHA-256 recorded when it was published."""

    status, title = 500, "Integrity failure"


@dataclass(frozen=True)
class Rendered:
    """One file of a report, before it is stored."""

    name: str
    media_type: str
    content: bytes

    def record(self) -> ReportFile:
        return ReportFile(name=self.name, media_type=self.media_type, size=len(self.content),
                          sha256=hashlib.sha256(self.content).hexdigest())


HEADLINES = ("documented_incidents", "victims_referred", "victims_supported", "trial_share",
             "complaint_to_first_hearing_days", "complaint_to_judgment_days", "hearing_postponement_rate",
             "reparations_awarded_xof", "reparations_paid_xof")


def report_labels(language: str = "fr") -> dict[str, str]:
    """Labels of every code a report shows, in the report's language."""
    terms = {t.code: t.label(language) for t in vocabulary("report_labels").terms}
    return terms | {key: say(f"report_figure_{key}", language) for key in HEADLINES}


def headline_figures(everything: dict[str, dict[str, Any]], incidents: int, k: int) -> dict[str, Any]:
    """The key figures at the top of a report, all taken from the protected indicators."""
    durations = everything["case_durations"]
    money = everything["reparations"]
    return {
        "documented_incidents": f"<{k}" if 0 < incidents < k else incidents,
        "victims_referred": everything["victims_referred"]["grand_total"],
        "victims_supported": everything["victims_supported"]["grand_total"],
        "trial_share": everything["trial_share"]["share"],
        "complaint_to_first_hearing_days": durations["complaint_to_first_hearing"]["median_days"],
        "complaint_to_judgment_days": durations["complaint_to_judgment"]["median_days"],
        "hearing_postponement_rate": everything["hearing_postponement_rate"]["rate"],
        "reparations_awarded_xof": money["awarded_xof"],
        "reparations_paid_xof": money["paid_xof"],
    }


def render(inputs: published.Inputs, *, title: str, parameters: dict[str, Any], generation: int,
           generated_at: datetime, language: str = "fr", csv_excel: bool = False) -> list[Rendered]:
    """Every file of a report in its language, the PDF laid out from the HTML (CPU-bound: run it in a thread)."""
    assert inputs.period.start is not None and inputs.period.end is not None
    by_year, by_region, computed = published.incident_tables(inputs)
    everything = published.publish(inputs)
    indicators = ReportIndicators(incidents_by_year_violation=by_year, incidents_by_region_violation=by_region,
                                  cases_by_stage=published.stage_series(inputs),
                                  figures=headline_figures(everything, computed["incidents"], inputs.k))
    meta = ReportMeta(title=title, period_start=inputs.period.start, period_end=inputs.period.end,
                      generated_at=generated_at, verified_only=inputs.verified_only,
                      labels=report_labels(language), language=language)
    with _RENDERING:  # matplotlib's rc settings and reportlab's font registry are process-wide
        charts = render_charts(indicators, meta.labels, language)
        page = render_html(meta, indicators, charts)
        pdf = render_pdf(page)
    document = {"title": title, "language": language, "parameters": parameters, "generation": generation,
                "generated_at": generated_at.isoformat(), "indicators": everything}
    return [
        Rendered("report.html", HTML, page.encode()),
        Rendered("report.pdf", PDF, pdf),
        Rendered("indicators.csv", CSV, render_indicators_csv(everything, language, excel=csv_excel).encode()),
        Rendered("indicators.json", JSON, json.dumps(document, sort_keys=True, ensure_ascii=False, indent=2).encode()),
        *(Rendered(f"charts/{name}.png", PNG, png) for name, png in charts.items()),
    ]


class ReportFiles:
    """The frozen bytes of published reports."""

    def __init__(self, collection: AsyncCollection[Any]) -> None:
        self.collection = collection

    async def save(self, report_id: str, files: list[Rendered]) -> list[ReportFile]:
        """Store each file under its content hash (storing the same bytes twice is a no-op)."""
        records = []
        for file in files:
            record = file.record()
            try:
                await self.collection.insert_one({"_id": f"{report_id}:{record.sha256}", "name": file.name,
                                                  "media_type": file.media_type, "content": file.content})
            except DuplicateKeyError:
                pass
            records.append(record)
        return records

    async def read(self, report_id: str, file: ReportFile) -> bytes:
        """A published file's bytes, refused unless they still match the recorded SHA-256."""
        doc = await self.collection.find_one({"_id": f"{report_id}:{file.sha256}"})
        content = bytes(doc["content"]) if doc else b""
        if doc is None or hashlib.sha256(content).hexdigest() != file.sha256:
            log.error("report file fails its integrity check", extra={"report_id": report_id, "file": file.name})
            raise IntegrityFailure("report_file_tampered", file=file.name)
        return content
