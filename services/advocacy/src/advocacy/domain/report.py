"""The report aggregate: a period's indicators frozen as files whose SHA-256 is on the record."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field
from servicekit.domain import AggregateState, AggregateType, DomainEvent
from servicekit.errors import Conflict, InvalidInput

FILE_NAME = r"^[a-z0-9_]+(/[a-z0-9_]+)?\.(html|pdf|csv|json|png)$"


class ReportFile(BaseModel):
    """One frozen file of a published report."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=FILE_NAME, description="File name, e.g. report.html, indicators.csv, charts/x.png")
    media_type: str = Field(description="MIME type of the file")
    size: int = Field(ge=0, description="Size in bytes")
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$", description="SHA-256 of the file's bytes")


def manifest_sha256(files: list[ReportFile]) -> str:
    """The report's SHA-256: over the sorted `name sha256` lines of its files (like sha256sum output)."""
    lines = "".join(f"{f.sha256}  {f.name}\n" for f in sorted(files, key=lambda f: f.name))
    return hashlib.sha256(lines.encode()).hexdigest()


class ReportPublished(DomainEvent):
    """A report on a period was published: its files are frozen and their hashes recorded."""

    event_type: ClassVar[str] = "advocacy.report.published.v1"
    classification: ClassVar[str] = "public"

    organisation: str = Field(description="Organisation that published the report (its code)")
    title: str = Field(description="Title of the report")
    period_start: date = Field(description="First day of the period covered")
    period_end: date = Field(description="Last day of the period covered")
    verified_only: bool = Field(description="Whether only verified incidents were counted")
    suppression_k: int = Field(description="Counts below k were published as '<k'")
    generation: int = Field(description="Projection generation the figures were read from")
    files: list[ReportFile] = Field(description="The frozen files and their SHA-256")
    sha256: str = Field(description="SHA-256 of the report: over the sorted 'sha256  name' lines of its files")
    published_on: date = Field(description="Date of publication")
    language: str = Field(default="fr", description="Language of the report's files: fr or en")


class Report(AggregateState):
    """A published report (reports exist only once published)."""

    organisation: str
    title: str
    period_start: date
    period_end: date
    verified_only: bool
    suppression_k: int
    generation: int
    files: list[ReportFile]
    sha256: str
    published_on: date
    language: str = "fr"

    def file(self, name: str) -> ReportFile | None:
        """The recorded file of that name, if any."""
        return next((f for f in self.files if f.name == name), None)


def evolve(state: Report | None, event: DomainEvent) -> Report:
    """Apply one event to a report."""
    match event:
        case ReportPublished() if state is None:
            return Report(id="", **event.model_dump())
    raise ValueError(f"report cannot apply {type(event).__name__}")


REPORT = AggregateType(name="report", topic="advocacy.reports", collection="reports", state_type=Report,
                       events=(ReportPublished,), evolve=evolve)


def check_period(period_start: date, period_end: date, today: date) -> None:
    """A period that has begun and does not end before it starts."""
    if period_end < period_start:
        raise InvalidInput("period_reversed", field="period_end")
    if period_start > today:
        raise InvalidInput("period_not_begun", field="period_start")


def publish(state: Report | None, *, organisation: str, title: str, period_start: date, period_end: date,
            verified_only: bool, suppression_k: int, generation: int, files: list[ReportFile],
            today: date, language: str = "fr") -> list[DomainEvent]:
    """Decide to publish a report: once, for a valid period, with its files hashed."""
    if state is not None:
        raise Conflict("report_already_published")
    check_period(period_start, period_end, today)
    if not files:
        raise InvalidInput("report_files_missing", field="files")
    return [ReportPublished(organisation=organisation, title=title, period_start=period_start,
                            period_end=period_end, verified_only=verified_only, suppression_k=suppression_k,
                            generation=generation, files=files, sha256=manifest_sha256(files),
                            published_on=today, language=language)]


def refuse_republishing(state: Report | None) -> list[DomainEvent]:
    """A report is published once: another request for the same report id is refused."""
    raise Conflict("report_already_published")
