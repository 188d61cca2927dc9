"""The browser-facing edge of every service: the CORS allow-list and the offline /docs page."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from pydantic import ValidationError
from servicekit.app import create_app
from servicekit.auth import Principal, require
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.docs import ASSETS
from servicekit.service import token_verifier
from servicekit.settings import BaseServiceSettings

WEB = "http://127.0.0.1:8090"
ELSEWHERE = "https://attacker.example"


def build(tmp_path: Path, origins: list[str] | None = None) -> tuple[TestClient, Path]:
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", auth_jwks_file=jwks,
                                   cors_allowed_origins=[WEB] if origins is None else origins)
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create(principal: Annotated[Principal, Depends(require(roles={"monitor"}))]) -> dict:
        return {"by": principal.subject}

    app = create_app(settings=settings, title="Kit", description="kit", routers=[router],
                     token_verifier=token_verifier(settings))
    return TestClient(app, raise_server_exceptions=False), key


def preflight(client: TestClient, origin: str) -> object:
    return client.options("/things", headers={"Origin": origin, "Access-Control-Request-Method": "POST",
                                              "Access-Control-Request-Headers": "authorization,idempotency-key"})


# --- CORS ---------------------------------------------------------------------------------------------


def test_preflight_from_a_listed_origin_is_allowed(tmp_path: Path) -> None:
    response = preflight(build(tmp_path)[0], WEB)
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == WEB
    assert "POST" in response.headers["access-control-allow-methods"]
    assert "idempotency-key" in response.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in response.headers  # bearer tokens, never cookies


def test_preflight_from_another_origin_is_refused(tmp_path: Path) -> None:
    response = preflight(build(tmp_path)[0], ELSEWHERE)
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_answers_to_a_listed_origin_expose_the_headers_the_web_app_reads(tmp_path: Path) -> None:
    client, key = build(tmp_path)
    token = mint_token(key, subject="u1", roles=["monitor"], org="org-amdh")
    response = client.post("/things", headers={"Origin": WEB, "Authorization": f"Bearer {token}"})
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == WEB
    exposed = response.headers["access-control-expose-headers"].lower()
    assert {"retry-after", "location", "idempotent-replayed"} <= {name.strip() for name in exposed.split(",")}


def test_a_denial_still_carries_cors_headers_so_the_web_app_can_read_it(tmp_path: Path) -> None:
    response = build(tmp_path)[0].post("/things", headers={"Origin": WEB})
    assert response.status_code == 401
    assert response.headers["access-control-allow-origin"] == WEB


def test_answers_to_another_origin_carry_no_cors_headers(tmp_path: Path) -> None:
    response = build(tmp_path)[0].get("/healthz", headers={"Origin": ELSEWHERE})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers


def test_without_an_allow_list_no_origin_is_allowed(tmp_path: Path) -> None:
    response = preflight(build(tmp_path, origins=[])[0], WEB)
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize("origin", ["*", "https://*.example.org", "http://127.0.0.1:8090/app", "null",
                                    "127.0.0.1:8090", "ftp://127.0.0.1"])
def test_settings_refuse_a_wildcard_or_anything_but_an_origin(origin: str) -> None:
    with pytest.raises(ValidationError, match="origin"):
        BaseServiceSettings(service_name="kit", cors_allowed_origins=[origin])


def test_settings_read_the_allow_list_as_a_json_list(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KIT_CORS_ALLOWED_ORIGINS", '["http://127.0.0.1:8090", "https://redress.example.org"]')

    class KitSettings(BaseServiceSettings):
        model_config = {**BaseServiceSettings.model_config, "env_prefix": "KIT_"}

    settings = KitSettings(service_name="kit")
    assert settings.cors_allowed_origins == ["http://127.0.0.1:8090", "https://redress.example.org"]


# --- issuers from settings ----------------------------------------------------------------------------


def test_settings_refuse_an_oidc_issuer_over_plain_http_to_another_host() -> None:
    with pytest.raises(ValidationError, match="https"):
        BaseServiceSettings(service_name="kit", oidc_issuer="http://auth.example.org/realms/redress")


def test_the_verifier_trusts_the_dev_issuer_and_the_provider_when_both_are_set(tmp_path: Path) -> None:
    _, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", auth_jwks_file=jwks,
                                   oidc_issuer="http://127.0.0.1:18080/realms/redress")
    assert sorted(token_verifier(settings)._issuers) == ["http://127.0.0.1:18080/realms/redress",
                                                         "https://auth.redress.local/dev"]


def test_the_verifier_can_trust_the_provider_alone() -> None:
    settings = BaseServiceSettings(service_name="kit", oidc_issuer="https://auth.example.org/realms/redress")
    assert list(token_verifier(settings)._issuers) == ["https://auth.example.org/realms/redress"]


def test_a_service_with_no_trusted_issuer_refuses_to_start() -> None:
    with pytest.raises(ValueError, match="no trusted issuer"):
        token_verifier(BaseServiceSettings(service_name="kit"))


# --- /docs without internet ---------------------------------------------------------------------------


def test_docs_page_loads_nothing_from_another_origin(tmp_path: Path) -> None:
    response = build(tmp_path)[0].get("/docs")
    assert response.status_code == 200
    assert not re.search(r"(src|href)=\"(https?:)?//", response.text)
    assert "<script>" not in response.text  # no inline script: the CSP allows 'self' only
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "default-src 'none'" in csp and "connect-src 'self'" in csp


@pytest.mark.parametrize("name", sorted(ASSETS))
def test_every_asset_the_docs_page_names_is_served_by_the_service(tmp_path: Path, name: str) -> None:
    client = build(tmp_path)[0]
    assert f"/docs/assets/{name}" in client.get("/docs").text
    response = client.get(f"/docs/assets/{name}")
    assert response.status_code == 200 and len(response.content) > 100


def test_the_docs_start_script_never_calls_the_public_validator(tmp_path: Path) -> None:
    script = build(tmp_path)[0].get("/docs/assets/redress-docs.js").text
    assert "validatorUrl: null" in script and "http" not in script


def test_files_of_the_bundle_that_the_page_does_not_use_are_not_served(tmp_path: Path) -> None:
    client = build(tmp_path)[0]
    for name in ("index.html", "swagger-initializer.js", "..%2Fsettings.py"):
        response = client.get(f"/docs/assets/{name}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


def test_redoc_from_a_cdn_is_gone(tmp_path: Path) -> None:
    assert build(tmp_path)[0].get("/redoc").status_code == 404
