"""Commands and privileged reads on cases: stages, lawyers, court, notes, the victim's name."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from functools import partial

from servicekit.api import Caller, RequestKey, command_key
from servicekit.commands import audit, today_in_bamako
from servicekit.domain import DomainEvent
from servicekit.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound
from servicekit.ids import new_id

from ..bootstrap import Deps
from ..domain import case_commands
from ..domain.access import LAWYER, Access, case_not_found, visible_to
from ..domain.case import CASE, Case
from ..names import Gone
from ..notes import Note
from .access import read_case

CaseDecision = Callable[[Case], Sequence[DomainEvent]]


async def _run(deps: Deps, caller: Caller, access: Access, case_id: str, decide: CaseDecision,
               key: str | None) -> Case:
    committed = await deps.core.store.execute(CASE, case_id, visible_to(access, decide), context=caller.context,
                                              idempotency_key=key)
    # A replayed key skips `decide`, and with it the visibility check: the answer still shows only a visible case.
    if committed.state is None or not access.sees(committed.state):
        raise case_not_found()
    return committed.state


async def change_stage(deps: Deps, caller: Caller, key: RequestKey | None, access: Access, case_id: str, *,
                       track: str, to_stage: str, closure_reason: str | None, effective_on: date | None) -> Case:
    """Move one track of a case to its next stage (closing the case when the domestic track closes)."""
    day = today_in_bamako(deps.core.clock)
    decide = partial(case_commands.change_stage, track=track, to_stage=to_stage, closure_reason=closure_reason,
                     effective_on=effective_on or day, today=day)
    return await _run(deps, caller, access, case_id, decide, command_key(key, f"stage:{case_id}"))


async def assign_lawyer(deps: Deps, caller: Caller, key: RequestKey | None, access: Access, case_id: str, *,
                        lawyer_id: str) -> Case:
    """Assign one more lawyer to a case (case managers of its organisation)."""
    decide = partial(case_commands.assign_lawyer, lawyer_id=lawyer_id)
    return await _run(deps, caller, access, case_id, decide, command_key(key, f"assign:{case_id}"))


async def unassign_lawyer(deps: Deps, caller: Caller, key: RequestKey | None, access: Access, case_id: str, *,
                          lawyer_id: str) -> Case:
    """Take a lawyer off a case (case managers of its organisation)."""
    decide = partial(case_commands.unassign_lawyer, lawyer_id=lawyer_id)
    return await _run(deps, caller, access, case_id, decide, command_key(key, f"unassign:{case_id}"))


async def change_court(deps: Deps, caller: Caller, key: RequestKey | None, access: Access, case_id: str, *,
                       court: str) -> Case:
    """Record the court now seized of a case."""
    decide = partial(case_commands.change_court, court=court)
    return await _run(deps, caller, access, case_id, decide, command_key(key, f"court:{case_id}"))


def as_lawyer(caller: Caller) -> Access:
    """The caller in their lawyer role only: notes and names are for the case's lawyers."""
    return Access(caller.subject, caller.roles & {LAWYER}, None)


async def add_note(deps: Deps, caller: Caller, key: RequestKey | None, case_id: str, *, text: str,
                   victim_id: str | None = None) -> str:
    """Add a privileged note to a case (its lawyers only), about one of its victims or the collective proceedings;
    encrypted before it is stored. In a case of one victim, every note is about her."""
    case = await read_case(deps, caller, case_id, purpose="add privileged note", access=as_lawyer(caller))
    if "victim_erased" in case.flags:
        raise Conflict("case_notes_victim_erased")
    if victim_id is not None and victim_id not in case.victim_ids:
        raise InvalidInput("case_victim_not_found", field="victim_id")
    about = victim_id or (case.victim_ids[0] if len(case.victim_ids) == 1 else None)
    kind = f"note:{case_id}"
    note_id = key.aggregate_id(kind) if key else new_id()
    await deps.notes.add(case_id=case_id, note_id=note_id, author=caller.subject, text=text,
                         at=deps.core.clock(), victim_id=about, request=command_key(key, kind))
    return note_id


async def read_notes(deps: Deps, caller: Caller, case_id: str) -> list[Note]:
    """The privileged notes of a case, decrypted for one of its lawyers."""
    await read_case(deps, caller, case_id, purpose="read privileged notes", access=as_lawyer(caller))
    return await deps.notes.read_all(case_id)


async def reveal_victim_name(deps: Deps, caller: Caller, case_id: str, victim_id: str) -> str:
    """A victim's name for a lawyer of the case, through the key path; audited, never stored."""
    case = await read_case(deps, caller, case_id, purpose="victim name for legal support", access=as_lawyer(caller))
    owner = (await deps.victims.status(victim_id)).owner if victim_id in case.victim_ids else None
    try:
        name = await _reveal(deps, case, victim_id)
    except DomainError as refused:
        await audit(deps.core.audit, caller, "victim.name_read", "victim", victim_id, purpose="legal_support",
                    allowed=False, reason=refused.code, owner=owner)
        raise
    await audit(deps.core.audit, caller, "victim.name_read", "victim", victim_id, purpose="legal_support",
                allowed=True, owner=owner)
    return name


async def _reveal(deps: Deps, case: Case, victim_id: str) -> str:
    if victim_id not in case.victim_ids:
        raise NotFound("case_victim_not_found")
    status, flags = await deps.victims.status(victim_id), case.flags_of(victim_id)  # this victim's flags only
    if status.erased or "victim_erased" in flags:
        deps.names.forget(victim_id)
        raise Gone("victim_identity_erased")
    if status.legal_support is False or "consent_withdrawn" in flags:
        deps.names.forget(victim_id)
        raise Forbidden("legal_support_consent_withdrawn")
    ciphertext = await deps.victims.name_ciphertext(victim_id)
    if ciphertext is None:
        raise Gone("victim_name_unknown")
    return await deps.names.reveal(victim_id, ciphertext, case.organisation)
