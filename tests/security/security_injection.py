"""MongoDB operator-injection payloads for bodies, query strings and path ids.

Keys are what MongoDB would read as operators or paths (`$gt`, `$where`, `a.b`); values are strings
that a careless handler might parse into an operator document. Each payload is named for reports.
"""

from __future__ import annotations

from typing import Any

OPERATOR_DOCUMENTS: dict[str, Any] = {
    "gt_empty": {"$gt": ""},
    "ne_null": {"$ne": None},
    "where_js": {"$where": "sleep(100) || true"},
    "regex_any": {"$regex": ".*"},
    "expr": {"$expr": {"$eq": [1, 1]}},
}


def body_payloads(field: str | None) -> dict[str, Any]:
    """JSON bodies with operator or dotted keys: at the top, under a real field, inside an array."""
    payloads: dict[str, Any] = {
        "top_level_gt": {"$gt": ""},
        "top_level_where": {"$where": "this.organisation != ''"},
        "dotted_key": {"consent.legal_support": True},
        "dotted_nested": {"meta": {"a.b": 1}},
        "operator_in_array": {"items": [{"$ne": None}]},
        "set_update_operator": {"$set": {"organisation": "org-attacker"}},
        "nul_in_key": {"ab\u0000c": 1},
    }
    if field:
        payloads.update({f"{field}_as_{name}": {field: document} for name, document in OPERATOR_DOCUMENTS.items()})
        payloads[f"{field}_dotted"] = {f"{field}.x": "y"}
    return payloads


QUERY_NAMES = ("$where", "$gt", "filter.$ne", "a.b", "$or")
# Values that a handler might json.loads() or hand to a regex: each must match nothing (or be refused).
QUERY_VALUES = ('{"$gt": ""}', '{"$ne": null}', '{"$regex": ".*"}', '{"$where": "1"}', ".*", "[$ne]")
PATH_VALUES = ('{"$gt":""}', "$where", "a.b", '{"$ne":null}')


def first_property(document: dict[str, Any], operation: dict[str, Any]) -> str | None:
    """The first property of an operation's JSON body schema (to hide an operator under a real field)."""
    schema = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema", {})
    while "$ref" in schema:
        schema = _resolve(document, schema["$ref"])
    for combinator in ("allOf", "anyOf", "oneOf"):
        if combinator in schema and not schema.get("properties"):
            for option in schema[combinator]:
                if "$ref" in option:
                    option = _resolve(document, option["$ref"])
                if option.get("properties"):
                    schema = option
                    break
    properties = schema.get("properties") or {}
    return next(iter(properties), None)


def string_query_parameters(document: dict[str, Any], operation: dict[str, Any]) -> list[str]:
    """Query parameters whose schema admits a free string (where an operator string could slip in)."""
    names = []
    for parameter in operation.get("parameters", []):
        if parameter["in"] != "query":
            continue
        schema = parameter.get("schema", {})
        options = schema.get("anyOf", [schema])
        if any(option.get("type") == "string" and "enum" not in option and "format" not in option
               for option in options):
            names.append(parameter["name"])
    return names


def _resolve(document: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = document
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node  # type: ignore[no-any-return]
