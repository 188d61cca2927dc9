"""Our policy for rendered Kubernetes manifests: what a pod handling victims' data may never do.

`check(documents)` returns the violations of a list of parsed manifests (dicts). Rules, by id:
privileged, privilege-escalation, run-as-root, writable-root-fs, capabilities, host-namespace,
host-path, service-account-token, unpinned-image, resources, probes, inline-secret,
open-network-rule, no-network-policy. Standard library only, so a partner can run it anywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

Doc = dict[str, Any]

# Names of settings that hold a secret (or a file holding one): they must come from a Secret.
SECRET_NAME = re.compile(r"(SECRET|PASSWORD|TOKEN|KEY|HEADERS|CREDENTIALS?)(_SOURCES?|_FILE)?$|KEK")
USERINFO_PASSWORD = re.compile(r"^[a-z][a-z0-9+.-]*://[^/@\s:]+:[^/@\s]+@", re.IGNORECASE)
INLINE_KEY = re.compile(r"^base64:", re.IGNORECASE)
RESOURCE_KEYS = (("requests", "cpu"), ("requests", "memory"), ("limits", "cpu"), ("limits", "memory"))


@dataclass(frozen=True)
class Violation:
    """One broken rule in one manifest (and container, when the rule is about a container)."""

    rule: str
    resource: str
    detail: str

    def __str__(self) -> str:
        return f"[{self.rule}] {self.resource}: {self.detail}"


def check(documents: list[Doc]) -> list[Violation]:
    """Every violation of every rule in these manifests."""
    found: list[Violation] = []
    policies = [d for d in documents if d.get("kind") == "NetworkPolicy"]
    for doc in documents:
        name = f"{doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        if doc.get("kind") == "Secret" and (doc.get("data") or doc.get("stringData")):
            found.append(Violation("inline-secret", name, "the chart must reference Secrets, never carry one"))
        if doc.get("kind") == "NetworkPolicy":
            found += _open_rules(doc, name)
        template = _pod_template(doc)
        if template is not None:
            found += _pod_violations(doc, template, name)
            if not _isolated(template, doc.get("metadata", {}).get("namespace"), policies):
                found.append(Violation("no-network-policy", name,
                                       "no NetworkPolicy selects these pods for both Ingress and Egress"))
    return found


def _pod_template(doc: Doc) -> Doc | None:
    kind = doc.get("kind")
    spec = doc.get("spec", {})
    if kind == "Pod":
        return {"metadata": doc.get("metadata", {}), "spec": spec}
    if kind == "CronJob":
        return spec.get("jobTemplate", {}).get("spec", {}).get("template")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"):
        return spec.get("template")
    return None


def _containers(spec: Doc) -> Iterator[tuple[Doc, bool]]:
    """Every container with whether it runs for the pod's lifetime (init containers do not)."""
    for container in spec.get("containers", []):
        yield container, True
    for container in spec.get("initContainers", []):
        yield container, container.get("restartPolicy") == "Always"  # native sidecars do


def _pod_violations(doc: Doc, template: Doc, name: str) -> list[Violation]:
    spec = template.get("spec", {})
    found: list[Violation] = []
    for flag in ("hostNetwork", "hostPID", "hostIPC"):
        if spec.get(flag):
            found.append(Violation("host-namespace", name, f"{flag} is true"))
    if spec.get("automountServiceAccountToken") is not False:
        found.append(Violation("service-account-token", name, "automountServiceAccountToken must be false"))
    volumes = {v["name"]: v for v in spec.get("volumes", [])}
    for volume in volumes.values():
        if "hostPath" in volume:
            found.append(Violation("host-path", name, f"volume {volume['name']} mounts the node's filesystem"))
    long_running = doc.get("kind") in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet")
    for container, lifetime in _containers(spec):
        where = f"{name} container {container.get('name')}"
        found += _security(container, spec.get("securityContext", {}), where)
        found += _image(container, where)
        found += _resources(container, where)
        found += _secrets(container, volumes, where)
        if long_running and lifetime:
            found += _probes(container, where)
    return found


def _security(container: Doc, pod: Doc, where: str) -> list[Violation]:
    ctx = container.get("securityContext", {})
    found = []
    if ctx.get("privileged"):
        found.append(Violation("privileged", where, "privileged: true"))
    if ctx.get("allowPrivilegeEscalation") is not False:
        found.append(Violation("privilege-escalation", where, "allowPrivilegeEscalation must be false"))
    non_root = ctx.get("runAsNonRoot", pod.get("runAsNonRoot"))
    user = ctx.get("runAsUser", pod.get("runAsUser"))
    if non_root is not True or user == 0:
        found.append(Violation("run-as-root", where, "runAsNonRoot must be true and runAsUser not 0"))
    if ctx.get("readOnlyRootFilesystem") is not True:
        found.append(Violation("writable-root-fs", where, "readOnlyRootFilesystem must be true"))
    caps = ctx.get("capabilities", {})
    if "ALL" not in caps.get("drop", []) or caps.get("add"):
        found.append(Violation("capabilities", where, "capabilities must drop ALL and add none"))
    return found


