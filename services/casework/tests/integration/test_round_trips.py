"""Store round trips of accepting a referral and of the worker's check that its case is open, counted by a
PyMongo command listener (a count that must not grow back, never a time).

The listener is registered when this module is imported, before the module's casework builds its client,
and counts only for that casework's database. The referral reaches the inbox through the consumer's handler
in this process, so the test forgets what this process's store cached: in a deployment the API and the
worker are two processes.
"""

from __future__ import annotations

from typing import Any

import pytest
from casework.domain.case import CASE, case_id_for
from casework.domain.referral import REFERRAL
from casework.handlers.referrals import ensure_case_opened
from servicekit.consumer import ConsumedEvent
from servicekit.envelope import Envelope
from servicekit.ids import new_id
from servicekit.testing import store_commands

pytestmark = pytest.mark.integration


COMMANDS = store_commands()  # before the module's casework builds its client


async def _in_another_process(cw: Any, referral_id: str) -> None:
    """Start counting as a process that has cached neither the referral nor its case."""
    cw.deps.core.store.cache.forget(REFERRAL, referral_id)
    cw.deps.core.store.cache.forget(CASE, case_id_for(referral_id))
    COMMANDS.database = cw.deps.core.settings.database_name
    COMMANDS.take()


async def test_accepting_a_referral_takes_seven_round_trips(cw: Any) -> None:
    referral_id, _ = await cw.refer()
    await _in_another_process(cw, referral_id)
    accepted = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-a"]},
                                    headers=cw.headers("case_manager"))
    assert accepted.status_code == 201
    assert COMMANDS.take() == [
        "find referrals", "find victim_status",  # whether the victim shares her file with the organisation
        "find referrals", "bulkWrite insert events + update referrals",  # the acceptance
        "find cases", "bulkWrite insert events + insert cases",  # the new case (its first projection an insert)
        "find victim_status",  # flags to carry over, read after the victim is in the case
    ]
    COMMANDS.database = None


async def test_the_workers_check_of_an_opened_case_writes_nothing(cw: Any) -> None:
    referral_id, _ = await cw.refer()
    response = await cw.client.post(f"/referrals/{referral_id}/accept", json={"lawyers": ["lawyer-a"]},
                                    headers=cw.headers("case_manager"))
    assert response.status_code == 201
    await _in_another_process(cw, referral_id)
    envelope = Envelope(id=new_id(), source="/redress/casework", type="casework.referral.accepted.v1",
                        subject=referral_id, time=cw.clock(), data={"referral_id": referral_id})
    await ensure_case_opened(ConsumedEvent(envelope, topic="test", partition=0, offset=0), cw.deps)
    assert COMMANDS.take() == [
        "find referrals", "find events",  # the referral, its history probed (a request may have died after it)
        "find cases",  # the case's projection already counts the victim
        "find victim_status",  # flags to carry over
    ]
    COMMANDS.database = None
