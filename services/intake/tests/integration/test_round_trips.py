"""Store round trips of registering and referring a victim through intake's API, counted by a PyMongo command
listener (a count that must not grow back, never a time).

The app runs without its worker (no relay beside it), so every command counted is the request's own. The
listener is registered when this module is imported, before the fixture builds intake's client, and counts
only for that intake's database.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from intake_support import LEGAL_AID, ORG, client_of, random_kek, victim_body
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.spec import spec_of
from servicekit.testing import Infra, store_commands, unique_name

pytestmark = pytest.mark.integration


COMMANDS = store_commands()  # before the fixture builds intake's client
REFERRAL = {"needs": ["legal_representation"], "urgency": "high", "receiving_organisation": LEGAL_AID}


@pytest.fixture
async def monitor(infra: Infra, tmp_path: Path) -> AsyncIterator[Any]:
    """A monitor's client of intake's app alone, on a fresh database; one registration already done, so the
    audit chain's head (read once per process) is not counted."""
    spec = spec_of("intake")
    private_key, jwks = ensure_dev_keypair(tmp_path)
    settings = spec.settings(kafka_bootstrap=infra.kafka_bootstrap, mongo_url=infra.mongo_url,
                             mongo_db=unique_name("intake"), topic_namespace=unique_name("t").replace("_", "") + ".",
                             auth_jwks_file=jwks, kek_source=random_kek())
    deps = spec.build_deps(settings)
    COMMANDS.database = settings.database_name
    async with client_of(spec.build_app(deps), mint_token(private_key, subject="monitor-1", roles=["monitor"],
                                                          org=ORG)) as client:
        assert (await client.post("/victims", json=victim_body())).status_code == 201
        COMMANDS.take()
        yield client
    COMMANDS.database = None
    await deps.core.client.drop_database(settings.database_name)
    await deps.core.client.close()


async def test_registering_a_victim_takes_four_round_trips(monitor: Any) -> None:
    assert (await monitor.post("/victims", json=victim_body())).status_code == 201
    assert COMMANDS.take() == [
        "insert victim_keys",  # a new victim's key: its insert also tells a new victim from a retry
        "insert victim_identities",  # her sealed identity
        "bulkWrite insert events + insert victims",  # the command (a new victim is read nowhere), her first projection
        "bulkWrite insert audit_log + update audit_head",  # audited
    ]


async def test_referring_a_victim_just_registered_takes_three_round_trips(monitor: Any) -> None:
    victim = (await monitor.post("/victims", json=victim_body())).json()["id"]
    COMMANDS.take()
    assert (await monitor.post(f"/victims/{victim}/referrals", json=REFERRAL)).status_code == 201
    assert COMMANDS.take() == [
        "find victim_identities",  # the name's ciphertext, for the lawyer
        "bulkWrite insert events + update victims",  # the command, on the state this process just wrote
        "bulkWrite insert audit_log + update audit_head",
    ]


async def test_a_registration_retried_with_its_key_writes_nothing_again(monitor: Any) -> None:
    headers = {"Idempotency-Key": str(uuid.uuid4())}
    first = await monitor.post("/victims", json=victim_body(), headers=headers)
    COMMANDS.take()
    again = await monitor.post("/victims", json=victim_body(), headers=headers)
    assert again.status_code == 201 and again.json() == first.json()
    trips = COMMANDS.take()
    writes = ("insert events", "insert victim_identities", "update victim")  # alone or in a bulkWrite
    assert not [t for t in trips if any(write in t for write in writes)]