def _image(container: Doc, where: str) -> list[Violation]:
    image = str(container.get("image", ""))
    if "@sha256:" in image:
        return []
    last = image.rsplit("/", 1)[-1]
    tag = last.split(":", 1)[1] if ":" in last else ""
    if not tag or tag == "latest":
        return [Violation("unpinned-image", where, f"image {image!r} must be pinned by a version tag or digest")]
    return []


def _resources(container: Doc, where: str) -> list[Violation]:
    resources = container.get("resources", {})
    missing = [f"{kind}.{res}" for kind, res in RESOURCE_KEYS if not resources.get(kind, {}).get(res)]
    return [Violation("resources", where, "missing " + ", ".join(missing))] if missing else []


def _probes(container: Doc, where: str) -> list[Violation]:
    missing = ["readinessProbe"] if "readinessProbe" not in container else []
    if container.get("ports") and "livenessProbe" not in container:
        missing.append("livenessProbe (it listens on a port)")
    return [Violation("probes", where, "missing " + ", ".join(missing))] if missing else []


def _secrets(container: Doc, volumes: dict[str, Doc], where: str) -> list[Violation]:
    mounts = {m["mountPath"].rstrip("/"): volumes.get(m["name"], {}) for m in container.get("volumeMounts", [])}
    found = []
    for env in container.get("env", []):
        value, name = env.get("value"), env.get("name", "")
        if value is None:
            ref = env.get("valueFrom", {})
            if SECRET_NAME.search(name) and "secretKeyRef" not in ref:
                found.append(Violation("inline-secret", where, f"{name} must come from a Secret"))
            continue
        value = str(value)
        if USERINFO_PASSWORD.match(value) or INLINE_KEY.match(value):
            found.append(Violation("inline-secret", where, f"{name} carries a credential or key inline"))
        elif SECRET_NAME.search(name) and not _secret_files(name, value, mounts):
            found.append(Violation("inline-secret", where,
                                   f"{name} must come from a Secret (by reference, or a file mounted from one)"))
    return found


def _secret_files(name: str, value: str, mounts: dict[str, Doc]) -> bool:
    """Whether the value only names files that are mounted from Secrets."""
    if value.startswith("["):
        try:
            sources = json.loads(value)
        except ValueError:
            return False
        paths = [s.removeprefix("file:") for s in sources if isinstance(s, str) and s.startswith("file:")]
        if len(paths) != len(sources):
            return False
    elif value.startswith("file:"):
        paths = [value.removeprefix("file:")]
    elif name.endswith("_FILE"):
        paths = [value]
    else:
        return False
    return all(_from_secret(path, mounts) for path in paths)


def _from_secret(path: str, mounts: dict[str, Doc]) -> bool:
    for mount_path, volume in mounts.items():
        if path.startswith(mount_path + "/"):
            sources = volume.get("projected", {}).get("sources", [])
            return "secret" in volume or (bool(sources) and all("secret" in s for s in sources))
    return False


def _open_rules(doc: Doc, name: str) -> list[Violation]:
    spec = doc.get("spec", {})
    found = []
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        for index, rule in enumerate(spec.get(direction) or []):
            where = f"{direction}[{index}]"
            if not rule.get(peers):
                found.append(Violation("open-network-rule", name, f"{where} has no '{peers}': it allows every peer"))
            found += [Violation("open-network-rule", name, f"{where} {reason}")
                      for reason in map(_open_peer, rule.get(peers) or []) if reason]
    return found


def _open_peer(peer: Doc) -> str | None:
    """Why a peer means 'everyone' (any pod of any namespace, or the whole internet), if it does."""
    if peer.get("namespaceSelector") == {} and not peer.get("podSelector"):
        return "allows every pod of every namespace"
    if peer.get("ipBlock", {}).get("cidr") in ("0.0.0.0/0", "::/0"):
        return "allows every address"
    return None


def _isolated(template: Doc, namespace: str | None, policies: list[Doc]) -> bool:
    labels = template.get("metadata", {}).get("labels", {})
    types: set[str] = set()
    for policy in policies:
        if policy.get("metadata", {}).get("namespace") != namespace:
            continue
        selector = policy.get("spec", {}).get("podSelector", {})
        if selector.get("matchExpressions"):
            continue  # not needed by our charts; treat as not matching rather than guess
        if all(labels.get(k) == v for k, v in selector.get("matchLabels", {}).items()):
            types |= set(policy["spec"].get("policyTypes", []))
    return {"Ingress", "Egress"} <= types
