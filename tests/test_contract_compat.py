"""Contracts evolve without breaking their readers: each is compared with its previous committed version.

The previous version is the contract at the commit this branch started from (`git merge-base HEAD main`),
or, on main itself, at the first parent of HEAD. A break of an existing `.vN` event type or operation
fails; publish a `.vN+1` type beside the old one instead (DESIGN.md section 2).
"""

from __future__ import annotations

import copy
import json
import subprocess

import pytest
from servicekit.contract_compat import asyncapi_breaks, event_breaks, openapi_breaks
from servicekit.contracts import REPO_ROOT, SERVICES, rendered

EVENT = {"type": "object", "required": ["region"], "properties": {
    "region": {"type": "string"}, "count": {"type": "integer"},
    "place": {"type": "object", "properties": {"cercle": {"type": "string"}}}}}
OPENAPI = {"paths": {"/cases": {"post": {
    "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
    "responses": {"201": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}}}}}},
    "components": {"schemas": {
        "In": {"type": "object", "required": ["stage"], "properties": {"stage": {"type": "string"}}},
        "Out": {"type": "object", "required": ["id"], "properties": {"id": {"type": "string"},
                                                                     "stage": {"type": "string"}}}}}}
ASYNCAPI = {"channels": {"casework_cases": {"address": "casework.cases", "messages": {"opened": {}}}},
            "operations": {"send_casework_cases": {"action": "send"}}}


def changed(document: dict, path: list[str], value: object = None, *, delete: bool = False) -> dict:
    new = copy.deepcopy(document)
    node = new
    for part in path[:-1]:
        node = node[part]
    if delete:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return new


def test_an_event_field_removed_is_a_break():
    assert event_breaks({"x.y.z.v1": EVENT}, {"x.y.z.v1": changed(EVENT, ["properties", "count"], delete=True)}) == [
        "x.y.z.v1: property 'count' removed"]


def test_an_optional_event_field_added_is_compatible():
    assert event_breaks({"x.y.z.v1": EVENT}, {"x.y.z.v1": changed(EVENT, ["properties", "note"],
                                                                  {"type": "string"})}) == []


def test_a_nested_event_field_removed_is_a_break():
    new = changed(EVENT, ["properties", "place", "properties", "cercle"], delete=True)
    assert event_breaks({"x.y.z.v1": EVENT}, {"x.y.z.v1": new}) == ["x.y.z.v1.place: property 'cercle' removed"]


def test_an_event_field_made_required_or_retyped_is_a_break():
    required = changed(EVENT, ["required"], ["region", "count"])
    retyped = changed(EVENT, ["properties", "count"], {"type": "string"})
    assert event_breaks({"t.v1": EVENT}, {"t.v1": required}) == ["t.v1: property 'count' became required"]
    assert event_breaks({"t.v1": EVENT}, {"t.v1": retyped}) == ["t.v1: property 'count' changed type"]


def test_an_event_type_no_longer_published_is_a_break_and_a_new_version_beside_it_is_not():
    assert event_breaks({"t.v1": EVENT}, {"t.v2": EVENT}) == ["t.v1: event type no longer published"]
    assert event_breaks({"t.v1": EVENT}, {"t.v1": EVENT, "t.v2": EVENT}) == []


def test_a_response_field_removed_is_a_break():
    new = changed(OPENAPI, ["components", "schemas", "Out", "properties", "stage"], delete=True)
    assert openapi_breaks(OPENAPI, new) == ["POST /cases response: property 'stage' removed"]


def test_a_list_answer_that_becomes_an_object_is_a_break():
    listing = changed(OPENAPI, ["paths", "/cases", "post", "responses", "201", "content", "application/json",
                                "schema"], {"type": "array", "items": {"$ref": "#/components/schemas/Out"}})
    assert openapi_breaks(listing, OPENAPI) == ["POST /cases response: changed from array to object"]


def test_an_optional_request_field_added_is_compatible():
    new = changed(OPENAPI, ["components", "schemas", "In", "properties", "court"], {"type": "string"})
    assert openapi_breaks(OPENAPI, new) == []


def test_a_new_required_request_field_or_a_removed_operation_is_a_break():
    required = changed(OPENAPI, ["components", "schemas", "In", "required"], ["stage", "court"])
    required["components"]["schemas"]["In"]["properties"]["court"] = {"type": "string"}
    assert openapi_breaks(OPENAPI, required) == ["POST /cases request: property 'court' became required"]
    assert openapi_breaks(OPENAPI, {"paths": {}}) == ["POST /cases: operation removed"]


def test_a_channel_or_message_removed_from_asyncapi_is_a_break():
    assert asyncapi_breaks(ASYNCAPI, changed(ASYNCAPI, ["channels", "casework_cases", "messages"], {})) == [
        "channel casework_cases: message opened removed"]
    assert asyncapi_breaks(ASYNCAPI, {"channels": {}, "operations": {}}) == [
        "channel casework_cases removed", "operation send_casework_cases removed"]


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, check=True).stdout.strip()


def previous_revision() -> str:
    """The branch point from main, or HEAD's first parent on main itself."""
    head = _git("rev-parse", "HEAD")
    try:
        base = _git("merge-base", "HEAD", "main")
    except subprocess.CalledProcessError:
        base = head
    return base if base != head else _git("rev-parse", "HEAD^")


def committed(revision: str, path: str) -> dict | None:
    try:
        return json.loads(_git("show", f"{revision}:{path}"))  # type: ignore[no-any-return]
    except subprocess.CalledProcessError:
        return None  # the contract did not exist then: nothing to break


@pytest.mark.parametrize("service", SERVICES)
def test_contracts_stay_compatible_with_the_previous_committed_version(service):
    revision = previous_revision()
    breaks: list[str] = []
    old_events, new_events = {}, {}
    for path, text in rendered(service).items():
        relative = str(path.relative_to(REPO_ROOT))
        if path.suffix != ".json" or (old := committed(revision, relative)) is None:
            continue
        new = json.loads(text)
        if path.parent.name == "events":
            old_events[path.stem], new_events[path.stem] = old, new
        elif path.name == "openapi.json":
            breaks += openapi_breaks(old, new)
        elif path.name == "asyncapi.json":
            breaks += asyncapi_breaks(old, new)
    events_dir = f"services/{service}/contracts/events"
    for name in _git("ls-tree", "--name-only", f"{revision}:{events_dir}").splitlines():
        if name.removesuffix(".json") not in old_events:  # published then, gone now
            old_events[name.removesuffix(".json")] = committed(revision, f"{events_dir}/{name}")
    breaks += event_breaks(old_events, new_events)
    assert not breaks, f"{service}: breaking changes since {revision[:10]}:\n" + "\n".join(breaks)
