"""The real OpenID provider (deploy/local/idp.sh) and the services that trust it.

Tokens come from the running Keycloak through the authorization-code + PKCE flow a browser walks
(login page, redirect, code exchange with the verifier), or through the test client's direct grant,
and are presented to real intake processes: one trusting the provider beside the development issuer,
one trusting the provider alone.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import httpx
import pytest
from servicekit.keyclient import client_credentials_token_provider
from servicekit.providertokens import (
    LoginRefused,
    authorization_code,
    discovery,
    login_with_pkce,
    pkce_pair,
    provider_token,
)
from servicekit.testing import Infra, ServiceProcess, free_port, service_env, unique_name

pytestmark = pytest.mark.integration

PASSWORD = "redress-demo"  # the demo users' password (deploy/local/idp/realm-redress.json)
# The first origin the provider was started with (deploy/local/common.sh has the same default).
WEB_ORIGIN = os.environ.get("REDRESS_WEB_ORIGINS", "http://127.0.0.1:8090").split(",")[0].strip()
UNLISTED_ORIGIN = "http://127.0.0.1:1"  # never a web origin of the provider
CALLBACK = f"{WEB_ORIGIN}/auth/callback"
INCIDENT = {"occurred_on": "2024-03-02", "region": "mopti", "violation_types": ["massacre"]}


@pytest.fixture(scope="module")
def both(infra: Infra, oidc_issuer: str, system_starter, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """Intake trusting the provider and the development issuer, allowing the web origin."""
    extra = {"intake": {"INTAKE_OIDC_ISSUER": oidc_issuer, "INTAKE_CORS_ALLOWED_ORIGINS": f'["{WEB_ORIGIN}"]'}}
    system = system_starter(infra, ("intake",), tmp_path_factory.mktemp("idp-both"), extra_env=extra)
    yield system
    for proc in system.processes.values():
        proc.stop()


@pytest.fixture(scope="module")
def provider_only(infra: Infra, oidc_issuer: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Intake's API trusting the provider alone (no development JWKS): as a partner would deploy it."""
    tmp = tmp_path_factory.mktemp("idp-only")
    env = service_env("intake", infra, namespace=unique_name("idp").replace("_", "") + ".", db=unique_name("idp"),
                      jwks_file=tmp / "unused.json", port=free_port(),
                      extra={"INTAKE_OIDC_ISSUER": oidc_issuer, "INTAKE_KEK_SOURCE": "base64:" + "A" * 43 + "="})
    del env["INTAKE_AUTH_JWKS_FILE"]
    api = ServiceProcess("intake", "api", env, tmp / "intake-api.log", port=int(env["INTAKE_HTTP_PORT"]))
    api.start()
    try:
        api.wait_healthy()
        yield api.url
    finally:
        api.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def pkce_token(issuer: str, username: str) -> str:
    return str(login_with_pkce(issuer, username, PASSWORD, redirect_uri=CALLBACK)["access_token"])


def test_a_monitor_signed_in_with_pkce_documents_an_incident_for_their_organisation(both, oidc_issuer):
    token = pkce_token(oidc_issuer, "awa")
    created = httpx.post(both.url("intake") + "/incidents", json=INCIDENT, headers=bearer(token), timeout=10.0)
    assert created.status_code == 201, created.text
    incident = httpx.get(f"{both.url('intake')}/incidents/{created.json()['id']}", headers=bearer(token), timeout=10.0)
    assert incident.status_code == 200, incident.text
    assert incident.json()["organisation"] == "org-amdh"  # from the token's `org` claim


def test_a_provider_token_without_the_route_role_is_403(both, oidc_issuer):
    token = pkce_token(oidc_issuer, "seydou")  # educator
    response = httpx.post(both.url("intake") + "/incidents", json=INCIDENT, headers=bearer(token), timeout=10.0)
    assert response.status_code == 403
    assert response.json()["code"] == "a_required_role_is_missing"


