"""Fuzzing every service's OpenAPI with schemathesis, with valid tokens: zero 5xx.

Each operation gets EXAMPLES (25, or REDRESS_FUZZ_EXAMPLES) generated requests (valid and invalid
inputs mixed) carrying the token of a principal the access table admits, so the inputs reach
validation and handlers rather than stopping at 401/403. The figures (operations, examples,
statuses) are printed and written to .cache/security/fuzz-<service>.json for the issue note.
"""

from __future__ import annotations

import json
import os

import httpx
import pytest
import security_access as access
import security_fuzz as fuzz
import security_seed

pytestmark = pytest.mark.integration

# 25 keeps the suite within minutes; a nightly run can go deeper with REDRESS_FUZZ_EXAMPLES=200.
EXAMPLES = int(os.environ.get("REDRESS_FUZZ_EXAMPLES", "25"))
MATRIX = access.load_matrix()


def admitted_headers(security_system, service: str, document: dict) -> dict[str, list[dict[str, str]]]:
    """Per operation: the headers of admitted principals (a non-admin role, plus admin where admitted)."""
    cache: dict[str, dict[str, str]] = {}

    def headers(principal: str) -> dict[str, str]:
        if principal not in cache:
            cache[principal] = access.bearer_headers(security_system, principal)
        return cache[principal]

    result = {}
    for route in access.routes_of(service, document):
        row = access.expected_outcomes(MATRIX["services"][service][route.key])
        admitted = [principal for principal, outcome in row.items() if outcome == "allow"]
        chosen = [p for p in admitted if p not in ("admin", "anonymous")][:1] + [p for p in admitted if p == "admin"]
        result[route.key] = [headers(p) for p in chosen] or [headers("admin")]
    return result


@pytest.fixture(scope="module")
def real_ids(security_system) -> dict[str, dict[str, str]]:
    return security_seed.seed_records(security_system)


# Publishing an advocacy report also lays out its PDF (about a second each): the 25 examples of
# POST /reports alone can pass the suite's default 300 s on a loaded machine.
@pytest.mark.timeout(900)
@pytest.mark.parametrize("service", access.SERVICES)
def test_fuzzing_every_operation_with_admitted_tokens_yields_no_server_error(security_system, real_ids, service):
    base_url = security_system.url(service)
    document = httpx.get(f"{base_url}/openapi.json", timeout=10.0).json()
    headers = admitted_headers(security_system, service, document)
    report = fuzz.fuzz_service(service, base_url, document, headers, EXAMPLES, known_ids=real_ids[service])

    out = access.ROOT / ".cache" / "security" / f"fuzz-{service}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**report.as_dict(), "server_error_reproductions": report.server_errors}, indent=2))
    print(f"\nschemathesis {service}: {report.operations} operations, {report.examples} examples, "
          f"{len(report.server_errors)} 5xx, statuses {report.as_dict()['statuses']}")

    assert not report.unfuzzable, f"{service}: operations schemathesis could not model: {report.unfuzzable}"
    assert report.operations == len(access.routes_of(service, document))
    # Every operation was actually exercised (no operation silently generated nothing).
    assert report.examples >= report.operations, report.as_dict()
    admitted = sum(count for code, count in report.statuses.items() if code not in (401, 403))
    assert admitted > report.examples // 2, f"{service}: most requests were refused by auth: {report.statuses}"
    assert not report.server_errors, f"{service}: {len(report.server_errors)} server errors:\n" + "\n".join(
        report.server_errors[:20])
