"""The local store keeps each connection's prepared SQL statements (deploy/local/ferretdb, item 12).

A statement is run again and again by text: these are the cases where keeping it could go wrong, a
table dropped and made again under the same name, an index made after the statement, two cursors of
one query open at once, a write refused by a constraint and the next one. Each must answer exactly as
a statement prepared afresh would; all of it holds on MongoDB too.
"""

from __future__ import annotations

import pytest
from pymongo.errors import DuplicateKeyError
from servicekit.testing import unique_name

pytestmark = pytest.mark.integration


@pytest.fixture
async def db(mongo):
    database = mongo[unique_name("statements")]
    yield database
    await mongo.drop_database(database.name)


async def reads(collection) -> tuple[list[dict], dict | None, list[dict]]:
    """The same three queries, by the same texts each time: a filtered sort, an _id find, an $in."""
    listed = await collection.find({"region": "mopti"}, {"_id": 1}).sort("_id", 1).to_list()
    one = await collection.find_one({"_id": "b"})
    some = await collection.find({"_id": {"$in": ["a", "c"]}}).sort("_id", 1).to_list()
    return listed, one, some


async def test_a_collection_dropped_and_made_again_is_read_from_its_new_table(db):
    for round_, region in enumerate(("mopti", "gao", "mopti")):
        await db.incidents.insert_many([{"_id": i, "region": region, "round": round_} for i in "abc"])
        listed, one, some = await reads(db.incidents)
        expected = [{"_id": i} for i in "abc"] if region == "mopti" else []
        assert listed == expected
        assert one == {"_id": "b", "region": region, "round": round_}
        assert some == [{"_id": i, "region": region, "round": round_} for i in "ac"]
        await db.incidents.drop()


async def test_an_index_made_after_a_query_ran_changes_nothing_it_answers(db):
    await db.incidents.insert_many([{"_id": f"{n:03d}", "region": "mopti" if n % 2 else "gao"} for n in range(40)])
    before = await reads(db.incidents)
    await db.incidents.create_index([("region", 1), ("_id", 1)])
    assert await reads(db.incidents) == before
    await db.incidents.insert_one({"_id": "000b", "region": "mopti"})
    listed, _, _ = await reads(db.incidents)
    assert listed == [{"_id": "000b"}, *before[0]], "the new document, in _id order, with the index"


async def test_two_cursors_of_one_query_open_at_once_each_read_every_document(db):
    await db.incidents.insert_many([{"_id": f"{n:02d}", "region": "mopti"} for n in range(12)])
    first = db.incidents.find({"region": "mopti"}).sort("_id", 1).batch_size(2)
    second = db.incidents.find({"region": "mopti"}).sort("_id", 1).batch_size(2)
    seen: tuple[list[str], list[str]] = ([], [])
    for _ in range(12):  # interleaved: both cursors are open on the store between their batches
        seen[0].append((await first.next())["_id"])
        seen[1].append((await second.next())["_id"])
    assert seen == ([f"{n:02d}" for n in range(12)],) * 2


async def test_a_write_refused_by_a_constraint_leaves_the_next_write_unharmed(db):
    await db.commits.insert_one({"_id": "t:1", "v": 1})
    for n in range(2, 5):
        with pytest.raises(DuplicateKeyError):
            await db.commits.insert_one({"_id": "t:1", "v": n})
        await db.commits.insert_one({"_id": f"t:{n}", "v": n})
    stored = await db.commits.find({}).sort("_id", 1).to_list()
    assert stored == [{"_id": f"t:{n}", "v": n} for n in range(1, 5)]
