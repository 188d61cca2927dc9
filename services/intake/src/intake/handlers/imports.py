"""CSV import of incidents: validate every row at once, import the good ones in the background."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Any

from servicekit.errors import DomainError, InvalidInput, PayloadTooLarge
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import csv_rows
from ..domain.csv_rows import AcceptedRow, RowError
from ..domain.incident import IncidentDocumented
from ..imports import Outcome
from ..uploads import Event, PartData, PartEnd, PartStart
from .common import Caller
from .incidents import import_row, today

log = logging.getLogger("intake.imports")
PROGRESS_EVERY = 20


async def read_csv_upload(events: AsyncIterator[Event], max_bytes: int) -> bytes:
    """The bytes of the form's single 'file' part (413 beyond the import limit)."""
    raw, found, in_file = bytearray(), False, False
    async for event in events:
        if isinstance(event, PartStart):
            if event.name != "file" or found:
                raise InvalidInput("upload_one_file_part", field=event.name)
            found = in_file = True
        elif isinstance(event, PartEnd):
            in_file = False
        elif isinstance(event, PartData) and in_file:
            raw += event.data
            if len(raw) > max_bytes:
                raise PayloadTooLarge(f"an import file may have at most {max_bytes} bytes", field="file")
    if not found:
        raise InvalidInput("upload_file_part_missing", field="file")
    return bytes(raw)


async def start_import(deps: Deps, caller: Caller, raw: bytes) -> dict[str, Any]:
    """Check the whole file (422 for a bad header), record the per-row report, import the rest in the background."""
    assert caller.organisation is not None
    parsed = csv_rows.parse(csv_rows.decode(raw), today=today(), max_rows=deps.settings.import_max_rows)
    job_id = new_id()
    job = await deps.imports.create(job_id, organisation=caller.organisation, actor=caller.subject,
                                    total=parsed.total, accepted=len(parsed.accepted), errors=parsed.errors)
    if parsed.accepted:
        deps.background.spawn(run_import(deps, caller, job_id, parsed.accepted), name=f"import:{job_id}")
    return job


async def run_import(deps: Deps, caller: Caller, job_id: str, rows: list[AcceptedRow]) -> None:
    """Import accepted rows one by one, recording progress; a row the store refuses is reported, not fatal."""
    counts: dict[Outcome, int] = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    failures: list[RowError] = []
    try:
        for index, row in enumerate(rows, start=1):
            outcome = await _import_one(deps, caller, row, failures)
            counts[outcome] += 1
            if index % PROGRESS_EVERY == 0 or index == len(rows):
                await deps.imports.progress(job_id, counts, failures)
                failures = []
    except Exception:
        log.exception("import job failed", extra={"job_id": job_id})
        await deps.imports.finish(job_id, "failed")
        raise
    await deps.imports.finish(job_id, "completed")


async def _import_one(deps: Deps, caller: Caller, row: AcceptedRow, failures: list[RowError]) -> Outcome:
    try:
        committed = await import_row(deps, caller, row.draft)
    except DomainError as exc:
        failures.append(RowError(row.row, exc.field or "row", exc.detail))
        return "failed"
    if not committed.events:
        return "unchanged"
    return "created" if isinstance(committed.events[0], IncidentDocumented) else "updated"
