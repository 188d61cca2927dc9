"""What the chart deploys for each service: two Deployments, probes, autoscaling, budgets, network
policies, secrets by reference, TLS for a partner on the shared broker, metrics and traces."""

from __future__ import annotations

import chart_check
import pytest
from helm_manifests import container, env, find, pod, render_with, secret_file

SERVICES = chart_check.SERVICES
PORTS = {"intake": 8001, "casework": 8002, "advocacy": 8003, "education": 8004, "notify": 8005}


@pytest.mark.parametrize("service", SERVICES)
def test_api_and_worker_are_separate_deployments_of_the_same_pinned_image(rendered, service):
    docs = rendered[service]
    api, worker = container(docs, service, "api"), container(docs, service, "worker")
    assert api["command"] == ["python", "-m", f"{service}.entrypoints.api"]
    assert worker["command"] == ["python", "-m", f"{service}.entrypoints.worker"]
    assert api["image"] == worker["image"] == f"redress/{service}:0.1.0"


def test_a_digest_pins_the_image_by_content(helm_tools):
    digest = "sha256:" + "ab" * 32
    docs = render_with(helm_tools, "education", sets=(f"image.digest={digest}",))
    assert container(docs, "education", "api")["image"] == f"redress/education@{digest}"


@pytest.mark.parametrize("service", SERVICES)
def test_api_is_probed_on_healthz_and_readyz(rendered, service):
    api = container(rendered[service], service, "api")
    assert api["ports"] == [{"name": "http", "containerPort": PORTS[service], "protocol": "TCP"}]
    assert api["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert api["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert api["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert env(api)[f"{service.upper()}_HTTP_HOST"] == "0.0.0.0"


@pytest.mark.parametrize("service", SERVICES)
def test_worker_readiness_runs_the_probe_shipped_in_the_chart(rendered, service):
    docs = rendered[service]
    worker = container(docs, service, "worker")
    assert worker["readinessProbe"]["exec"]["command"] == ["python", "/etc/redress/probe/worker_ready.py", service]
    probe = find(docs, "ConfigMap", f"{service}-probe")["data"]["worker_ready.py"]
    assert probe == (chart_check.CHART / "files" / "worker_ready.py").read_text(encoding="utf-8")
    mounts = {m["mountPath"]: m["name"] for m in worker["volumeMounts"]}
    assert mounts["/etc/redress/probe"] == "probe"


@pytest.mark.parametrize("service", SERVICES)
def test_api_autoscales_on_cpu_from_two_replicas(rendered, service):
    docs = rendered[service]
    hpa = find(docs, "HorizontalPodAutoscaler", f"{service}-api")["spec"]
    assert hpa["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": f"{service}-api"}
    assert hpa["minReplicas"] >= 2 and hpa["metrics"][0]["resource"]["name"] == "cpu"
    assert "replicas" not in find(docs, "Deployment", f"{service}-api")["spec"], "the autoscaler owns the count"


@pytest.mark.parametrize("service", SERVICES)
def test_disruption_budgets_cover_the_api_and_the_worker(rendered, service):
    for component in ("api", "worker"):
        budget = find(rendered[service], "PodDisruptionBudget", f"{service}-{component}")["spec"]
        labels = find(rendered[service], "Deployment", f"{service}-{component}")["spec"]["selector"]["matchLabels"]
        assert budget["selector"]["matchLabels"] == labels and budget["maxUnavailable"] == 1


@pytest.mark.parametrize("service", SERVICES)
def test_containers_run_as_the_image_user_with_a_read_only_root_and_a_tmp_scratch(rendered, service):
    for component in ("api", "worker"):
        spec = pod(rendered[service], service, component)
        assert spec["securityContext"]["runAsUser"] == 10001 and spec["automountServiceAccountToken"] is False
        assert spec["containers"][0]["securityContext"]["readOnlyRootFilesystem"] is True
        tmp = next(v for v in spec["volumes"] if v["name"] == "tmp")
        assert "emptyDir" in tmp and tmp["emptyDir"]["sizeLimit"]
        assert {"name": "tmp", "mountPath": "/tmp"} in spec["containers"][0]["volumeMounts"]


def _ingress_peers(docs, service):
    rules = find(docs, "NetworkPolicy", f"{service}-api")["spec"]["ingress"]
    return [peer for rule in rules for peer in rule["from"]]


def _namespaces(peers):
    return {p.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name") for p in peers}


@pytest.mark.parametrize("service", ["casework", "advocacy", "education", "notify"])
def test_api_is_reachable_from_the_ingress_controller_and_the_scraper_only(rendered, service):
    # Prometheus (namespace monitoring) scrapes /metrics on the API port; nobody else comes in.
    assert _namespaces(_ingress_peers(rendered[service], service)) == {"ingress-nginx", "monitoring"}
    worker_rules = find(rendered[service], "NetworkPolicy", f"{service}-worker")["spec"]["ingress"]
    assert [rule["ports"] for rule in worker_rules] == [[{"port": "metrics", "protocol": "TCP"}]]


def test_without_metrics_nothing_reaches_the_worker(helm_tools):
    docs = render_with(helm_tools, "casework", sets=("metrics.enabled=false",))
    assert _namespaces(_ingress_peers(docs, "casework")) == {"ingress-nginx"}
    assert find(docs, "NetworkPolicy", "casework-worker")["spec"]["ingress"] == []


def test_intake_key_release_is_reachable_by_casework_and_notify_pods(rendered):
    peers = _ingress_peers(rendered["intake"], "intake")
    assert _namespaces(peers) == {"ingress-nginx", "monitoring", "redress-casework", "redress-notify"}
    callers = {p["podSelector"]["matchLabels"]["app.kubernetes.io/name"] for p in peers if "podSelector" in p}
    assert callers == {"casework", "notify"}


def _egress_namespaces(docs, service, component):
    rules = find(docs, "NetworkPolicy", f"{service}-{component}")["spec"]["egress"]
    return _namespaces(peer for rule in rules for peer in rule["to"])


@pytest.mark.parametrize("service", SERVICES)
def test_egress_goes_to_dns_kafka_the_store_and_the_identity_provider(rendered, service):
    expected = {"kube-system", "kafka", "mongodb", "identity"}
    if service in ("casework", "notify"):
        expected.add("redress-intake")
    for component in ("api", "worker"):
        assert _egress_namespaces(rendered[service], service, component) == expected


def test_only_notify_worker_reaches_the_sms_and_email_providers(rendered):
    docs = rendered["notify-partner"]
    cidrs = {}
    for component in ("api", "worker"):
        rules = find(docs, "NetworkPolicy", f"notify-{component}")["spec"]["egress"]
        cidrs[component] = {p["ipBlock"]["cidr"] for rule in rules for p in rule["to"] if "ipBlock" in p}
    assert {"192.0.2.64/27", "198.51.100.64/28"} <= cidrs["worker"]
    assert not {"192.0.2.64/27", "198.51.100.64/28"} & cidrs["api"]


def test_intake_kek_is_a_file_from_a_secret(rendered):
    kek = env(container(rendered["intake"], "intake", "api"))["INTAKE_KEK_SOURCE"]
    assert kek.startswith("file:")
    assert secret_file(rendered["intake"], "intake", "api", kek.removeprefix("file:")) == ("intake-secrets", "kek")


def test_casework_notes_key_is_a_file_from_a_secret(rendered):
    key = env(container(rendered["casework"], "casework", "worker"))["CASEWORK_NOTES_KEY_SOURCE"]
    assert secret_file(rendered["casework"], "casework", "worker", key.removeprefix("file:")) == (
        "casework-secrets", "notes-key")


def test_notify_provider_credentials_come_from_its_secret(rendered):
    variables = env(container(rendered["notify-partner"], "notify", "worker"))
    for name in ("SMS_PRIMARY_SECRET", "SMS_FAILOVER_SECRET", "SMTP_PASSWORD", "CALLBACK_TOKEN", "PHONE_INDEX_KEY"):
        assert variables[f"NOTIFY_{name}"]["secretKeyRef"]["name"] == "notify-secrets"


def test_a_rotation_mounts_the_new_and_the_retired_kek_under_their_own_names(helm_tools):
    docs = render_with(helm_tools, "intake", sets=("secretFiles.KEK_SOURCE.key=kek-2026-12",
                                                   "secretFiles.KEK_PREVIOUS_SOURCES.keys={kek}"))
    variables = env(container(docs, "intake", "api"))
    current = variables["INTAKE_KEK_SOURCE"].removeprefix("file:")
    previous = "/var/run/secrets/redress/sf-kek-previous-sources/kek"
    assert variables["INTAKE_KEK_PREVIOUS_SOURCES"] == f'["file:{previous}"]'
    assert secret_file(docs, "intake", "api", current) == ("intake-secrets", "kek-2026-12")
    assert secret_file(docs, "intake", "api", previous) == ("intake-secrets", "kek")
    # A KEK file without an `id:` line is known by its file name: the two must differ.
    assert current.rsplit("/", 1)[1] != previous.rsplit("/", 1)[1]


@pytest.mark.parametrize("service", SERVICES)
def test_a_partner_joins_the_shared_broker_as_its_own_principal_over_tls(rendered, service):
    docs, prefix = rendered[f"{service}-partner"], service.upper()
    variables = env(container(docs, service, "worker"))
    assert variables[f"{prefix}_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert variables[f"{prefix}_KAFKA_SASL_USERNAME"] == service
    assert variables[f"{prefix}_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    password = variables[f"{prefix}_KAFKA_SASL_PASSWORD_FILE"]
    assert secret_file(docs, service, "worker", password) == ("redress-kafka-scram", "password")
    assert secret_file(docs, service, "worker", variables[f"{prefix}_KAFKA_SSL_CA_FILE"]) == ("redress-kafka-tls",
                                                                                            "ca.crt")
    assert secret_file(docs, service, "worker", variables[f"{prefix}_MONGO_TLS_CA_FILE"])[0] == "redress-mongo-tls"
    assert secret_file(docs, service, "worker", variables[f"{prefix}_MONGO_TLS_CERT_KEY_FILE"]) == (
        "redress-mongo-tls", "tls-combined.pem")
    assert variables[f"{prefix}_MONGO_URL"]["secretKeyRef"] == {"name": "redress-mongo", "key": "url"}


SASL_SSL = ("kafka.securityProtocol=SASL_SSL", "kafka.sasl.passwordSecret.name=education-kafka")


def test_broker_certificates_without_sasl_ssl_are_refused_at_render(helm_tools):
    with pytest.raises(chart_check.CheckError, match="SASL_SSL only"):
        render_with(helm_tools, "education", sets=("kafka.tls.secretName=education-kafka-tls",))


def test_mutual_tls_to_the_broker_mounts_the_client_certificate(helm_tools):
    docs = render_with(helm_tools, "education", sets=(*SASL_SSL, "kafka.tls.secretName=education-kafka-tls",
                                                      "kafka.tls.certKey=tls.crt", "kafka.tls.keyKey=tls.key"))
    variables = env(container(docs, "education", "api"))
    assert secret_file(docs, "education", "api", variables["EDUCATION_KAFKA_SSL_CERT_FILE"]) == (
        "education-kafka-tls", "tls.crt")
    assert secret_file(docs, "education", "api", variables["EDUCATION_KAFKA_SSL_KEY_FILE"]) == (
        "education-kafka-tls", "tls.key")


@pytest.mark.parametrize("service", SERVICES)
def test_traces_go_to_the_collector_with_headers_from_a_secret(rendered, service):
    docs = rendered[f"{service}-partner"]
    variables = env(container(docs, service, "api"))
    assert variables["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector.monitoring.svc.cluster.local:4318"
    assert variables["OTEL_EXPORTER_OTLP_HEADERS"]["secretKeyRef"] == {"name": "redress-otlp", "key": "headers"}
    assert variables["OTEL_TRACES_SAMPLER"] == "parentbased_traceidratio"
    assert variables["OTEL_TRACES_SAMPLER_ARG"] == "0.1"
    assert "OTEL_EXPORTER_OTLP_ENDPOINT" not in env(container(rendered[service], service, "api"))


def test_metrics_are_scraped_on_the_api_port_and_the_worker_metrics_port(helm_tools):
    docs = render_with(helm_tools, "notify", sets=())
    worker = container(docs, "notify", "worker")
    assert worker["ports"] == [{"name": "metrics", "containerPort": 9464, "protocol": "TCP"}]
    assert worker["livenessProbe"]["httpGet"] == {"path": "/metrics", "port": "metrics"}
    assert env(worker)["NOTIFY_METRICS_PORT"] == "9464"
    api_annotations = find(docs, "Deployment", "notify-api")["spec"]["template"]["metadata"]["annotations"]
    assert api_annotations["prometheus.io/port"] == "8005" and api_annotations["prometheus.io/path"] == "/metrics"
    worker_rules = find(docs, "NetworkPolicy", "notify-worker")["spec"]["ingress"]
    assert worker_rules == [{"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name":
                                                                             "monitoring"}}}],
                             "ports": [{"port": "metrics", "protocol": "TCP"}]}]
