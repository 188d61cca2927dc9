"""An import job's progress and per-row report, in the reader's language."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Literal

from pydantic import BaseModel, Field
from servicekit.i18n import catalogue

STALE_IMPORT = timedelta(minutes=2)


class ImportJobPublic(BaseModel):
    """Progress and per-row report of an import, in the reader's language."""

    id: str
    kind: Literal["incidents", "victims", "acts"] = Field(default="incidents", description="What the file holds")
    status: Literal["running", "completed", "failed", "interrupted"] = Field(
        description="interrupted: no progress for a while (the API restarted); upload the file again to finish")
    total: int = Field(description="Data rows in the file")
    accepted: int = Field(description="Rows to import: all of them when every row passed, else 0 (nothing imported)")
    rejected: int = Field(description="Rows refused by validation (see errors); any refused row stops the import")
    processed: int = Field(description="Accepted rows imported so far")
    created: int
    updated: int
    unchanged: int
    failed: int
    errors: list[dict[str, Any]] = Field(
        description="Per row: spreadsheet row number, field, code and reason (in the reader's language)")
    errors_truncated: bool
    reading: dict[str, Any] = Field(
        default_factory=dict, description="How the file was read: file_format, encoding, columns (header cell -> "
                                          "column) and labels (a label in either language -> vocabulary code)")
    started_at: datetime
    finished_at: datetime | None

    @classmethod
    def of(cls, document: dict[str, Any], language: str, now: datetime) -> ImportJobPublic:
        """The stored job as the reader sees it at `now` (a running job without progress for a while is stale)."""
        status = document["status"]
        updated_at = document.get("updated_at")
        if status == "running" and updated_at is not None and now - updated_at > STALE_IMPORT:
            status = "interrupted"  # imports are idempotent: uploading the file again completes it
        errors = [_row_error(error, language) for error in document.get("errors", [])]
        return cls.model_validate({**document, "id": document["_id"], "status": status, "errors": errors})


def _row_error(error: dict[str, Any], language: str) -> dict[str, Any]:
    """A stored row error with its reason written in `language` (older jobs kept an English reason)."""
    if "code" not in error:
        return error
    reason = catalogue("intake").text(error["code"], language, error.get("params") or {})
    return {"row": error["row"], "field": error["field"], "code": error["code"], "reason": reason}
