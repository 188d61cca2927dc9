"""The one Idempotency-Key policy, enforced by the event store itself on the real store."""

from __future__ import annotations

import pytest
from servicekit.api import Caller, RequestKey
from servicekit.errors import Conflict
from servicekit.eventstore import CommandContext, EventStore
from servicekit.ids import new_id
from servicekit.testing import MemoryEventStore, pending_commits, unique_name
from tally import increment, open_tally, tally_type

pytestmark = pytest.mark.integration
CTX = CommandContext(actor="tester")
CALLER = Caller(subject="monitor-1", roles=frozenset({"monitor"}), organisation="org-amdh", is_service=False,
                context=CTX)


@pytest.fixture
async def db(mongo):
    database = mongo[unique_name("kit")]
    yield database
    await mongo.drop_database(database.name)


@pytest.mark.parametrize("store_kind", ["real", "memory"])
async def test_a_key_replayed_with_its_body_is_a_no_op_and_with_another_body_a_409(db, store_kind):
    store = EventStore(db, source="/redress/kit") if store_kind == "real" else MemoryEventStore()
    agg = tally_type(unique_name("kit.tallies"))
    tally_id = new_id()
    await store.execute(agg, tally_id, open_tally("t"), context=CTX)
    first_key = RequestKey.of(CALLER, "retry-0001", {"by": 5})
    assert first_key is not None
    first = await store.execute(agg, tally_id, increment(5), context=CTX,
                                idempotency_key=first_key.command_key(f"increment:{tally_id}"))
    again = await store.execute(agg, tally_id, increment(5), context=CTX,
                                idempotency_key=first_key.command_key(f"increment:{tally_id}"))
    assert again.duplicate and again.version == first.version and again.state == first.state
    other_body = RequestKey.of(CALLER, "retry-0001", {"by": 7})
    assert other_body is not None
    with pytest.raises(Conflict) as refused:
        await store.execute(agg, tally_id, increment(7), context=CTX,
                            idempotency_key=other_body.command_key(f"increment:{tally_id}"))
    assert refused.value.code == "idempotency_key_reused" and refused.value.field == "Idempotency-Key"
    assert (await store.load(agg, tally_id)).state.total == 5
    if store_kind == "real":
        assert await pending_commits(db) == 2  # the open and one increment: nothing doubled


async def test_the_same_key_of_another_organisation_is_another_request(db):
    store = EventStore(db, source="/redress/kit")
    agg = tally_type(unique_name("kit.tallies"))
    tally_id = new_id()
    await store.execute(agg, tally_id, open_tally("t"), context=CTX)
    other_org = Caller(subject="monitor-2", roles=frozenset({"monitor"}), organisation="org-other", is_service=False,
                       context=CTX)
    for caller, by in ((CALLER, 1), (other_org, 2)):
        key = RequestKey.of(caller, "shared-key-1", {"by": by})
        assert key is not None
        await store.execute(agg, tally_id, increment(by), context=CTX,
                            idempotency_key=key.command_key(f"increment:{tally_id}"))
    assert (await store.load(agg, tally_id)).state.total == 3
