"""Check the chart without a cluster: helm lint, helm template, Kubernetes API schemas, our policy.

  uv run python deploy/helm/tools/chart_check.py                      # every service, every values file
  uv run python deploy/helm/tools/chart_check.py casework -f mine.yaml  # one service with your values

Each scenario is linted (`helm lint --strict`), rendered (`helm template`), validated against the
API schemas of every Kubernetes version in versions.sh (kubeconform, strict: unknown fields are
errors) and held to chart_policy.py. The tools come from deploy/helm/tools/install.sh.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import chart_policy  # a sibling file, not a package

ROOT = Path(__file__).resolve().parents[3]
HELM_DIR = ROOT / "deploy" / "helm"
CHART = HELM_DIR / "redress-service"
TOOLS_DIR = HELM_DIR / "tools"
SERVICES = ("intake", "casework", "advocacy", "education", "notify")
KEY_USERS = ("casework", "notify")  # the services that ask intake for victims' keys
# The one thing the service values cannot know: the coalition's identity provider.
ISSUER = ("auth.issuer=https://auth.redress.example/realms/redress",
          "auth.jwksUrl=https://auth.redress.example/realms/redress/protocol/openid-connect/certs")


class CheckError(RuntimeError):
    """A tool refused the chart (its message says why)."""


@dataclass(frozen=True)
class Scenario:
    """One way a partner installs the chart: a service and the values files layered on the chart's."""

    name: str
    service: str
    values: tuple[Path, ...]
    sets: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tools:
    """The helm and kubeconform binaries and the generated schemas, all under .cache/helm."""

    helm: Path
    kubeconform: Path
    schemas: Path
    kube_versions: tuple[str, ...]


def scenarios() -> list[Scenario]:
    """Every service alone, and as a partner on the shared broker (with its extra overlays)."""
    examples = HELM_DIR / "examples"
    found = []
    for service in SERVICES:
        base = HELM_DIR / "values" / f"{service}.yaml"
        found.append(Scenario(service, service, (base,), ISSUER))
        partner = [base, examples / "partner-shared-broker.yaml"]
        if service in KEY_USERS:
            partner.append(examples / "partner-key-release-client.yaml")
        if service == "notify":
            partner.append(examples / "partner-notify-providers.yaml")
        found.append(Scenario(f"{service}-partner", service, tuple(partner)))
    # Mutual TLS to the broker and the store with cert-manager's Secrets, on one service (same templates for all).
    casework = (HELM_DIR / "values" / "casework.yaml", examples / "partner-shared-broker.yaml",
                examples / "partner-key-release-client.yaml", examples / "partner-mutual-tls.yaml")
    found.append(Scenario("casework-mutual-tls", "casework", casework))
    return found


def _versions() -> dict[str, str]:
    text = (TOOLS_DIR / "versions.sh").read_text(encoding="utf-8")
    return dict(re.findall(r'^([A-Z_]+)="([^"$]*)"$', text, flags=re.MULTILINE))


def tools(cache: Path = ROOT / ".cache") -> Tools:
    """The installed tools; CheckError naming the install script when one is missing."""
    versions = _versions()
    base = cache / "helm"
    found = Tools(
        helm=base / f"helm-{versions['HELM_VERSION']}" / "helm",
        kubeconform=base / f"kubeconform-{versions['KUBECONFORM_VERSION']}" / "kubeconform",
        schemas=base / "schemas",
        kube_versions=tuple(versions["KUBE_VERSIONS"].split()),
    )
    missing = [str(p) for p in (found.helm, found.kubeconform) if not p.is_file()]
    missing += [f"schemas of Kubernetes {v}" for v in found.kube_versions
                if not (found.schemas / f"v{v}-standalone-strict" / ".complete").is_file()]
    if missing:
        raise CheckError(f"missing {', '.join(missing)}: run deploy/helm/tools/install.sh")
    return found


def ensure_tools() -> Tools:
    """Install what is missing (nothing happens when all is cached), then return the tools."""
    subprocess.run([str(TOOLS_DIR / "install.sh")], check=True)
    return tools()


def _run(command: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, input=stdin, capture_output=True, text=True, timeout=300, check=False)


def _values_args(scenario: Scenario) -> list[str]:
    args = []
    for path in scenario.values:
        args += ["-f", str(path)]
    for assignment in scenario.sets:
        args += ["--set", assignment]
    return args


def render(t: Tools, scenario: Scenario) -> str:
    """The manifests `helm template` renders for this scenario (newest Kubernetes version)."""
    result = _run([str(t.helm), "template", scenario.service, str(CHART), "--namespace", f"redress-{scenario.service}",
                   "--kube-version", t.kube_versions[-1], *_values_args(scenario)])
    if result.returncode:
        raise CheckError(f"helm template {scenario.name}: {result.stderr.strip()}")
    return result.stdout


def lint(t: Tools, scenario: Scenario) -> list[str]:
    """`helm lint --strict` findings (warnings count as failures)."""
    result = _run([str(t.helm), "lint", "--strict", str(CHART), "--kube-version", t.kube_versions[-1],
                   *_values_args(scenario)])
    if result.returncode == 0:
        return []
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "[ERROR]" in line or "[WARNING]" in line]
    return lines or [result.stderr.strip() or result.stdout.strip()]


def validate(t: Tools, manifests: str, kube_version: str) -> list[str]:
    """kubeconform's errors for these manifests against one Kubernetes version's API schemas."""
    location = str(t.schemas) + "/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/" \
        "{{ .ResourceKind }}{{ .KindSuffix }}.json"
    result = _run([str(t.kubeconform), "-strict", "-summary", "-output", "json", "-kubernetes-version", kube_version,
                   "-schema-location", location], stdin=manifests)
    report: dict[str, Any] = json.loads(result.stdout or "{}")
    errors = [f"{r.get('kind')}/{r.get('name')}: {r.get('msg')}" for r in report.get("resources") or []
              if r.get("status") in ("statusInvalid", "statusError")]
    if result.returncode and not errors:
        errors = [result.stderr.strip() or "kubeconform failed"]
    if not report.get("summary", {}).get("valid"):
        errors.append("kubeconform validated no resource")
    return errors


def documents(manifests: str) -> list[dict[str, Any]]:
    """The rendered manifests as dicts."""
    return [doc for doc in yaml.safe_load_all(manifests) if doc]


def check_scenario(t: Tools, scenario: Scenario) -> list[str]:
    """Every problem of one scenario: lint, render, schemas of each Kubernetes version, policy."""
    problems = [f"lint: {line}" for line in lint(t, scenario)]
    try:
        manifests = render(t, scenario)
    except CheckError as exc:
        return [*problems, str(exc)]
    for version in t.kube_versions:
        problems += [f"schema {version}: {error}" for error in validate(t, manifests, version)]
    problems += [f"policy: {violation}" for violation in chart_policy.check(documents(manifests))]
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("service", nargs="?", choices=SERVICES, help="check only this service, with -f files")
    parser.add_argument("-f", "--values", action="append", type=Path, default=[], help="your values file(s)")
    args = parser.parse_args()
    t = ensure_tools()
    if args.service:
        base = HELM_DIR / "values" / f"{args.service}.yaml"
        chosen = [Scenario(args.service, args.service, (base, *args.values))]
    else:
        chosen = scenarios()
    failed = 0
    for scenario in chosen:
        problems = check_scenario(t, scenario)
        print(f"{'FAIL' if problems else 'ok  '} {scenario.name}")
        for problem in problems:
            print(f"     {problem}")
        failed += bool(problems)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
