"""Value objects of an incident (dates, places, acts, perpetrators, sources) and the rules on them."""

from __future__ import annotations

import calendar
import hashlib
import json
from datetime import date
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from servicekit.errors import InvalidInput

from .terms import check_location, check_term, check_terms, credibility_codes

Confidentiality = Literal["public", "restricted", "confidential"]
DatePrecision = Literal["day", "month", "year", "range"]
SourceKind = Literal["victim_testimony", "witness_testimony", "document", "photo_video", "media_report",
                     "official_statement", "medical_report", "other"]

PSEUDONYMOUS_ID = r"^[A-Za-z0-9_-]{1,80}$"
PseudonymousId = Annotated[str, StringConstraints(pattern=PSEUDONYMOUS_ID)]
UNIT_NAME = r"^[^\x00-\x1f\x7f]{1,120}$"
# Mali's bounding box with a small margin; a point outside it is a typo (swapped lat/lon, wrong sign).
MALI_LATITUDE = (10.0, 25.2)
MALI_LONGITUDE = (-12.4, 4.4)
# 0.1 degree is about 11 km: enough for maps and statistics, too coarse to find a house or a witness.
COARSE_DECIMALS = 1
EARLIEST_DATE = date(1900, 1, 1)


class Frozen(BaseModel):
    """Immutable, unknown fields refused: the shape of every value object and API input."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Coordinates(Frozen):
    """A point in WGS 84 decimal degrees."""

    lat: float = Field(ge=-90, le=90, description="Latitude in decimal degrees (WGS 84)")
    lon: float = Field(ge=-180, le=180, description="Longitude in decimal degrees (WGS 84)")

    def coarsened(self) -> Coordinates:
        """The point rounded to 0.1 degree (about 11 km), safe for non-confidential outputs."""
        return Coordinates(lat=round(self.lat, COARSE_DECIMALS), lon=round(self.lon, COARSE_DECIMALS))


class Perpetrator(Frozen):
    """An alleged perpetrator of one act."""

    category: str = Field(description="Perpetrator category code (vocabulary perpetrator_categories)")
    unit: str | None = Field(default=None, pattern=UNIT_NAME,
                             description="Named unit or armed group, if known (an organisation, never a person)")
    involvement: str = Field(description="Degree of involvement code (vocabulary involvement_degrees)")
    attribution: str = Field(default="unverified",
                             description="Verification status of this attribution (vocabulary verification_statuses)")


class Act(Frozen):
    """One act of an incident: a violation, the victims it struck and who allegedly did it."""

    violation_type: str = Field(description="Violation type code (vocabulary violation_types)")
    victim_ids: list[PseudonymousId] = Field(default_factory=list, max_length=500,
                                  description="Pseudonymous ids of the victims (never names)")
    perpetrators: list[Perpetrator] = Field(default_factory=list, max_length=20,
                                            description="Alleged perpetrators of this act")


class Source(Frozen):
    """Where the information comes from, rated on the Admiralty scale."""

    kind: SourceKind = Field(description="Kind of source")
    reliability: str = Field(description="Source reliability A-F (vocabulary source_reliability)")
    credibility: str = Field(default="6", description="Credibility of the information, 1-6 (credibility_scale)")
    evidence_ids: list[PseudonymousId] = Field(default_factory=list, max_length=50,
                                    description="Ids of evidence items supporting this source")


def check_dates(occurred_on: date, precision: DatePrecision, occurred_until: date | None,
                today: date) -> tuple[date, date | None]:
    """The start normalised to its precision (first of the month/year) and the end of a range."""
    if occurred_on > today:
        raise InvalidInput("incident_date_in_future", field="occurred_on")
    if occurred_on < EARLIEST_DATE:
        raise InvalidInput("incident_date_too_old", field="occurred_on")
    if precision == "range":
        if occurred_until is None:
            raise InvalidInput("range_end_missing", field="occurred_until")
        if occurred_until > today:
            raise InvalidInput("range_end_in_future", field="occurred_until")
        if occurred_until < occurred_on:
            raise InvalidInput("range_end_before_start", field="occurred_until")
        return occurred_on, occurred_until
    if occurred_until is not None:
        raise InvalidInput("end_date_only_for_range", field="occurred_until")
    if precision == "month":
        return occurred_on.replace(day=1), None
    if precision == "year":
        return occurred_on.replace(month=1, day=1), None
    return occurred_on, None


def last_day_covered(occurred_on: date, precision: DatePrecision, occurred_until: date | None) -> date:
    """The last day the date could mean (for date-range filters)."""
    if precision == "range" and occurred_until is not None:
        return occurred_until
    if precision == "month":
        return occurred_on.replace(day=calendar.monthrange(occurred_on.year, occurred_on.month)[1])
    if precision == "year":
        return occurred_on.replace(month=12, day=31)
    return occurred_on


def check_coordinates(point: Coordinates | None) -> None:
    """A point must fall in Mali (a swapped latitude/longitude is the usual mistake)."""
    if point is None:
        return
    if not MALI_LATITUDE[0] <= point.lat <= MALI_LATITUDE[1]:
        raise InvalidInput("latitude_outside_mali", field="coordinates.lat")
    if not MALI_LONGITUDE[0] <= point.lon <= MALI_LONGITUDE[1]:
        raise InvalidInput("longitude_outside_mali", field="coordinates.lon")


def location_digest(incident_id: str, point: Coordinates, salt: str) -> str:
    """Salted SHA-256 of exact coordinates: the history attests to them without revealing them."""
    raw = json.dumps([incident_id, point.lat, point.lon, salt], separators=(",", ":"))
    return hashlib.sha256(raw.encode()).hexdigest()


def check_acts(acts: list[Act]) -> None:
    """Every code of every act and perpetrator from its vocabulary."""
    for i, act in enumerate(acts):
        check_term("violation_types", act.violation_type, field=f"acts.{i}.violation_type")
        for j, perpetrator in enumerate(act.perpetrators):
            at = f"acts.{i}.perpetrators.{j}"
            check_term("perpetrator_categories", perpetrator.category, field=f"{at}.category")
            check_term("involvement_degrees", perpetrator.involvement, field=f"{at}.involvement")
            check_term("verification_statuses", perpetrator.attribution, field=f"{at}.attribution")


def check_sources(sources: list[Source]) -> None:
    """Reliability and credibility from their scales."""
    allowed_credibility = credibility_codes()
    for i, source in enumerate(sources):
        check_term("source_reliability", source.reliability, field=f"sources.{i}.reliability")
        if source.credibility not in allowed_credibility:
            raise InvalidInput("credibility_unknown", field=f"sources.{i}.credibility",
                               vocabulary="credibility_scale", allowed=allowed_credibility)


def check_place(region: str, cercle: str | None, commune: str | None, point: Coordinates | None) -> None:
    """The administrative location and the optional point."""
    check_location(region, cercle, commune)
    check_coordinates(point)


def violation_codes(listed: list[str], acts: list[Act]) -> list[str]:
    """The incident's violation types: those listed plus those of its acts, checked, sorted."""
    codes = check_terms("violation_types", listed, field="violation_types")
    merged = sorted(set(codes) | {act.violation_type for act in acts})
    if not merged:
        raise InvalidInput("violation_type_required", field="violation_types")
    return merged


def perpetrator_codes(listed: list[str], acts: list[Act]) -> list[str]:
    """Alleged perpetrator categories: those listed plus those named in acts, checked, sorted."""
    codes = check_terms("perpetrator_categories", listed, field="perpetrator_categories")
    return sorted(set(codes) | {p.category for act in acts for p in act.perpetrators})
