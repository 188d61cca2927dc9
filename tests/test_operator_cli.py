"""The operator CLI `redress` against real services (processes), the real broker and store."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
from servicekit.kafka import ensure_topics, idempotent_producer
from servicekit.operator.cli import main
from servicekit.testing import InProcessService, free_port, service_env, unique_name

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def system(infra, system_starter, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    running = system_starter(infra, ("intake", "advocacy"), tmp_path_factory.mktemp("cli"))
    try:
        yield running
    finally:
        for proc in running.processes.values():
            proc.stop()


def urls(system) -> list[str]:
    return [arg for s in ("intake", "advocacy") for arg in ("--url", f"{s}={system.url(s)}")]


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_help_is_french_by_default(capsys, monkeypatch):
    monkeypatch.delenv("LANG", raising=False)
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "utilisation : redress" in capsys.readouterr().out


@pytest.mark.parametrize("argv, lang", [(["--lang", "en", "verify", "--help"], "fr_ML.UTF-8"),
                                        (["verify", "--help"], "en_GB.UTF-8")])
def test_help_is_english_with_lang_en_or_an_english_locale(capsys, monkeypatch, argv, lang):
    monkeypatch.setenv("LANG", lang)
    with pytest.raises(SystemExit):
        main(argv)
    out = capsys.readouterr().out
    assert out.startswith("usage: redress") and "verify a service's hash chains" in out


def test_status_shows_each_service_alive_ready_with_its_pipeline(system, capsys):
    code, out, _ = run(capsys, *urls(system), "status", "intake", "advocacy")
    lines = out.splitlines()
    assert code == 0, out
    assert lines[0].split()[:3] == ["service", "vivant", "prêt"]
    assert [line.split()[:3] for line in lines[1:]] == [["intake", "oui", "oui"], ["advocacy", "oui", "oui"]]


def test_status_names_a_service_that_does_not_answer_and_fails(system, capsys):
    code, out, _ = run(capsys, "--lang", "en", "--url", f"education=http://127.0.0.1:{free_port()}", "status",
                       "education")
    assert code == 1
    assert out.splitlines()[1].split()[:3] == ["education", "unreachable", "no"]


def test_verify_pages_through_intakes_chains_with_a_progress_bar(system, capsys):
    monitor = system.client("intake", "monitor")
    for region in ("mopti", "gao", "kidal"):
        created = monitor.post("/incidents", json={"occurred_on": "2024-03-02", "region": region,
                                                   "violation_types": ["killings"]})
        assert created.status_code == 201, created.text
    code, out, err = run(capsys, *urls(system), "--token", system.token("admin"), "verify", "intake", "--page", "1")
    assert code == 0, out + err
    assert "chaînes intactes" in out
    assert err.count("\r[") >= 3 and "100 %" in err


def test_verify_without_a_token_says_how_to_get_one(system, capsys, monkeypatch):
    monkeypatch.delenv("REDRESS_TOKEN", raising=False)
    with pytest.raises(SystemExit) as exit_:
        main([*urls(system), "verify", "intake"])
    assert exit_.value.code == 2
    assert "redress token --role admin" in capsys.readouterr().err


def test_verify_refused_to_a_role_that_may_not_verify(system, capsys):
    code, _, err = run(capsys, *urls(system), "--token", system.token("monitor"), "verify", "intake")
    assert code == 2 and "intake a répondu 403" in err


def test_rotate_keys_rewraps_intakes_keys(system, capsys):
    victim = system.client("intake", "monitor").post("/victims", json={
        "sex": "male", "age_band": "25-39", "region": "mopti", "identity": {"name": "Rotation Témoin"},
        "consent": {"legal_support": False}})
    assert victim.status_code == 201, victim.text
    code, out, _ = run(capsys, *urls(system), "--token", system.token("admin", org=None), "rotate-keys")
    assert code == 0, out
    assert "échecs : 0" in out


def test_rebuild_runs_advocacys_rebuild_to_the_end(system, capsys):
    code, out, err = run(capsys, *urls(system), "--lang", "en", "--token", system.token("admin", org=None), "rebuild")
    assert code == 0, out + err
    assert out.splitlines() == ["rebuild started", "rebuild: done"]


def test_token_mints_a_development_token_with_the_roles(tmp_path, capsys):
    code, out, err = run(capsys, "token", "--role", "analyst", "--keys-dir", str(tmp_path))
    jwks = json.loads((tmp_path / "dev-jwks.json").read_text())
    key = jwt.PyJWK(jwks["keys"][0])
    claims = jwt.decode(out.strip(), key, algorithms=["ES256"], audience="redress")
    assert code == 0 and claims["roles"] == ["analyst"] and "dev-jwks.json" in err


def test_replay_dlq_hands_parked_records_to_the_handlers_once(infra, tmp_path, capsys, monkeypatch):
    namespace = unique_name("r").replace("_", "") + "."
    db = unique_name("replay")
    env = service_env("advocacy", infra, namespace=namespace, db=db, jwks_file=tmp_path / "jwks.json")
    for name, value in env.items():
        if name.startswith("ADVOCACY_"):
            monkeypatch.setenv(name, value)
    good = InProcessService.event("intake.incident.documented.v1", "inc-1", {
        "organisation": "org-amdh", "occurred_on": "2023-05-01", "region": "mopti", "violation_types": ["killing"]})
    asyncio.run(park(infra.kafka_bootstrap, namespace, [good.value(), b"not json"], good))

    code, out, _ = run(capsys, "replay-dlq", "advocacy", "indicators")
    assert (code, out.strip()) == (0, f"{namespace}advocacy.indicators.dlq : 1 rejoué(s), "
                                      "1 de nouveau en lettres mortes, 0 restant(s)")
    assert asyncio.run(facts(infra.mongo_url, db)) == 1
    code, out, _ = run(capsys, "replay-dlq", "advocacy", "indicators")
    assert "0 rejoué(s)" in out and "1 de nouveau" in out  # only the record dead-lettered again comes back
    assert asyncio.run(facts(infra.mongo_url, db)) == 1


async def park(bootstrap: str, namespace: str, values: list[bytes], envelope: Any) -> None:
    """Records as the consumer dead-letters them: the original headers plus why, in `<group>.dlq`."""
    topic = f"{namespace}advocacy.indicators.dlq"
    await ensure_topics(bootstrap, [topic, f"{namespace}intake.incidents"], partitions=1)
    producer = idempotent_producer(bootstrap, client_id="replay-test")
    await producer.start()
    try:
        for offset, value in enumerate(values):
            headers = [*envelope.headers(), ("dlq_original_topic", f"{namespace}intake.incidents".encode()),
                       ("dlq_original_partition", b"0"), ("dlq_original_offset", str(offset).encode()),
                       ("dlq_error_type", b"ConnectionFailure")]
            await producer.send_and_wait(topic, value, key=envelope.key(), headers=headers)
    finally:
        await producer.stop()


async def facts(mongo_url: str, db: str) -> int:
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient = AsyncMongoClient(mongo_url)
    try:
        return await client[db]["g0001_incidents"].count_documents({})
    finally:
        await client.close()
