"""Verification of a service's audit chain: every entry present, unedited, in order, up to the stored head.

`verify_audit_log(db)` is what `GET /audit/integrity` and the operator CLI call. It detects an edited
entry (its hash no longer matches), a deleted one (a gap, or a successor whose `prev_hash` does not
match), deleted newest entries (the head is ahead of the chain), entries slipped in beside the chain,
and, given an anchor recorded elsewhere earlier (a position and its hash), a chain rewritten since.
Someone who can rewrite the database can also recompute every hash: anchors kept outside the
database are what defeats that, so operators should record the head the report gives them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, ValidationError
from pymongo.asynchronous.database import AsyncDatabase

from .audit import GENESIS_HASH, HEAD_ID, chain_hash, entry_of

MAX_PROBLEMS = 1000


class AuditAnchor(BaseModel):
    """A position of the chain and its hash, as an operator recorded it earlier."""

    seq: int = Field(ge=1, description="Position of the entry")
    hash: str = Field(pattern=r"^[0-9a-f]{64}$", description="Its hash then")


class AuditProblem(BaseModel):
    """One defect of the audit chain."""

    seq: int | None = Field(description="Position concerned (none for entries outside the chain)")
    problem: str


class AuditIntegrityReport(BaseModel):
    """Outcome of a verification of the audit chain: ok only when nothing is wrong."""

    ok: bool
    entries_checked: int
    head: AuditAnchor | None = Field(description="The newest entry: record it to detect a rewrite later")
    problems: list[AuditProblem]


async def verify_audit_log(db: AsyncDatabase[Any], *, anchor: AuditAnchor | None = None) -> AuditIntegrityReport:
    """Check the whole chain of one service (a full scan: an administrative operation, not a hot path)."""
    chained: dict[int, dict[str, Any]] = {}
    problems: list[AuditProblem] = []
    async for document in db["audit_log"].find({}):
        seq = document.get("seq")
        if not isinstance(seq, int) or "hash" not in document:
            problems.append(AuditProblem(seq=None, problem="an entry outside the chain (no position or hash)"))
            continue
        chained[seq] = document
    problems += _chain_problems(chained)
    head_doc = await db["audit_head"].find_one({"_id": HEAD_ID})
    problems += _head_problems(chained, head_doc)
    if anchor is not None and (chained.get(anchor.seq) or {}).get("hash") != anchor.hash:
        problems.append(AuditProblem(seq=anchor.seq, problem="differs from the anchor recorded earlier (rewritten)"))
    last = max(chained, default=0)
    head = AuditAnchor(seq=last, hash=chained[last]["hash"]) if last else None
    return AuditIntegrityReport(ok=not problems, entries_checked=len(chained), head=head,
                                problems=problems[:MAX_PROBLEMS])


def _chain_problems(chained: dict[int, dict[str, Any]]) -> list[AuditProblem]:
    problems: list[AuditProblem] = []
    previous = GENESIS_HASH
    for seq in range(1, max(chained, default=0) + 1):
        document = chained.get(seq)
        if document is None:
            problems.append(AuditProblem(seq=seq, problem="missing entry (deleted)"))
            previous = ""
            continue
        if previous and document.get("prev_hash") != previous:
            problems.append(AuditProblem(seq=seq, problem="prev_hash does not match the previous entry"))
        if _recomputed(document, seq) != document["hash"]:
            problems.append(AuditProblem(seq=seq, problem="content does not match its hash (edited)"))
        previous = document["hash"]
    return problems


def _recomputed(document: dict[str, Any], seq: int) -> str | None:
    try:
        return chain_hash(entry_of(document), seq, str(document.get("prev_hash", "")))
    except (ValidationError, KeyError, TypeError):
        return None  # no longer even a valid entry: certainly edited


def _head_problems(chained: dict[int, dict[str, Any]], head: dict[str, Any] | None) -> list[AuditProblem]:
    if head is None:
        return [AuditProblem(seq=None, problem="entries exist but the chain's head is missing")] if chained else []
    seq = int(head.get("seq", 0))
    if seq > max(chained, default=0):
        return [AuditProblem(seq=seq, problem="the head is ahead of the chain (newest entries deleted)")]
    if chained.get(seq, {}).get("hash") != head.get("hash"):
        return [AuditProblem(seq=seq, problem="the head's hash does not match the entry it names")]
    return []
