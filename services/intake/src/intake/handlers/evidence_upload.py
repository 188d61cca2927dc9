"""Receiving evidence: a streamed, hashed, type-checked upload that leaves nothing behind when refused."""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from functools import partial

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from servicekit.api import Caller, RequestKey, command_key
from servicekit.errors import InvalidInput, NotFound, from_validation
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
from .incidents import visible_incident


class EvidenceForm(BaseModel):
    """The form fields that accompany an uploaded file."""

    model_config = ConfigDict(extra="forbid")

    incident_id: str | None = Field(default=None, pattern=PSEUDONYMOUS_ID, description="Incident it documents")
    confidentiality: Confidentiality = Field(default="restricted", description="Who may see the item")


async def receive_evidence(deps: Deps, caller: Caller, events: AsyncIterator[Event],
                           idempotency_key: str | None) -> Committed[Evidence]:
    """Store the streamed file chunk by chunk, hashing it, then record it; a refused upload leaves nothing.

    The body's fingerprint is known only once the file has streamed: the request key is made of the form
    fields and the file's SHA-256, so a retry of the same upload answers as the first time and the same key
    with another file or other fields is refused (409) by the store, like every command.
    """
    assert caller.organisation is not None
    new_record = RequestKey.of(caller, idempotency_key, None)
    evidence_id = new_record.aggregate_id("evidence") if new_record else new_id()
    if (await deps.store.load(EVIDENCE, evidence_id)).state is not None:
        fields, sha256 = await _hash_retried_upload(events)
        return await _record(deps, caller, evidence_id, idempotency_key, fields, sha256, receipt=None)
    try:
        fields, receipt = await _read_upload(events, deps.evidence_files.writer(evidence_id))
        return await _record(deps, caller, evidence_id, idempotency_key, fields, receipt.sha256, receipt=receipt)
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


async def _record(deps: Deps, caller: Caller, evidence_id: str, idempotency_key: str | None,
                  fields: dict[str, str], sha256: str, *, receipt: Receipt | None) -> Committed[Evidence]:
    """Record the received item; `receipt` is None for a retry, which the store answers from its key or refuses."""
    assert caller.organisation is not None
    form = _form(fields)
    request_key = RequestKey.of(caller, idempotency_key, {**form.model_dump(), "sha256": sha256})
    if receipt is not None and form.incident_id is not None:
        try:
            await visible_incident(deps, caller, form.incident_id)
        except NotFound:
            raise InvalidInput("incident_not_found", field="incident_id") from None
    decide = evidence_rules.record_again if receipt is None else partial(
        evidence_rules.record, evidence_id=evidence_id, organisation=caller.organisation,
        incident_id=form.incident_id, receipt=receipt, confidentiality=form.confidentiality)
    return await deps.store.execute(EVIDENCE, evidence_id, decide, context=caller.context,
                                    idempotency_key=command_key(request_key, "evidence"), creates=receipt is not None)


async def _hash_retried_upload(events: AsyncIterator[Event]) -> tuple[dict[str, str], str]:
    """The form fields and the file's SHA-256 of a retried upload, read without storing anything."""
    fields: dict[str, str] = {}
    hasher, in_file = hashlib.sha256(), False
    async for event in events:
        if isinstance(event, PartStart):
            in_file = event.filename is not None
            if not in_file:
                fields[event.name] = await read_field(events, event.name)
        elif isinstance(event, PartEnd):
            in_file = False
        elif in_file and isinstance(event, PartData):
            hasher.update(event.data)
    return fields, hasher.hexdigest()
