"""Generated contracts of a service: OpenAPI, one JSON Schema per published event, AsyncAPI 3, README.

`python -m servicekit.contracts write` regenerates every service's `contracts/` folder;
`tests/test_contracts.py` fails when a committed contract is stale.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from .audit_api import audit_router
from .contract_shapes import (
    SECURITY_SCHEMES,
    SERVERS,
    channel_bindings,
    message_bindings,
    message_headers,
    open_schema,
    operation_bindings,
    with_problem_responses,
)
from .health import health_router
from .metrics import metrics_router
from .spec import spec_of
from .webhooks import published_types, webhook_router

SERVICES = ("intake", "casework", "advocacy", "education", "notify")
REPO_ROOT = Path(__file__).resolve().parents[4]
CE_HEADERS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["ce_specversion", "ce_id", "ce_source", "ce_type", "ce_time", "ce_subject", "content-type"],
    "properties": {
        "ce_specversion": {"const": "1.0"},
        "ce_id": {"type": "string", "format": "uuid"},
        "ce_source": {"type": "string", "pattern": "^/redress/[a-z]+$"},
        "ce_type": {"type": "string"},
        "ce_time": {"type": "string", "format": "date-time"},
        "ce_subject": {"type": "string", "description": "Aggregate id; also the record key"},
        "content-type": {"const": "application/json"},
        "ce_correlationid": {"type": "string"},
        "ce_causationid": {"type": "string"},
        "ce_dataclassification": {"enum": ["public", "internal", "confidential"]},
        "traceparent": {"type": "string", "description": "W3C trace context"},
    },
}


def openapi(service: str) -> dict[str, Any]:
    """The service's OpenAPI document, built from its routers alone (no settings, no I/O)."""
    spec = spec_of(service)
    app = FastAPI(title=spec.title, description=spec.description, version="0.1.0")
    app.include_router(health_router())
    app.include_router(metrics_router())  # served by every API (service_app): part of what a partner scrapes
    app.include_router(audit_router(None, None))  # type: ignore[arg-type]  # routes only, never called
    for router in spec.api_routers():
        app.include_router(router)
    app.include_router(webhook_router(published_types(spec.aggregates)))
    return with_problem_responses(app.openapi())


def event_schemas(service: str) -> dict[str, dict[str, Any]]:
    """JSON Schema of each event type the service publishes, keyed by its wire type."""
    schemas = {}
    for agg in spec_of(service).aggregates:
        for event in agg.events:
            schema = open_schema(event.model_json_schema())
            schema["$id"] = f"urn:redress:event:{event.event_type}"
            schema["title"] = event.event_type
            schema["x-redress"] = {"topic": agg.topic, "aggregate": agg.name, "classification": event.classification}
            schemas[event.event_type] = schema
    return dict(sorted(schemas.items()))


