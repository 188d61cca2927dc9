"""What integrators read in the contracts is what the services do: errors, examples, Kafka details."""

from __future__ import annotations

import json

import pytest
from jsonschema import Draft202012Validator
from servicekit.contracts import SERVICES, asyncapi, event_schemas, openapi

MAIN_OPERATIONS = {
    "intake": ["POST /incidents", "POST /victims", "POST /victims/{victim_id}/referrals"],
    "casework": ["POST /referrals/{referral_id}/accept", "POST /cases/{case_id}/stage",
                 "POST /cases/{case_id}/hearings"],
    "advocacy": ["POST /actions"],
    "education": ["POST /sessions"],
    "notify": ["POST /webhooks/subscriptions"],
}


def _operations(document: dict) -> dict[str, dict]:
    return {f"{m.upper()} {p}": op for p, ops in document["paths"].items() for m, op in ops.items()}


@pytest.mark.parametrize("service", SERVICES)
def test_every_4xx_documents_the_problem_json_the_service_sends(service):
    document = openapi(service)
    wrong = [f"{key} {status}" for key, op in _operations(document).items()
             for status, response in op["responses"].items() if status.startswith("4")
             and response.get("content") != {"application/problem+json": {
                 "schema": {"$ref": "#/components/schemas/Problem"}}}]
    assert not wrong, wrong
    error = document["components"]["schemas"]["Problem"]["properties"]["errors"]["items"]
    assert set(error["properties"]) == {"field", "reason", "code"}
    assert "HTTPValidationError" not in json.dumps(document)


@pytest.mark.parametrize("service", SERVICES)
def test_every_operation_taking_input_documents_its_422(service):
    missing = [key for key, op in _operations(openapi(service)).items()
               if (op.get("parameters") or op.get("requestBody")) and "422" not in op["responses"]]
    assert not missing, missing


@pytest.mark.parametrize("service", SERVICES)
def test_the_main_operations_carry_examples_that_their_schema_accepts(service):
    document = openapi(service)
    operations = _operations(document)
    for key in MAIN_OPERATIONS[service]:
        ref = operations[key]["requestBody"]["content"]["application/json"]["schema"]["$ref"]
        schema = document["components"]["schemas"][ref.split("/")[-1]]
        assert schema.get("examples"), f"{key}: no example"
        validator = Draft202012Validator({"$ref": ref, "components": document["components"]})
        for example in schema["examples"]:
            assert not list(validator.iter_errors(example)), f"{key}: its example does not validate"


@pytest.mark.parametrize("service", SERVICES)
def test_published_event_schemas_let_consumers_ignore_unknown_fields(service):
    closed = [t for t, schema in event_schemas(service).items()
              if '"additionalProperties": false' in json.dumps(schema)]
    assert not closed, closed


@pytest.mark.parametrize("service", SERVICES)
def test_asyncapi_names_servers_kafka_bindings_and_cloudevents_headers(service):
    document = asyncapi(service, event_schemas(service))
    assert {s["protocol"] for s in document["servers"].values()} == {"kafka", "kafka-secure"}
    for channel in document["channels"].values():
        assert channel["bindings"]["kafka"]["topic"] == channel["address"]
        assert channel["bindings"]["kafka"]["partitions"] >= 1
    for name, message in document["components"]["messages"].items():
        assert "aggregate id" in message["bindings"]["kafka"]["key"]["description"]
        headers = message["headers"]
        assert {"ce_id", "ce_type", "ce_source", "ce_subject", "ce_time"} <= set(headers["required"])
        assert headers["properties"]["ce_type"] == {"const": message["name"]}, name
    receivers = [op for op in document["operations"].values() if op["action"] == "receive"]
    assert all(op["bindings"]["kafka"]["groupId"]["enum"][0].startswith(service + ".") for op in receivers)
