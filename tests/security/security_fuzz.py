"""Schemathesis fuzzing of one running service, operation by operation, with admitted tokens.

Every operation of the service's live OpenAPI gets a bounded number of generated requests (schema-
valid and schema-violating ones mixed), sent with the token of a principal the access table admits
(and an admin token where admins are admitted), so most requests reach the handlers. A 5xx is
recorded with a curl reproduction (the token replaced by `$TOKEN`); nothing stops at the first one,
so the figures cover every operation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode


@dataclass
class FuzzReport:
    """What one service's fuzzing did: operations, examples sent, and every server error."""

    service: str
    operations: int = 0
    examples: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    server_errors: list[str] = field(default_factory=list)
    unfuzzable: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"service": self.service, "operations": self.operations, "examples": self.examples,
                "server_errors": len(self.server_errors),
                "statuses": {str(code): count for code, count in sorted(self.statuses.items())}}


def fuzz_service(service: str, base_url: str, document: dict[str, Any],
                 headers_for: dict[str, list[dict[str, str]]], examples_per_operation: int,
                 known_ids: dict[str, str] | None = None) -> FuzzReport:
    """Fuzz every operation; `headers_for` maps an operation key ("GET /x") to the admitted headers.

    `known_ids` maps path parameter names to ids of real records: operations with such parameters
    also get cases aimed at those records, so fuzzed inputs meet live aggregates, not only 404s.
    """
    schema = schemathesis.openapi.from_dict(document)
    report = FuzzReport(service)
    for result in schema.get_all_operations():
        try:
            operation = result.ok()
        except Exception as exc:  # an operation schemathesis cannot model must be reported, not skipped
            report.unfuzzable.append(f"{type(exc).__name__}: {str(exc)[:200]}")
            continue
        key = f"{operation.method.upper()} {operation.path}"
        report.operations += 1
        aimed = {name: value for name, value in (known_ids or {}).items() if "{" + name + "}" in operation.path}
        _fuzz_operation(operation, key, base_url, headers_for[key], examples_per_operation, report, aimed)
    return report


def _fuzz_operation(operation: Any, key: str, base_url: str, candidate_headers: list[dict[str, str]],
                    examples: int, report: FuzzReport, aimed: dict[str, str]) -> None:
    strategies = [operation.as_strategy(generation_mode=GenerationMode.POSITIVE)]
    if aimed:
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.POSITIVE, path_parameters=aimed))
    try:
        strategies.append(operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
    except Exception:  # some operations have no way to be wrong (no parameters, no body)
        pass
    cases = st.one_of(strategies)

    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              phases=[Phase.generate], suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    @given(case=cases, headers=st.sampled_from(candidate_headers))
    def send(case: Any, headers: dict[str, str]) -> None:
        response = case.call(base_url=base_url, headers=headers, timeout=20)
        report.examples += 1
        report.statuses[response.status_code] = report.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            curl = case.as_curl_command(headers={"Authorization": "Bearer $TOKEN"}, base_url=base_url)
            report.server_errors.append(f"{key} -> {response.status_code}: {curl}")

    send()
