"""The chart passes helm lint, the Kubernetes API schemas and our policy, for every values file;
and the policy refuses what it must (privileged, latest, inline secrets, ...). No cluster needed."""

from __future__ import annotations

import chart_check
import chart_policy
import pytest
from helm_manifests import render_with

SCENARIOS = chart_check.scenarios()
KUBE_VERSIONS = chart_check._versions()["KUBE_VERSIONS"].split()


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_chart_lints_without_warnings(helm_tools, scenario):
    assert chart_check.lint(helm_tools, scenario) == []


@pytest.mark.parametrize("kube_version", KUBE_VERSIONS)
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_rendered_manifests_match_the_kubernetes_api(helm_tools, rendered_text, rendered, scenario, kube_version):
    assert chart_check.validate(helm_tools, rendered_text[scenario.name], kube_version) == []
    kinds = {doc["kind"] for doc in rendered[scenario.name]}
    assert {"Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"} <= kinds


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.name)
def test_rendered_manifests_hold_to_the_policy(rendered, scenario):
    assert [str(v) for v in chart_policy.check(rendered[scenario.name])] == []


def test_schema_validation_refuses_an_unknown_field(helm_tools, rendered_text):
    broken = rendered_text[SCENARIOS[0].name].replace("readOnlyRootFilesystem: true", "readOnlyRootFilesytem: true", 1)
    errors = chart_check.validate(helm_tools, broken, KUBE_VERSIONS[-1])
    assert errors and "readOnlyRootFilesytem" in errors[0]


def _rules(docs) -> set[str]:
    return {violation.rule for violation in chart_policy.check(docs)}


def test_policy_refuses_a_privileged_container(helm_tools):
    assert "privileged" in _rules(render_with(helm_tools, "intake", "privileged.yaml"))


def test_policy_refuses_the_latest_tag(helm_tools):
    assert "unpinned-image" in _rules(render_with(helm_tools, "education", "latest-tag.yaml"))


def test_policy_refuses_a_secret_written_into_the_values(helm_tools):
    assert "inline-secret" in _rules(render_with(helm_tools, "notify", "inline-secret.yaml"))


def test_policy_refuses_a_writable_root_filesystem(helm_tools):
    assert "writable-root-fs" in _rules(render_with(helm_tools, "casework", "writable-root.yaml"))


def test_policy_refuses_a_container_without_limits(helm_tools):
    assert "resources" in _rules(render_with(helm_tools, "advocacy", "no-limits.yaml"))


def test_policy_holds_sidecars_to_the_same_rules(helm_tools):
    rules = _rules(render_with(helm_tools, "education", "bare-sidecar.yaml"))
    assert {"unpinned-image", "resources", "probes", "writable-root-fs", "capabilities"} <= rules


def test_policy_refuses_an_api_open_to_every_namespace(helm_tools):
    assert "open-network-rule" in _rules(render_with(helm_tools, "intake", "open-ingress.yaml"))


def test_policy_refuses_pods_without_network_policy(helm_tools):
    assert "no-network-policy" in _rules(render_with(helm_tools, "notify", "no-network-policy.yaml"))


def test_policy_refuses_a_secret_carried_in_the_manifests():
    secret = {"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "intake-secrets"}, "data": {"kek": "eA=="}}
    assert _rules([secret]) == {"inline-secret"}


def test_chart_refuses_to_render_without_the_identity_provider(helm_tools):
    scenario = chart_check.Scenario("no-issuer", "education", (chart_check.HELM_DIR / "values" / "education.yaml",))
    with pytest.raises(chart_check.CheckError, match=r"auth\.oidcIssuer \(or auth\.issuer with its keys\) is required"):
        chart_check.render(helm_tools, scenario)


def test_chart_refuses_a_store_password_in_the_url(helm_tools):
    with pytest.raises(chart_check.CheckError, match=r"mongo\.urlSecret"):
        render_with(helm_tools, "education", sets=("mongo.url=mongodb://redress:hunter2@db:27017/",))


def test_chart_refuses_sasl_without_a_password_secret(helm_tools):
    with pytest.raises(chart_check.CheckError, match=r"kafka\.sasl\.passwordSecret\.name is required"):
        render_with(helm_tools, "casework", sets=("kafka.securityProtocol=SASL_SSL",))
