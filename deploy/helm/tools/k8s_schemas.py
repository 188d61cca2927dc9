"""Kubernetes API JSON schemas for kubeconform, generated offline from the OpenAPI document.

`python3 k8s_schemas.py <swagger.json> <out-dir>` writes one standalone, strict schema per kind in
kubeconform's layout (`<kind>-<group>-<version>.json`, e.g. `deployment-apps-v1.json`). The input is
`api/openapi-spec/swagger.json` of the `k8s.io/kubernetes` Go module, so the schemas are exactly the
API of that release. As kubectl's own validation does, unknown fields are refused (strict),
int-or-string fields take either, and quantities take strings or numbers. Standard library only.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REF_PREFIX = "#/definitions/"
QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity"
DROPPED_KEYS = {"description", "x-kubernetes-group-version-kind"}


def expand(node: Any, definitions: dict[str, Any], stack: tuple[str, ...] = ()) -> Any:
    """Inline every $ref (a recursive type, only in CRD schemas, becomes 'anything' at its cycle)."""
    if isinstance(node, list):
        return [expand(item, definitions, stack) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        name = node["$ref"].removeprefix(REF_PREFIX)
        if name == QUANTITY:
            return {"oneOf": [{"type": "string"}, {"type": "number"}]}
        if name in stack:
            return {}
        return expand(definitions[name], definitions, (*stack, name))
    if node.get("format") == "int-or-string":
        return {"oneOf": [{"type": "string"}, {"type": "integer"}]}
    out = {key: expand(value, definitions, stack) for key, value in node.items() if key not in DROPPED_KEYS}
    if "properties" in node and "additionalProperties" not in node:
        out["additionalProperties"] = False
    return out


def file_name(gvk: dict[str, str]) -> str:
    """kubeconform's naming: kind, first label of the group (none for core), version; lower case."""
    group = gvk["group"].split(".")[0]
    parts = [gvk["kind"], *([group] if group else []), gvk["version"]]
    return "-".join(parts).lower() + ".json"


def generate(swagger: Path, out: Path) -> int:
    """Write one schema per kind that has a single group-version-kind; return how many."""
    definitions = json.loads(swagger.read_text(encoding="utf-8"))["definitions"]
    out.mkdir(parents=True, exist_ok=True)
    written = 0
    for name, definition in definitions.items():
        kinds = definition.get("x-kubernetes-group-version-kind", [])
        if len(kinds) != 1:  # list/option types shared by many groups are never manifests
            continue
        schema = expand(definition, definitions, (name,))
        (out / file_name(kinds[0])).write_text(json.dumps(schema, separators=(",", ":")), encoding="utf-8")
        written += 1
    return written


def main() -> None:
    swagger, out = Path(sys.argv[1]), Path(sys.argv[2])
    count = generate(swagger, out)
    print(f"{count} schemas written to {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