def test_the_direct_grant_helper_gives_a_token_the_service_accepts(both, oidc_issuer):
    token = provider_token(oidc_issuer, "moussa", PASSWORD)  # documentation officer
    response = httpx.get(both.url("intake") + "/incidents", headers=bearer(token), timeout=10.0)
    assert response.status_code == 200, response.text


def test_development_tokens_keep_working_beside_the_provider(both):
    with both.client("intake", "monitor", org="org-amdh") as monitor:
        assert monitor.post("/incidents", json=INCIDENT).status_code == 201


def test_a_service_trusting_only_the_provider_accepts_its_tokens_and_refuses_dev_tokens(provider_only, oidc_issuer,
                                                                                         both):
    provider = httpx.post(provider_only + "/incidents", json=INCIDENT, headers=bearer(pkce_token(oidc_issuer, "awa")),
                          timeout=10.0)
    assert provider.status_code == 201, provider.text
    dev = httpx.post(provider_only + "/incidents", json=INCIDENT, headers=bearer(both.token("monitor")), timeout=10.0)
    assert dev.status_code == 401
    assert dev.json()["code"] == "token_issuer_is_not_trusted"


def test_the_access_token_carries_exactly_the_claims_the_services_read(oidc_issuer):
    import jwt

    claims = jwt.decode(pkce_token(oidc_issuer, "fatoumata"), options={"verify_signature": False})
    assert claims["iss"] == oidc_issuer
    assert "redress" in ([claims["aud"]] if isinstance(claims["aud"], str) else claims["aud"])
    assert (claims["roles"], claims["org"], claims["preferred_username"]) == (["lawyer"], "org-legal", "fatoumata")
    # Stable subjects, so a case manager can assign a lawyer by subject (docs/identity.md).
    assert claims["sub"] == str(uuid.uuid5(uuid.NAMESPACE_URL, "https://redress.local/users/fatoumata"))
    assert claims["exp"] - claims["iat"] == 300


def test_a_refresh_token_renews_the_access_token_silently(both, oidc_issuer):
    tokens = login_with_pkce(oidc_issuer, "moussa", PASSWORD, redirect_uri=CALLBACK)
    renewed = refresh(oidc_issuer, tokens["refresh_token"])
    assert renewed.status_code == 200, renewed.text
    assert renewed.json()["access_token"] != tokens["access_token"]
    response = httpx.get(both.url("intake") + "/incidents", headers=bearer(renewed.json()["access_token"]),
                         timeout=10.0)
    assert response.status_code == 200


def refresh(issuer: str, refresh_token: str, origin: str | None = None) -> httpx.Response:
    headers = {"Origin": origin} if origin else {}
    return httpx.post(discovery(issuer)["token_endpoint"], headers=headers, timeout=10.0, data={
        "grant_type": "refresh_token", "refresh_token": refresh_token, "client_id": "redress-web"})


def test_a_used_refresh_token_cannot_be_replayed(oidc_issuer):
    tokens = login_with_pkce(oidc_issuer, "awa", PASSWORD, redirect_uri=CALLBACK)
    assert refresh(oidc_issuer, tokens["refresh_token"]).status_code == 200
    replay = refresh(oidc_issuer, tokens["refresh_token"])
    assert replay.status_code == 400
    assert replay.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(("origin", "readable"), [(WEB_ORIGIN, True), (UNLISTED_ORIGIN, False)])
def test_only_a_listed_web_origin_may_read_the_token_endpoint_answers(oidc_issuer, origin, readable):
    tokens = login_with_pkce(oidc_issuer, "awa", PASSWORD, redirect_uri=CALLBACK)
    answer = refresh(oidc_issuer, tokens["refresh_token"], origin)
    assert answer.status_code == 200
    assert (answer.headers.get("access-control-allow-origin") == origin) is readable


def test_the_web_client_refuses_a_redirect_uri_outside_the_listed_origins(oidc_issuer):
    with pytest.raises(LoginRefused, match="no login form"):
        login_with_pkce(oidc_issuer, "awa", PASSWORD, redirect_uri=f"http://127.0.0.1:{free_port()}/auth/callback")


