"""Reading rendered manifests in the chart tests: a resource, its container, its env and mounts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import chart_check

Doc = dict[str, Any]
NEGATIVE = Path(__file__).resolve().parent / "values"


def find(docs: list[Doc], kind: str, name: str) -> Doc:
    """The one resource of this kind and name."""
    matches = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(matches) == 1, f"expected one {kind}/{name}, found {len(matches)}"
    return matches[0]


def pod(docs: list[Doc], service: str, component: str) -> Doc:
    """The pod spec of a service's API or worker Deployment."""
    return find(docs, "Deployment", f"{service}-{component}")["spec"]["template"]["spec"]


def container(docs: list[Doc], service: str, component: str) -> Doc:
    """The service's own container in that pod."""
    return pod(docs, service, component)["containers"][0]


def env(container_doc: Doc) -> dict[str, Any]:
    """Name -> literal value, or the valueFrom reference."""
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container_doc.get("env", [])}


def secret_file(docs: list[Doc], service: str, component: str, path: str) -> tuple[str, str]:
    """(Secret name, key) of the file at this path in the container, or an assertion error."""
    spec = pod(docs, service, component)
    volumes = {v["name"]: v for v in spec["volumes"]}
    for mount in spec["containers"][0]["volumeMounts"]:
        prefix = mount["mountPath"] + "/"
        if path.startswith(prefix):
            secret = volumes[mount["name"]]["secret"]
            item = next(i for i in secret["items"] if i["path"] == path.removeprefix(prefix))
            return secret["secretName"], item["key"]
    raise AssertionError(f"{path} is not mounted from a Secret")


def render_with(tools: chart_check.Tools, service: str, *files: str, sets: tuple[str, ...] = ()) -> list[Doc]:
    """A service's base values plus extra values files (from tests/helm/values) and --set pairs."""
    base = chart_check.HELM_DIR / "values" / f"{service}.yaml"
    scenario = chart_check.Scenario(f"{service}-custom", service, (base, *(NEGATIVE / f for f in files)),
                                    (*chart_check.ISSUER, *sets))
    return chart_check.documents(chart_check.render(tools, scenario))
