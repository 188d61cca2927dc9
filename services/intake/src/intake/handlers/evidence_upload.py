"""Receiving evidence: a streamed, hashed, type-checked upload that leaves nothing behind when refused."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from functools import partial

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from servicekit.errors import Conflict, InvalidInput, NotFound, from_validation
from servicekit.eventstore import Committed
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import evidence_rules
from ..domain.evidence import EVIDENCE, Evidence
from ..domain.evidence_rules import Receipt
from ..domain.incident_facts import PSEUDONYMOUS_ID, Confidentiality
from ..domain.media_types import SNIFF_BYTES, check_content, check_declared
from ..evidence_files import ChunkWriter
from ..uploads import Event, PartData, PartEnd, PartStart, read_field
from .common import Caller, RequestKey, create_once
from .incidents import visible_incident


class EvidenceForm(BaseModel):
    """The form fields that accompany an uploaded file."""

    model_config = ConfigDict(extra="forbid")

    incident_id: str | None = Field(default=None, pattern=PSEUDONYMOUS_ID, description="Incident it documents")
    confidentiality: Confidentiality = Field(default="restricted", description="Who may see the item")


async def receive_evidence(deps: Deps, caller: Caller, events: AsyncIterator[Event],
                           request_key: RequestKey | None) -> Committed[Evidence]:
    """Store the streamed file chunk by chunk, hashing it, then record it; a refused upload leaves nothing."""
    assert caller.organisation is not None
    evidence_id = request_key.aggregate_id("evidence") if request_key else new_id()
    existing = (await deps.store.load(EVIDENCE, evidence_id)).state
    if existing is not None:
        return await _replayed_upload(existing, caller, events)
    try:
        fields, receipt = await _read_upload(events, deps.evidence_files.writer(evidence_id))
        form = _form(fields)
        if form.incident_id is not None:
            try:
                await visible_incident(deps, caller.viewer, form.incident_id)
            except NotFound:
                raise InvalidInput("incident_not_found", field="incident_id") from None
        decide = partial(evidence_rules.record, evidence_id=evidence_id, organisation=caller.organisation,
                         incident_id=form.incident_id, receipt=receipt, confidentiality=form.confidentiality)
        return await create_once(deps, EVIDENCE, evidence_id, decide, caller=caller,
                                 command_key=request_key.command_key("evidence") if request_key else None)
    except Exception:
        # Remove what was streamed in, unless the commit happened after all (then the file is evidence).
        if (await deps.store.load(EVIDENCE, evidence_id)).state is None:
            await deps.evidence_files.remove(evidence_id)
        raise


async def _read_upload(events: AsyncIterator[Event], writer: ChunkWriter) -> tuple[dict[str, str], Receipt]:
    fields: dict[str, str] = {}
    receipt: Receipt | None = None
    async for event in events:
        if not isinstance(event, PartStart):
            continue
        if event.filename is None:
            fields[event.name] = await read_field(events, event.name)
        elif event.name != "file":
            raise InvalidInput("upload_file_in_wrong_part", field=event.name)
        elif receipt is not None:
            raise InvalidInput("upload_one_file", field="file")
        else:
            receipt = await _stream_file(events, writer, event.content_type)
    if receipt is None:
        raise InvalidInput("upload_file_part_missing", field="file")
    return fields, receipt


async def _stream_file(events: AsyncIterator[Event], writer: ChunkWriter, declared: str | None) -> Receipt:
    media_type = check_declared(declared)
    head = bytearray()
    async for event in events:
        if isinstance(event, PartEnd):
            break
        if isinstance(event, PartData):
            if len(head) < SNIFF_BYTES:  # nothing is stored before the magic bytes match the declared type
                head += event.data
                if len(head) >= SNIFF_BYTES:
                    check_content(media_type, bytes(head))
                    await writer.write(bytes(head))
                continue
            await writer.write(event.data)
    if not head:
        raise InvalidInput("file_empty", field="file")
    if len(head) < SNIFF_BYTES:
        check_content(media_type, bytes(head))
        await writer.write(bytes(head))
    digest = await writer.close()
    return Receipt(sha256=digest.sha256, size_bytes=digest.size_bytes, media_type=media_type)


def _form(fields: dict[str, str]) -> EvidenceForm:
    try:
        return EvidenceForm.model_validate({k: v for k, v in fields.items() if v != ""})
    except ValidationError as exc:
        raise from_validation(exc) from None


async def _replayed_upload(existing: Evidence, caller: Caller, events: AsyncIterator[Event]) -> Committed[Evidence]:
    """A retried upload (same Idempotency-Key): hash its file without storing it; the same file answers as before."""
    hasher, in_file = hashlib.sha256(), False
    async for event in events:
        if isinstance(event, PartStart):
            in_file = event.filename is not None
        elif isinstance(event, PartEnd):
            in_file = False
        elif in_file:
            hasher.update(event.data)
    if existing.organisation != caller.organisation:
        raise NotFound("evidence_not_found")
    if hasher.hexdigest() != existing.sha256:
        raise Conflict("idempotency_key_reused", field="Idempotency-Key")
    return Committed(existing.id, 0, existing, (), (), duplicate=True)
