"""Access control as a tested matrix: every route of every service has a rule, and the system obeys it.

The decision table is tests/security/access_matrix.json. A route that appears in a service's committed
OpenAPI, in the OpenAPI its routers produce now, or in the running service, and has no rule, fails the
suite; so does a rule for a route that no longer exists. The running system is then asked every
route with every principal's token (random ids, minimal bodies): an admitted principal must get past
authentication and authorisation (a 404 or 422 afterwards still proves admission), a denied one must
get exactly the table's status, and nobody ever gets a 5xx.
"""

from __future__ import annotations

import httpx
import pytest
import security_access as access

pytestmark = pytest.mark.integration

MATRIX = access.load_matrix()


def test_every_rule_is_well_formed_and_says_why():
    problems = [problem for service, rules in MATRIX["services"].items()
                for key, rule in rules.items() for problem in access.rule_problems(service, key, rule)]
    assert not problems, "\n".join(problems)


def test_the_table_names_every_service_and_all_eleven_principals():
    assert set(MATRIX["services"]) == set(access.SERVICES)
    row = access.expected_outcomes(MATRIX["services"]["intake"]["GET /victims/{victim_id}"])
    assert list(row) == list(access.PRINCIPALS) and len(row) == 11
    assert row == {"anonymous": 401, "monitor": "allow", "documentation_officer": "allow", "lawyer": 403,
                   "case_manager": 403, "advocacy_officer": 403, "analyst": 403, "educator": 403,
                   "notify_admin": 403, "admin": 403, "service": 403}


def _missing_and_stale(service: str, document: dict) -> tuple[list[str], list[str]]:
    routes = {route.key for route in access.routes_of(service, document)}
    rules = set(MATRIX["services"][service])
    return sorted(routes - rules), sorted(rules - routes)


@pytest.mark.parametrize("service", access.SERVICES)
def test_every_committed_route_has_a_rule(service):
    document = access.committed_openapi(service)
    assert document is not None, f"services/{service}/contracts/openapi.json is not committed"
    missing, _ = _missing_and_stale(service, document)
    assert not missing, f"{service}: routes without a rule in access_matrix.json: {missing}"


@pytest.mark.parametrize("service", access.SERVICES)
def test_every_route_in_the_code_has_a_rule_and_every_rule_a_route(service):
    missing, stale = _missing_and_stale(service, access.code_openapi(service))
    assert not missing, f"{service}: routes without a rule in access_matrix.json: {missing}"
    assert not stale, f"{service}: rules for routes that no longer exist: {stale}"


@pytest.mark.parametrize("service", access.SERVICES)
def test_running_service_enforces_the_table_for_every_route_and_principal(security_system, service):
    """Ask every route as every principal; collect every deviation from the table, then fail once."""
    if f"{service}:api" not in security_system.processes:
        pytest.fail(f"{service} is not running in the security system")
    base = security_system.url(service)
    live = httpx.get(f"{base}/openapi.json", timeout=10.0).json()
    missing, _ = _missing_and_stale(service, live)
    assert not missing, f"{service}: the running service serves routes without a rule: {missing}"
    rules = MATRIX["services"][service]
    headers = {principal: access.bearer_headers(security_system, principal) for principal in access.PRINCIPALS}
    deviations, asked = [], 0
    with httpx.Client(base_url=base, timeout=20.0) as client:
        for route in access.routes_of(service, live):
            path = access.concrete_path(route, live)
            for principal, expected in access.expected_outcomes(rules[route.key]).items():
                response = client.request(route.method.upper(), path, headers=headers[principal],
                                          **access.minimal_body(route, live))
                asked += 1
                if not access.verdict(expected, response.status_code):
                    deviations.append(f"{route.key} as {principal}: expected {expected}, got "
                                      f"{response.status_code} {response.text[:120]}")
    assert asked >= 11 * 5, f"{service}: too few requests ({asked}) for a meaningful matrix"
    assert not deviations, f"{service}: {len(deviations)} of {asked} cells deviate:\n" + "\n".join(deviations)


def test_a_denial_never_reveals_why_beyond_the_problem_shape(security_system):
    """403/401 bodies are problem+json without the token or the subject (which may be an e-mail)."""
    subject = "someone@example.org"
    token = security_system.token("analyst", sub=subject)
    response = httpx.get(f"{security_system.url('intake')}/victims/v-1", headers={"Authorization": f"Bearer {token}"},
                         timeout=10.0)
    assert response.status_code == 403
    assert response.headers["content-type"].startswith("application/problem+json")
    assert subject not in response.text and token not in response.text
