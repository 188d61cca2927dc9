"""What the generated contracts say beyond the models: the real error shape, open event schemas, Kafka details.

- OpenAPI: every 4xx answer is `application/problem+json` with `errors: [{field, reason, code}]` (what
  `problems.py` really sends), and every operation taking input documents the input guard's refusals.
- Event schemas: producers forbid unknown fields in code, but the published schemas leave them open,
  so a consumer validating with them keeps working the day an optional field is added.
- AsyncAPI 3: servers, Kafka bindings (topic, partitions, key = aggregate id) and CloudEvents headers.
"""

from __future__ import annotations

import copy
from typing import Any

from .settings import BaseServiceSettings

PROBLEM_JSON = "application/problem+json"
PROBLEM_REF = "#/components/schemas/Problem"
KAFKA_BINDING_VERSION = "0.5.0"
REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 409: "Conflict",
           410: "Gone", 413: "Content Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Content",
           429: "Too Many Requests"}
PROBLEM_SCHEMA: dict[str, Any] = {
    "title": "Problem",
    "type": "object",
    "description": "RFC 9457 problem, written in the caller's language (Accept-Language: fr by default, or en)",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string", "example": "about:blank"},
        "title": {"type": "string", "example": "Données invalides"},
        "status": {"type": "integer", "example": 422},
        "detail": {"type": "string", "example": "Code inconnu de la liste « regions » : voir les codes acceptés."},
        "code": {"type": "string", "description": "Stable, machine-readable reason", "example": "unknown_term"},
        "errors": {"type": "array", "description": "One entry per refused field", "items": {
            "type": "object", "required": ["field", "reason"],
            "properties": {"field": {"type": "string", "example": "region"},
                           "reason": {"type": "string", "description": "Why, in the caller's language"},
                           "code": {"type": "string", "example": "unknown_term"}}}},
    },
    "additionalProperties": True,
}
SERVERS: dict[str, Any] = {
    "development": {"host": "127.0.0.1:19092", "protocol": "kafka",
                    "description": "The local broker of deploy/local (KRaft, plaintext, loopback only)"},
    "coalition": {"host": "kafka.redress.example:9093", "protocol": "kafka-secure",
                  "description": "The coalition's shared broker: SASL/SCRAM-SHA-512 over TLS, one principal per "
                                 "partner, ACLs per topic (docs/integrations.md)",
                  "security": [{"$ref": "#/components/securitySchemes/scram"}]},
}
SECURITY_SCHEMES = {"scram": {"type": "scramSha512", "description": "The partner's principal and password"}}


def with_problem_responses(document: dict[str, Any]) -> dict[str, Any]:
    """Document the problem+json shape on every 4xx, and the input guard's refusals (idempotent, in place)."""
    document.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    for operations in document.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            if operation.get("parameters") or operation.get("requestBody"):
                responses.setdefault("422", {})
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                for status in ("400", "413", "415"):
                    responses.setdefault(status, {})
            for status, response in responses.items():
                if status.startswith("4"):
                    response["description"] = REASONS.get(int(status), response.get("description", "Refused"))
                    response["content"] = {PROBLEM_JSON: {"schema": {"$ref": PROBLEM_REF}}}
    document["components"]["schemas"].pop("HTTPValidationError", None)
    document["components"]["schemas"].pop("ValidationError", None)
    return document


def open_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The published form of an event schema: unknown fields allowed everywhere for consumers."""
    published = copy.deepcopy(schema)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("additionalProperties") is False:
                del node["additionalProperties"]
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(published)
    return published


def partitions() -> int:
    """Partitions of the topics a service creates, by default."""
    return int(BaseServiceSettings.model_fields["topic_partitions"].default)


def channel_bindings(topic: str) -> dict[str, Any]:
    return {"kafka": {"topic": topic, "partitions": partitions(), "bindingVersion": KAFKA_BINDING_VERSION}}


def message_bindings() -> dict[str, Any]:
    return {"kafka": {"key": {"type": "string", "description": "The aggregate id (= ce_subject): one aggregate's "
                                                               "events stay in one partition, in order"},
                      "bindingVersion": KAFKA_BINDING_VERSION}}


def operation_bindings(group_id: str) -> dict[str, Any]:
    return {"kafka": {"groupId": {"type": "string", "enum": [group_id]}, "bindingVersion": KAFKA_BINDING_VERSION}}


def message_headers(base: dict[str, Any], event_type: str, classification: str) -> dict[str, Any]:
    """The CloudEvents headers of one message type, with its type and classification fixed."""
    headers = copy.deepcopy(base)
    headers["properties"]["ce_type"] = {"const": event_type}
    headers["properties"]["ce_dataclassification"] = {"const": classification}
    return headers