def test_the_web_client_refuses_to_start_a_sign_in_without_pkce(oidc_issuer):
    with httpx.Client(timeout=15.0, follow_redirects=False) as client, \
            pytest.raises(LoginRefused, match="error=invalid_request"):
        authorization_code(client, discovery(oidc_issuer, client), "awa", PASSWORD, redirect_uri=CALLBACK,
                           challenge=None)


def test_a_code_is_not_redeemed_without_its_verifier(oidc_issuer):
    _, challenge = pkce_pair()
    other_verifier, _ = pkce_pair()
    with httpx.Client(timeout=15.0, follow_redirects=False) as client:
        config = discovery(oidc_issuer, client)
        code = authorization_code(client, config, "awa", PASSWORD, redirect_uri=CALLBACK, challenge=challenge)
        answer = client.post(config["token_endpoint"], data={
            "grant_type": "authorization_code", "code": code, "redirect_uri": CALLBACK, "client_id": "redress-web",
            "code_verifier": other_verifier})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_grant"


def test_a_wrong_password_gets_no_code(oidc_issuer):
    with pytest.raises(LoginRefused, match="refused"):
        login_with_pkce(oidc_issuer, "awa", "not-the-password", redirect_uri=CALLBACK)


def test_a_service_client_gets_a_key_release_token_by_client_credentials(both, oidc_issuer):
    with both.client("intake", "monitor", org="org-amdh") as monitor:
        victim = monitor.post("/victims", json={
            "sex": "female", "age_band": "25-39", "region": "mopti",
            "identity": {"name": "Aïssata N'Diaye", "phone": "+223 76 00 00 01"},
            "consent": {"legal_support": True, "notifications": {"granted": True, "channel": "sms", "language": "bm"},
                        "statistics": True}})
    assert victim.status_code == 201, victim.text
    token_url = discovery(oidc_issuer)["token_endpoint"]
    # The kit's own client-credentials provider, as notify uses it with NOTIFY_OAUTH_* set.
    token = asyncio.run(client_credentials_token_provider(token_url, "svc-notify", "svc-notify-dev-secret",
                                                          audience="redress")())
    release = f"{both.url('intake')}/internal/keys/{victim.json()['id']}/release"
    granted = httpx.post(release, json={"purpose": "notifications"}, headers=bearer(token), timeout=10.0)
    assert granted.status_code == 200, granted.text
    other_purpose = httpx.post(release, json={"purpose": "legal_support"}, headers=bearer(token), timeout=10.0)
    assert other_purpose.status_code == 403
    user = httpx.post(release, json={"purpose": "notifications"}, headers=bearer(pkce_token(oidc_issuer, "admin")),
                      timeout=10.0)
    assert user.status_code == 403


def test_a_preflight_from_the_web_origin_is_allowed_by_a_running_service(both):
    response = httpx.options(both.url("intake") + "/incidents", headers={
        "Origin": WEB_ORIGIN, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization,content-type,idempotency-key"}, timeout=10.0)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == WEB_ORIGIN


def test_a_preflight_from_another_origin_is_refused_by_a_running_service(both):
    response = httpx.options(both.url("intake") + "/incidents", headers={
        "Origin": UNLISTED_ORIGIN, "Access-Control-Request-Method": "POST"}, timeout=10.0)
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_a_running_service_serves_its_docs_and_their_assets_itself(both):
    import re

    page = httpx.get(both.url("intake") + "/docs", timeout=10.0)
    assert page.status_code == 200
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)
    for asset in re.findall(r"(?:src|href)=\"(/docs/assets/[^\"]+)\"", page.text):
        assert httpx.get(both.url("intake") + asset, timeout=10.0).status_code == 200, asset
    assert httpx.get(both.url("intake") + "/openapi.json", timeout=10.0).json()["info"]["title"]
