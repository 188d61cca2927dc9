"""Is a new contract backward compatible with the previous one? A list of the breaks, empty when it is.

Events (a published `.vN` type, read by consumers who may replay old records): the type stays published;
no property disappears, changes type or format, or stops being required; no property becomes required
(records already on the topics lack it). Adding an optional property is the allowed evolution.
OpenAPI (clients written against an operation): the operation stays; no new required parameter or
request property; a response keeps its JSON type (an array does not become an object); no request or
response property disappears or changes type; a response property stays required. AsyncAPI: channels,
their messages and operations stay.
"""

from __future__ import annotations

from typing import Any

Schema = dict[str, Any]
KEYWORDS = ("type", "format", "const", "$ref")


def _resolve(node: Schema, root: Schema) -> Schema:
    """Follow local `$ref`s (`#/...`) to the schema they name."""
    seen = 0
    while isinstance(node, dict) and isinstance(node.get("$ref"), str) and node["$ref"].startswith("#/"):
        target: Any = root
        for part in node["$ref"][2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        node, seen = target, seen + 1
        if seen > 20:
            break
    return node


def _shape(node: Schema, root: Schema) -> tuple[Any, ...]:
    resolved = _resolve(node, root)
    return tuple(resolved.get(k) for k in KEYWORDS if k != "$ref")


def schema_breaks(old: Schema, new: Schema, where: str, *, old_root: Schema | None = None,
                  new_root: Schema | None = None, new_required_breaks: bool = True, depth: int = 0) -> list[str]:
    """Breaks between two object schemas (recursing into nested objects)."""
    old_root, new_root = old_root or old, new_root or new
    old, new = _resolve(old, old_root), _resolve(new, new_root)
    if depth > 8:
        return []
    breaks = []
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", ())), set(new.get("required", ()))
    for name, old_prop in old_props.items():
        if name not in new_props:
            breaks.append(f"{where}: property '{name}' removed")
            continue
        if _shape(old_prop, old_root) != _shape(new_props[name], new_root):
            breaks.append(f"{where}: property '{name}' changed type")
            continue
        breaks += schema_breaks(old_prop, new_props[name], f"{where}.{name}", old_root=old_root,
                                new_root=new_root, new_required_breaks=new_required_breaks, depth=depth + 1)
    breaks += [f"{where}: property '{n}' no longer required" for n in sorted(old_required - new_required)
               if n in new_props]
    if new_required_breaks:
        breaks += [f"{where}: property '{n}' became required" for n in sorted(new_required - old_required)]
    return breaks


def event_breaks(old: dict[str, Schema], new: dict[str, Schema]) -> list[str]:
    """Breaks between two sets of event schemas keyed by wire type."""
    breaks = [f"{t}: event type no longer published" for t in sorted(set(old) - set(new))]
    for event_type in sorted(set(old) & set(new)):
        breaks += schema_breaks(old[event_type], new[event_type], event_type)
    return breaks


def _operations(document: Schema) -> dict[str, Schema]:
    return {f"{method.upper()} {path}": op for path, ops in document.get("paths", {}).items()
            for method, op in ops.items() if isinstance(op, dict)}


def _body(operation: Schema) -> Schema | None:
    content = operation.get("requestBody", {}).get("content", {})
    return next((c.get("schema") for c in content.values() if c.get("schema")), None)


def _success(operation: Schema) -> Schema | None:
    for status, response in operation.get("responses", {}).items():
        if status.startswith("2"):
            schema = response.get("content", {}).get("application/json", {}).get("schema")
            if schema:
                return schema  # type: ignore[no-any-return]
    return None


def _kind(node: Schema, root: Schema) -> str:
    """The JSON type a schema answers with ("object" when it only lists properties)."""
    resolved = _resolve(node, root)
    return str(resolved.get("type") or ("object" if "properties" in resolved else "any"))


def openapi_breaks(old: Schema, new: Schema) -> list[str]:
    """Breaks between two OpenAPI documents, operation by operation."""
    old_ops, new_ops = _operations(old), _operations(new)
    breaks = [f"{key}: operation removed" for key in sorted(set(old_ops) - set(new_ops))]
    for key in sorted(set(old_ops) & set(new_ops)):
        before, after = old_ops[key], new_ops[key]
        old_params = {(p["in"], p["name"]) for p in before.get("parameters", [])}
        for param in after.get("parameters", []):
            if param.get("required") and (param["in"], param["name"]) not in old_params:
                breaks.append(f"{key}: new required {param['in']} parameter '{param['name']}'")
        old_body, new_body = _body(before), _body(after)
        if old_body is not None and new_body is not None:
            breaks += [b for b in schema_breaks(old_body, new_body, f"{key} request", old_root=old, new_root=new)
                       if "no longer required" not in b]
        if old_body is None and new_body is not None and after.get("requestBody", {}).get("required"):
            breaks.append(f"{key}: a request body became required")
        old_answer, new_answer = _success(before), _success(after)
        if old_answer is not None and new_answer is not None:
            if _kind(old_answer, old) != _kind(new_answer, new):  # e.g. a list that became a page object
                breaks.append(f"{key} response: changed from {_kind(old_answer, old)} to {_kind(new_answer, new)}")
                continue
            breaks += schema_breaks(old_answer, new_answer, f"{key} response", old_root=old, new_root=new,
                                    new_required_breaks=False)
    return breaks


def asyncapi_breaks(old: Schema, new: Schema) -> list[str]:
    """Breaks between two AsyncAPI documents: channels, their addresses and messages, and operations."""
    breaks = []
    old_channels, new_channels = old.get("channels", {}), new.get("channels", {})
    for name, channel in old_channels.items():
        if name not in new_channels:
            breaks.append(f"channel {name} removed")
            continue
        if channel.get("address") != new_channels[name].get("address"):
            breaks.append(f"channel {name}: address changed")
        gone = set(channel.get("messages", {})) - set(new_channels[name].get("messages", {}))
        breaks += [f"channel {name}: message {m} removed" for m in sorted(gone)]
    old_ops, new_ops = old.get("operations", {}), new.get("operations", {})
    breaks += [f"operation {o} removed" for o in sorted(set(old_ops) - set(new_ops))
               if old_ops[o].get("action") == "send"]
    return breaks
