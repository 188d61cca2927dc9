"""Problems in the caller's language: negotiation, catalogues, stable codes across languages."""

from __future__ import annotations

from typing import Annotated

import pytest
from fastapi import APIRouter, Depends
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict, Field, field_validator
from servicekit.app import create_app
from servicekit.auth import Principal, TokenVerifier, TrustedIssuer, require
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.errors import InvalidInput
from servicekit.i18n import catalogue, format_value, negotiate, rule_error, text
from servicekit.settings import BaseServiceSettings


class Window(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(max_length=5)
    start: int
    end: int

    @field_validator("end")
    @classmethod
    def _after(cls, value: int) -> int:
        if value < 0:
            raise rule_error("timezone_required")  # any catalogued code: the test checks its route
        return value


@pytest.fixture()
def client(tmp_path) -> tuple[TestClient, dict[str, str]]:
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", auth_jwks_file=jwks)
    router = APIRouter()

    @router.post("/windows")
    async def create(body: Window, principal: Annotated[Principal, Depends(require(roles={"monitor"}))]) -> dict:
        if body.start > body.end:
            raise InvalidInput("body_exceeds_limit", field="end", limit=1000)
        return {}

    verifier = TokenVerifier([TrustedIssuer(issuer=settings.auth_issuer, audience="redress", jwks_file=jwks)])
    app = create_app(settings=settings, title="kit", description="kit", routers=[router], token_verifier=verifier)
    token = mint_token(key, subject="u1", roles=["monitor"], org="org-x")
    return TestClient(app, raise_server_exceptions=False), {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize(("header", "language"), [
    (None, "fr"), ("en", "en"), ("en-GB,en;q=0.9", "en"), ("de, en;q=0.5", "en"), ("de", "fr"),
    ("fr;q=0, en", "en"), ("en;q=0.8, fr;q=0.9", "fr"), ("*", "fr"), ("fr-ML", "fr"), ("garbage;;q=x", "fr"),
])
def test_accept_language_picks_french_or_english_and_french_by_default(header, language):
    assert negotiate(header) == language


def test_domain_error_is_french_without_accept_language(client):
    http, auth = client
    response = http.post("/windows", json={"name": "a", "start": 2, "end": 1}, headers=auth)
    body = response.json()
    assert response.status_code == 422 and response.headers["content-language"] == "fr"
    assert body["title"] == "Données invalides" and body["code"] == "body_exceeds_limit"
    assert body["errors"] == [{"field": "end", "code": "body_exceeds_limit",
                               "reason": "Le corps dépasse 1\u202f000 octets."}]


def test_domain_error_is_english_when_asked_with_the_same_code_and_field(client):
    http, auth = client
    response = http.post("/windows", json={"name": "a", "start": 2, "end": 1},
                         headers={**auth, "Accept-Language": "en"})
    body = response.json()
    assert response.headers["content-language"] == "en" and "accept-language" in response.headers["vary"].lower()
    assert body["title"] == "Invalid input"
    assert body["errors"] == [{"field": "end", "code": "body_exceeds_limit", "reason": "The body exceeds 1,000 bytes."}]


def test_schema_errors_carry_pydantic_codes_and_localised_reasons(client):
    http, auth = client
    bad = {"name": "toolong", "start": "x", "end": -1, "extra": 1}
    fr = http.post("/windows", json=bad, headers=auth).json()
    en = http.post("/windows", json=bad, headers={**auth, "Accept-Language": "en-US"}).json()
    assert [(e["field"], e["code"]) for e in fr["errors"]] == [(e["field"], e["code"]) for e in en["errors"]]
    codes = {e["field"]: e["code"] for e in fr["errors"]}
    assert codes == {"body.name": "string_too_long", "body.start": "int_parsing", "body.end": "timezone_required",
                     "body.extra": "extra_forbidden"}
    reasons = {e["field"]: e["reason"] for e in fr["errors"]}
    assert reasons["body.name"] == "Au plus 5 caractère(s) accepté(s)."
    assert reasons["body.extra"] == "Champ non autorisé."
    assert {e["field"]: e["reason"] for e in en["errors"]}["body.extra"] == "Extra inputs are not permitted."
    assert "toolong" not in str(fr) + str(en)  # the input is never echoed


def test_guard_refusals_are_localised(client):
    http, auth = client
    headers = {**auth, "content-type": "application/json"}
    fr = http.post("/windows", content=b'{"name": ', headers=headers)
    en = http.post("/windows", content=b'{"name": ', headers={**headers, "Accept-Language": "en"})
    assert fr.status_code == en.status_code == 400
    assert fr.json()["code"] == en.json()["code"] == "json_invalid"
    assert fr.json()["detail"] == "Le corps de la requête n'est pas du JSON valide."
    assert en.json()["detail"] == "The request body is not valid JSON."


def test_auth_refusals_are_localised_and_keep_their_challenge(client):
    http, _ = client
    en = http.post("/windows", json={}, headers={"Accept-Language": "en", "Authorization": "Bearer x.y.z"})
    assert en.status_code == 401 and en.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert en.json()["code"] == "malformed_token" and en.json()["detail"] == "The access token is malformed."
    fr = http.get("/nowhere")
    assert fr.status_code == 404 and fr.json()["code"] == "route_not_found"


def test_parameters_are_formatted_per_language():
    assert format_value(2_500_000, "fr") == "2\u202f500\u202f000" and format_value(2_500_000, "en") == "2,500,000"
    assert format_value(["a", "b"], "fr") == "a, b"
    assert text("unknown_term", "fr", vocabulary="regions") == \
        "Code inconnu de la liste « regions » : voir les codes acceptés."


def test_a_missing_parameter_shows_its_name_instead_of_failing():
    assert "{limit}" in catalogue().text("body_exceeds_limit", "en", {})


def test_an_unknown_code_falls_back_to_the_code_itself():
    assert catalogue().text("no_such_code", "fr") == "no_such_code"
