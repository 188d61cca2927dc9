"""`/metrics` of a real API and real workers move with a real flow (intake API and worker, advocacy worker)."""

from __future__ import annotations

import base64
import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.testing import REPO_ROOT, ServiceProcess, eventually_sync, free_port, service_env, unique_name

pytestmark = pytest.mark.integration
Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def scrape(url: str) -> Samples:
    """Every sample of a `/metrics` page, keyed by name and labels."""
    response = httpx.get(f"{url}/metrics", timeout=10)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(response.text) for s in family.samples}


def value(samples: Samples, name: str, **labels: str) -> float:
    """Sum of the samples named `name` whose labels include `labels`."""
    wanted = set(labels.items())
    return sum(v for (n, lab), v in samples.items() if n == name and wanted <= lab)


class Flow:
    def __init__(self, tmp: Path) -> None:
        self.namespace = unique_name("m").replace("_", "") + "."
        self.private_key, self.jwks = ensure_dev_keypair(tmp / "keys")
        self.api_port, self.intake_metrics, self.advocacy_metrics = free_port(), free_port(), free_port()
        self.processes: list[ServiceProcess] = []

    def start(self, infra: object, service: str, kind: str, extra: dict[str, str]) -> ServiceProcess:
        env = service_env(service, infra, namespace=self.namespace, db=f"{self.namespace[:-1]}_{service}",
                          jwks_file=self.jwks, port=self.api_port if kind == "api" else None, extra=extra)
        process = ServiceProcess(service, kind, env, REPO_ROOT / ".cache" / "logs" / "system" /
                                 self.namespace.rstrip(".") / f"{service}-{kind}.log",
                                 port=self.api_port if kind == "api" else None)
        self.processes.append(process)
        process.start()
        return process


@pytest.fixture(scope="module")
def flow(infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flow]:
    flow = Flow(tmp_path_factory.mktemp("metrics"))
    kek = {"INTAKE_KEK_SOURCE": "base64:" + base64.b64encode(os.urandom(32)).decode()}
    try:
        api = flow.start(infra, "intake", "api", kek)
        flow.start(infra, "intake", "worker", {**kek, "INTAKE_METRICS_PORT": str(flow.intake_metrics)})
        flow.start(infra, "advocacy", "worker", {"ADVOCACY_METRICS_PORT": str(flow.advocacy_metrics)})
        api.wait_healthy(timeout=120)
        for port in (flow.intake_metrics, flow.advocacy_metrics):
            eventually_sync(lambda port=port: _answers(f"http://127.0.0.1:{port}/healthz"), timeout=120)
        yield flow
    finally:
        for process in flow.processes:
            process.stop()


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def test_api_and_workers_metrics_move_with_an_incident(flow: Flow):
    api, intake_worker = f"http://127.0.0.1:{flow.api_port}", f"http://127.0.0.1:{flow.intake_metrics}"
    advocacy_worker = f"http://127.0.0.1:{flow.advocacy_metrics}"
    topic, group = flow.namespace + "intake.incidents", flow.namespace + "advocacy.indicators"
    token = mint_token(flow.private_key, subject="monitor-1", roles=["monitor"], org="org-amdh")
    before_api, before_relay = scrape(api), scrape(intake_worker)

    response = httpx.post(f"{api}/incidents", headers={"Authorization": f"Bearer {token}"}, timeout=30,
                          json={"occurred_on": "2024-03-02", "region": "mopti", "violation_types": ["killings"]})
    assert response.status_code == 201, response.text
    incident_id = response.json()["id"]
    assert httpx.get(f"{api}/incidents/{incident_id}", headers={"Authorization": f"Bearer {token}"},
                     timeout=30).status_code == 200

    after_api = scrape(api)
    created = ("redress_http_requests_total", {"method": "POST", "route": "/incidents", "status": "201"})
    assert value(after_api, created[0], **created[1]) == value(before_api, created[0], **created[1]) + 1
    assert value(after_api, "redress_http_request_duration_seconds_count", method="GET",
                 route="/incidents/{incident_id}") >= 1
    assert incident_id not in "".join(str(labels) for _, labels in after_api), "an id reached a label"

    eventually_sync(lambda: value(scrape(intake_worker), "redress_relay_published_events_total", topic=topic)
               > value(before_relay, "redress_relay_published_events_total", topic=topic))
    relay = scrape(intake_worker)
    assert value(relay, "redress_relay_publish_duration_seconds_count") >= 1
    assert value(relay, "redress_relay_event_delay_seconds_count") >= 1
    eventually_sync(lambda: value(scrape(intake_worker), "redress_outbox_pending_events") == 0)

    eventually_sync(lambda: value(scrape(advocacy_worker), "redress_consumer_records_total",
                                  group=group, topic=topic) >= 1)
    eventually_sync(lambda: any(n == "redress_consumer_lag_records" and ("group", group) in lab
                                for n, lab in scrape(advocacy_worker)))
    eventually_sync(lambda: value(scrape(advocacy_worker), "redress_consumer_lag_records",
                                  group=group, topic=topic) == 0)
    # The API reads the same broker and store: an operator without access to workers sees the pipeline too.
    assert any(n == "redress_outbox_pending_events" for n, _ in scrape(api))


def test_worker_metrics_port_answers_404_elsewhere(flow: Flow):
    response = httpx.get(f"http://127.0.0.1:{flow.intake_metrics}/anything", timeout=10)
    assert response.status_code == 404
