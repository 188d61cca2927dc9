"""Imports of partners' spreadsheets (incidents, victims, acts): every row checked first, then all or nothing.

A file with any refused row imports nothing: the per-row report says what to fix and the partner
uploads it again. A file whose rows all pass is imported in the background; ids derive from the
organisation and each row's reference, so an interrupted job is completed by uploading the file again.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Literal

from servicekit.api import Caller, RequestKey
from servicekit.errors import Conflict, DomainError, InvalidInput, NotFound, PayloadTooLarge
from servicekit.eventstore import Committed
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import csv_rows
from ..domain.csv_rows import RowError
from ..domain.import_cells import Matches, read_table
from ..domain.import_victims import ActRow, VictimRow, acts_by_incident, imported_victim_id, parse_acts, parse_victims
from ..domain.incident import IncidentDocumented
from ..domain.victim import VICTIM
from ..projections import Outcome
from ..uploads import Event, PartData, PartEnd, PartStart
from .incidents import import_row, imported_incident_id, today, update_incident, visible_incident
from .victims import change_consent, register_victim

log = logging.getLogger("intake.imports")
PROGRESS_EVERY = 20
ImportKind = Literal["incidents", "victims", "acts"]
Step = tuple[int, Callable[[], Awaitable[Outcome]]]  # the spreadsheet row (first row of a group) and its import


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
                raise PayloadTooLarge("import_file_too_large", field="file", limit=max_bytes)
    if not found:
        raise InvalidInput("upload_file_part_missing", field="file")
    return bytes(raw)


async def start_import(deps: Deps, caller: Caller, raw: bytes, kind: ImportKind = "incidents",
                       idempotency_key: str | None = None) -> dict[str, Any]:
    """Check the whole file (422 for an unreadable file or header), record the report, import if all rows pass."""
    assert caller.organisation is not None
    request_key = RequestKey.of(caller, idempotency_key, {"kind": kind, "sha256": hashlib.sha256(raw).hexdigest()})
    job_id = request_key.aggregate_id("import") if request_key else new_id()
    if request_key is not None and (earlier := await deps.imports.get(job_id)) is not None:
        return _same_request(earlier, request_key)
    table = read_table(raw, max_rows=deps.settings.import_max_rows)
    matches = Matches()
    steps, errors = await _plan(deps, caller, kind, table, matches)
    job, created = await deps.imports.create(
        job_id, organisation=caller.organisation, actor=caller.subject, kind=kind, total=len(table.rows),
        accepted=0 if errors else len(steps), errors=errors, request=request_key.fingerprint if request_key else None,
        reading={"file_format": table.file_format, "encoding": table.encoding, **matches.public()})
    if not created and request_key is not None:
        return _same_request(job, request_key)  # a concurrent retry recorded the job first
    if steps and not errors:
        deps.background.spawn(run_import(deps, job_id, steps), name=f"import:{job_id}")
    return job


def _same_request(job: dict[str, Any], request_key: RequestKey) -> dict[str, Any]:
    """The job a retried request started; 409 when the key came with another file or kind.

    Import jobs are working documents, not event-sourced records, so the kit's policy (same key and body:
    the first answer; same key, other body: 409) is applied here on the job the key names.
    """
    if job.get("request") != request_key.fingerprint:
        raise Conflict("idempotency_key_reused", field="Idempotency-Key")
    return job


async def _plan(deps: Deps, caller: Caller, kind: ImportKind, table: Any,
                matches: Matches) -> tuple[list[Step], list[RowError]]:
    """What importing each row will do, and every row refused."""
    assert caller.organisation is not None
    if kind == "victims":
        victims, errors = parse_victims(table, matches=matches)
        return [(v.row, _victim_step(deps, caller, v)) for v in victims], errors
    if kind == "acts":
        acts, errors = parse_acts(table, organisation=caller.organisation, matches=matches)
        errors += await _missing_references(deps, caller, acts)
        return [(rows[0].row, _acts_step(deps, caller, ref, rows)) for ref, rows in acts_by_incident(acts).items()], \
            errors
    parsed = csv_rows.parse(table, today=today(deps), matches=matches)
    return [(row.row, _incident_step(deps, caller, row.draft)) for row in parsed.accepted], parsed.errors


async def _missing_references(deps: Deps, caller: Caller, acts: list[ActRow]) -> list[RowError]:
    """Act rows naming an incident or a victim the organisation has not imported (or may not see)."""
    assert caller.organisation is not None
    errors = []
    for act in acts:
        try:
            await visible_incident(deps, caller, imported_incident_id(caller.organisation,
                                                                             act.incident_reference))
        except NotFound:
            errors.append(RowError(act.row, "incident_reference", "row_incident_unknown"))
        for victim_id in act.act.victim_ids:
            victim = (await deps.store.load(VICTIM, victim_id)).state
            if victim is None or victim.organisation != caller.organisation or victim.erased:
                errors.append(RowError(act.row, "victim_references", "row_victim_unknown"))
                break
    return errors


def _outcome(committed: Committed[Any], created: type) -> Outcome:
    if not committed.events:
        return "unchanged"
    return "created" if isinstance(committed.events[0], created) else "updated"


def _incident_step(deps: Deps, caller: Caller, draft: Any) -> Callable[[], Awaitable[Outcome]]:
    async def step() -> Outcome:
        return _outcome(await import_row(deps, caller, draft), IncidentDocumented)
    return step


def _victim_step(deps: Deps, caller: Caller, victim: VictimRow) -> Callable[[], Awaitable[Outcome]]:
    async def step() -> Outcome:
        assert caller.organisation is not None
        victim_id = imported_victim_id(caller.organisation, victim.reference)
        current = (await deps.store.load(VICTIM, victim_id)).state
        if current is None:
            key = RequestKey(scope=caller.organisation, key=f"import:{victim.reference}", fingerprint="import")
            await register_victim(deps, caller, victim.profile, victim.identity, victim.consent, key)
            return "created"
        if current.consent == victim.consent:
            return "unchanged"  # identity of a known victim is changed in the app, never by a re-import
        await change_consent(deps, caller, victim_id, victim.consent, None)
        return "updated"
    return step


def _acts_step(deps: Deps, caller: Caller, reference: str, rows: list[ActRow]) -> Callable[[], Awaitable[Outcome]]:
    async def step() -> Outcome:
        assert caller.organisation is not None
        incident_id = imported_incident_id(caller.organisation, reference)
        acts = [row.act.model_dump() for row in rows]  # the file is the truth about the incident's acts
        return "updated" if (await update_incident(deps, caller, incident_id, {"acts": acts}, None)).events \
            else "unchanged"
    return step


async def run_import(deps: Deps, job_id: str, steps: list[Step]) -> None:
    """Run each row's import, recording progress; a row the store refuses is reported, not fatal."""
    counts: dict[Outcome, int] = {"created": 0, "updated": 0, "unchanged": 0, "failed": 0}
    failures: list[RowError] = []
    try:
        for index, (row, step) in enumerate(steps, start=1):
            try:
                counts[await step()] += 1
            except DomainError as exc:
                counts["failed"] += 1
                failures.append(RowError(row, exc.field or "row", exc.code, csv_rows.plain_params(exc.params)))
            if index % PROGRESS_EVERY == 0 or index == len(steps):
                await deps.imports.progress(job_id, counts, failures)
                failures = []
    except Exception:
        log.exception("import job failed", extra={"job_id": job_id})
        await deps.imports.finish(job_id, "failed")
        raise
    await deps.imports.finish(job_id, "completed")
