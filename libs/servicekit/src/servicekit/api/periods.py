"""One inclusive period for the queries and bodies that take one (indicators, sessions, citations)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ..i18n import rule_error


class Period(BaseModel):
    """An inclusive period; an absent bound is open. Unknown fields are refused."""

    model_config = ConfigDict(extra="forbid")

    period_start: date | None = Field(default=None, description="First day of the period (open if absent)")
    period_end: date | None = Field(default=None, description="Last day of the period (open if absent)")

    @field_validator("period_end")
    @classmethod
    def _ends_after_start(cls, end: date | None, info: ValidationInfo) -> date | None:
        start = info.data.get("period_start")
        if start and end and end < start:
            raise rule_error("period_reversed")
        return end
