"""Evidence custody: verified downloads, custody steps with the hash re-checked, the custody report."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import audit
from servicekit.eventstore import Committed
from servicekit.integrity import verify_commits

from ..bootstrap import Deps
from ..domain import evidence_rules
from ..domain.errors import EvidenceCorrupted
from ..domain.evidence import EVIDENCE, Evidence
from ..domain.evidence_rules import StepRequest
from . import viewer

log = logging.getLogger("intake.evidence")

STEP_NAMES = {
    "intake.evidence.recorded.v1": "received",
    "intake.evidence.accessed.v1": "accessed",
    "intake.evidence.copied.v1": "copied",
    "intake.evidence.custody_transferred.v1": "transferred",
    "intake.evidence.submitted_to_court.v1": "submitted_to_court",
    "intake.evidence.integrity_failed.v1": "integrity_failed",
}


async def visible_evidence(deps: Deps, caller: Caller, evidence_id: str) -> Evidence:
    """The item if the caller may see it (404 otherwise)."""
    return evidence_rules.visible((await deps.store.load(EVIDENCE, evidence_id)).state, viewer(caller))


async def verified_evidence(deps: Deps, caller: Caller, evidence_id: str, *, during: str) -> Evidence:
    """The item after re-hashing its stored bytes; a mismatch is recorded as a custody event and refused loudly."""
    item = await visible_evidence(deps, caller, evidence_id)
    digest = await deps.evidence_files.digest(evidence_id)
    if digest.sha256 == item.sha256 and digest.size_bytes == item.size_bytes:
        return item
    decide = partial(evidence_rules.integrity_failed, actual_sha256=digest.sha256, size_bytes=digest.size_bytes,
                     during=during)
    await deps.store.execute(EVIDENCE, evidence_id, decide, context=caller.context)
    log.error("EVIDENCE INTEGRITY FAILURE: stored file does not match its recorded SHA-256",
              extra={"evidence_id": evidence_id, "expected_sha256": item.sha256, "actual_sha256": digest.sha256,
                     "during": during})
    raise EvidenceCorrupted("evidence_corrupted",
                            evidence_id=evidence_id, expected_sha256=item.sha256, actual_sha256=digest.sha256)


async def open_evidence(deps: Deps, caller: Caller, evidence_id: str) -> tuple[Evidence, AsyncIterator[bytes]]:
    """Verify, record the access, and stream the file (re-hashed once more as it goes out)."""
    item = await verified_evidence(deps, caller, evidence_id, during="accessed")
    decide = partial(evidence_rules.accessed, viewer=viewer(caller), verified_sha256=item.sha256)
    await deps.store.execute(EVIDENCE, evidence_id, decide, context=caller.context)
    await audit(deps.core.audit, caller, "evidence.read", "evidence", evidence_id, allowed=True, purpose="download",
                owner=item.organisation)
    return item, _rehashed(deps, item)


async def _rehashed(deps: Deps, item: Evidence) -> AsyncIterator[bytes]:
    hasher = hashlib.sha256()
    async for data in deps.evidence_files.chunks(item.id):
        hasher.update(data)
        yield data
    if hasher.hexdigest() != item.sha256:
        # Changed between verification and sending: abort the response so the client sees a broken transfer.
        log.error("EVIDENCE INTEGRITY FAILURE while streaming", extra={"evidence_id": item.id})
        raise EvidenceCorrupted("evidence_changed_while_sent")


async def record_custody(deps: Deps, caller: Caller, evidence_id: str, request: StepRequest,
                         request_key: RequestKey | None) -> Committed[Evidence]:
    """Copy, transfer or submission to a court, with the hash verified at that moment."""
    item = await verified_evidence(deps, caller, evidence_id, during=request.step)
    decide = partial(evidence_rules.custody_step, viewer=viewer(caller), request=request, verified_sha256=item.sha256)
    return await deps.store.execute(EVIDENCE, evidence_id, decide, context=caller.context,
                                    idempotency_key=command_key(request_key, f"custody:{evidence_id}"))


@dataclass(frozen=True)
class CustodyReport:
    """The whole chain of custody of one item, and whether its history is intact."""

    item: Evidence
    steps: list[dict[str, Any]]
    chain_intact: bool
    problems: list[str]


async def custody_report(deps: Deps, caller: Caller, evidence_id: str) -> CustodyReport:
    """Every custody step with its actor, time, hashes and the hash chain linking them."""
    item = await visible_evidence(deps, caller, evidence_id)
    commits = await deps.store.history(evidence_id)
    problems = verify_commits(evidence_id, commits, expected_version=None)
    steps = [_step(commit, stored) for commit in commits for stored in commit["events"]]
    return CustodyReport(item=item, steps=steps, chain_intact=not problems,
                         problems=[f"version {p.version}: {p.problem}" for p in problems])


def _step(commit: dict[str, Any], stored: dict[str, Any]) -> dict[str, Any]:
    data = dict(stored["data"])
    data.pop("evidence_id", None)
    file_hash = data.pop("sha256", None) or data.pop("sha256_verified", None) or data.get("actual_sha256")
    return {"version": commit["version"], "step": STEP_NAMES.get(stored["type"], stored["type"]),
            "at": commit["committed_at"], "actor": commit["actor"], "file_sha256": file_hash,
            "details": data, "commit_hash": commit["hash"], "prev_hash": commit["prev_hash"]}
