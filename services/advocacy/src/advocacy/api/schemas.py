"""Request and response schemas (XCreate / XPublic); inputs refuse unknown fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from servicekit.api import Period

from ..domain.action import REFERENCE, AttachmentRef, IndicatorSnapshot
from ..domain.published import INDICATORS
from ..domain.recommendation import StatusEntry
from ..domain.report import ReportFile

ShortText = Annotated[str, Field(min_length=1, max_length=200)]
LongText = Annotated[str, Field(min_length=1, max_length=4000)]
Reference = Annotated[str, Field(pattern=REFERENCE, description="https URL or an archive id")]
AggregateId = Annotated[str, Field(pattern=r"^[A-Za-z0-9-]{1,64}$")]


class Input(BaseModel):
    """Base of request bodies."""

    model_config = ConfigDict(extra="forbid")


class PeriodQuery(Period):
    """A period and whether to count verified incidents only."""

    verified_only: bool = Field(default=False, description="Count verified incidents only")


class CitedIndicator(PeriodQuery):
    """An indicator cited by an action; the service freezes its current protected figures."""

    indicator: str = Field(description=f"One of: {', '.join(sorted(INDICATORS))}")


class ActionCreate(Input):
    """What an advocacy officer records about an action taken."""

    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"target_body": "un_human_rights_council",
         "action_type": "submission",
         "taken_on": "2025-03-10",
         "title": "Written statement on impunity in central Mali",
         "cited_indicators": [{"indicator": "incidents_by_region",
                               "period_start": "2015-01-01",
                               "period_end": "2015-12-31"}]}
    ]})

    target_body: str = Field(max_length=64, description="Code from the target_bodies vocabulary")
    action_type: str = Field(max_length=64, description="Code from the action_types vocabulary")
    taken_on: date
    title: ShortText
    summary: LongText | None = Field(default=None, description="Institutional wording only: no personal data")
    attachments: list[AttachmentRef] = Field(default_factory=list, max_length=50)
    cited_indicators: list[CitedIndicator] = Field(default_factory=list, max_length=20)
    recommendation_ids: list[AggregateId] = Field(default_factory=list, max_length=50)


class ActionPublic(BaseModel):
    """A logged action with its frozen indicator snapshots."""

    id: str
    organisation: str
    target_body: str
    action_type: str
    taken_on: date
    title: str
    summary: str | None
    attachments: list[AttachmentRef]
    cited_indicators: list[IndicatorSnapshot]
    recommendation_ids: list[str]


class RecommendationCreate(Input):
    """A recommendation made to a body."""

    addressee: str = Field(max_length=64, description="Code from the target_bodies vocabulary")
    text: LongText = Field(description="Institutional wording only: no personal data")
    made_on: date
    source: ShortText | None = Field(default=None, description="Action id, report id or external reference")


class StatusChange(Input):
    """A new follow-up status observed for a recommendation."""

    to_status: str = Field(max_length=64, description="Code from the recommendation_statuses vocabulary")
    changed_on: date
    note: LongText | None = None
    evidence: list[Reference] = Field(default_factory=list, max_length=20)


class RecommendationPublic(BaseModel):
    """A recommendation, its current status and its history."""

    id: str
    organisation: str
    addressee: str
    text: str
    made_on: date
    source: str | None
    status: str
    history: list[StatusEntry]


class ReportCreate(PeriodQuery):
    """Publish a report on a period: its figures are computed now and frozen."""

    title: ShortText
    period_start: date
    period_end: date
    language: Literal["fr", "en"] = Field(default="fr", description="Language of every file of the report")
    csv_excel: bool = Field(default=False, description="Write the CSV for French Excel: ';' separator, decimal "
                                                       "commas in French and a UTF-8 byte-order mark")


class ReportPublic(BaseModel):
    """A published report: its period, files and their SHA-256."""

    id: str
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


class IndicatorPublic(BaseModel):
    """One protected indicator and where it comes from; the figure's own keys follow."""

    model_config = ConfigDict(extra="allow")

    indicator: str
    parameters: dict[str, Any]
    generation: int
