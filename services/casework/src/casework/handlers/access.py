"""Casework's own access rule at the handler edge: load a case the caller may see, auditing the read."""

from __future__ import annotations

from servicekit.api import Caller
from servicekit.commands import audit

from ..bootstrap import Deps
from ..domain.access import Access, case_not_found
from ..domain.case import CASE, Case


def access_of(caller: Caller) -> Access:
    """The caller, as far as case visibility goes."""
    return Access(subject=caller.subject, roles=caller.roles, organisation=caller.organisation)


async def read_case(deps: Deps, caller: Caller, case_id: str, *, purpose: str = "case file",
                    access: Access | None = None) -> Case:
    """Load a case the caller may see, auditing the read; someone else's case is a 404 (audited as denied)."""
    access = access or access_of(caller)
    case = (await deps.core.store.load(CASE, case_id)).state
    if case is None or not access.sees(case):
        if case is not None:
            await audit(deps.core.audit, caller, "case.read", "case", case_id, purpose=purpose, allowed=False,
                        reason="not assigned to the caller")
        raise case_not_found()
    await audit(deps.core.audit, caller, "case.read", "case", case_id, purpose=purpose, allowed=True)
    return case