def asyncapi(service: str, schemas: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """An AsyncAPI 3 document: the topics the service sends to and the ones it receives from."""
    channels: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    components: dict[str, Any] = {"messages": {}}
    for event_type, schema in schemas.items():
        topic = schema["x-redress"]["topic"]
        key = _key(event_type)
        components["messages"][key] = {
            "name": event_type,
            "title": event_type,
            "contentType": "application/json",
            "headers": message_headers(CE_HEADERS_SCHEMA, event_type, schema["x-redress"]["classification"]),
            "payload": {"$ref": f"events/{event_type}.json"},
            "description": schema.get("description", ""),
            "bindings": message_bindings(),
        }
        channel = channels.setdefault(_key(topic), {"address": topic, "messages": {},
                                                    "bindings": channel_bindings(topic)})
        channel["messages"][key] = {"$ref": f"#/components/messages/{key}"}
    for channel_id in channels:
        operations[f"send_{channel_id}"] = {"action": "send", "channel": {"$ref": f"#/channels/{channel_id}"}}
    for group in spec_of(service).groups:
        for topic in group.topics:
            channel_id = _key(topic)
            channels.setdefault(channel_id, {"address": topic, "description": "Owned by another service",
                                             "bindings": channel_bindings(topic)})
            operations[f"receive_{channel_id}_{group.purpose}"] = {
                "action": "receive",
                "channel": {"$ref": f"#/channels/{channel_id}"},
                "description": f"consumer group {service}.{group.purpose}: " + ", ".join(sorted(group.subscriptions)),
                "bindings": operation_bindings(f"{service}.{group.purpose}"),
            }
    components["securitySchemes"] = SECURITY_SCHEMES
    return {
        "asyncapi": "3.0.0",
        "info": {"title": f"Redress {service} events", "version": "0.1.0",
                 "description": "CloudEvents 1.0 in Kafka binary mode: the record value is the JSON data, the "
                                "attributes travel in ce_* headers, the record key is the aggregate id."},
        "servers": SERVERS,
        "defaultContentType": "application/json",
        "channels": channels,
        "operations": operations,
        "components": components,
    }


def _key(name: str) -> str:
    return name.replace(".", "_")


def readme(service: str, schemas: dict[str, dict[str, Any]], api_doc: dict[str, Any]) -> str:
    """The service's README: what it does, its routes, events out and in, and its settings."""
    spec = spec_of(service)
    lines = [
        f"# {spec.title}",
        "",
        spec.description,
        "",
        "Generated by `uv run python -m servicekit.contracts write`; edit the code, not this file.",
        "",
        "## Routes",
        "",
        "| method | path | summary |",
        "|---|---|---|",
    ]
    for path, operations in api_doc["paths"].items():
        for method, operation in operations.items():
            lines.append(f"| {method.upper()} | `{path}` | {operation.get('summary', '')} |")
    lines += ["", "## Events published", "", "| type | topic | classification | description |", "|---|---|---|---|"]
    for event_type, schema in schemas.items():
        meta = schema["x-redress"]
        description = " ".join(schema.get("description", "").split())
        lines.append(f"| `{event_type}` | `{meta['topic']}` | {meta['classification']} | {description} |")
    lines += ["", "## Events consumed", "", "| consumer group | topic | event types |", "|---|---|---|"]
    for group in spec.groups:
        types = ", ".join(f"`{t}`" for t in sorted(group.subscriptions))
        lines.append(f"| `{service}.{group.purpose}` | {', '.join(f'`{t}`' for t in group.topics)} | {types} |")
    lines += [
        "",
        "## Settings",
        "",
        "Environment variables; a setting without a default must be given.",
        "",
        "| variable | default | description |",
        "|---|---|---|",
    ]
    settings_cls = spec.settings
    prefix = settings_cls.model_config.get("env_prefix", "")
    for name, field in settings_cls.model_fields.items():
        default = "(required)" if field.is_required() else f"`{field.default!r}`"
        lines.append(f"| `{prefix.upper()}{name.upper()}` | {default} | {field.description or ''} |")
    return "\n".join(lines) + "\n"


def rendered(service: str) -> dict[Path, str]:
    """Every contract file of a service, as it should be committed."""
    base = REPO_ROOT / "services" / service / "contracts"
    schemas = event_schemas(service)
    api_doc = openapi(service)
    files = {
        base / "openapi.json": _dump(api_doc),
        base / "asyncapi.json": _dump(asyncapi(service, schemas)),
        base.parent / "README.md": readme(service, schemas, api_doc),
    }
    for event_type, schema in schemas.items():
        files[base / "events" / f"{event_type}.json"] = _dump(schema)
    return files


def _dump(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False) + "\n"


def write(services: tuple[str, ...] = SERVICES) -> None:
    """Regenerate the contracts, removing schemas of events no longer published."""
    for service in services:
        files = rendered(service)
        events_dir = REPO_ROOT / "services" / service / "contracts" / "events"
        events_dir.mkdir(parents=True, exist_ok=True)
        for stale in set(events_dir.glob("*.json")) - {p for p in files if p.parent == events_dir}:
            stale.unlink()
        for path, text in files.items():
            path.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate services' contracts/ folders")
    parser.add_argument("command", choices=["write"])
    parser.add_argument("services", nargs="*", default=list(SERVICES))
    args = parser.parse_args()
    write(tuple(args.services))


if __name__ == "__main__":
    main()
