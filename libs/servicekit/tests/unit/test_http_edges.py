"""The HTTP edge every service shares: problem+json, input guard, health and readiness, auth."""

from __future__ import annotations

import time
from typing import Annotated

import jwt
import pytest
from fastapi import APIRouter, Depends, UploadFile
from fastapi.testclient import TestClient
from pydantic import BaseModel, ConfigDict
from servicekit.app import create_app
from servicekit.auth import Principal, TokenVerifier, TrustedIssuer, require
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.errors import Conflict
from servicekit.settings import BaseServiceSettings


class ThingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    tags: dict[str, str] = {}


def build(tmp_path, *, ready: bool = True, max_body: int = 2048) -> tuple[TestClient, object]:
    key, jwks = ensure_dev_keypair(tmp_path / "keys")
    settings = BaseServiceSettings(service_name="kit", auth_jwks_file=jwks, max_body_bytes=max_body)
    router = APIRouter()

    @router.post("/things", status_code=201)
    async def create(body: ThingCreate, principal: Annotated[Principal, Depends(require(roles={"monitor"}))]) -> dict:
        if body.name == "taken":
            raise Conflict("idempotency_key_reused", field="name")
        return {"name": body.name}

    @router.post("/files")
    async def upload(file: UploadFile) -> dict:
        return {"size": len(await file.read())}

    async def store() -> bool:
        return ready

    async def broker() -> bool:
        return True

    verifier = TokenVerifier([TrustedIssuer(issuer=settings.auth_issuer, audience="redress", jwks_file=jwks)])
    app = create_app(settings=settings, title="kit", description="kit", routers=[router],
                     readiness_checks={"store": store, "broker": broker}, token_verifier=verifier,
                     upload_max_bytes=4096)
    return TestClient(app, raise_server_exceptions=False), key


def auth(key, role: str = "monitor", **extra) -> dict[str, str]:
    return {"Authorization": f"Bearer {mint_token(key, subject='u1', roles=[role], org='org-x', **extra)}"}


def test_malformed_json_is_400_problem(tmp_path):
    client, key = build(tmp_path)
    response = client.post("/things", content=b'{"name": ', headers={**auth(key), "content-type": "application/json"})
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [{"field": "body", "code": "json_invalid",
                                          "reason": "Le corps de la requête n'est pas du JSON valide."}]


def test_wrong_content_type_is_415(tmp_path):
    client, key = build(tmp_path)
    response = client.post("/things", content=b"name=x", headers={**auth(key), "content-type": "text/plain"})
    assert response.status_code == 415


def test_oversized_body_is_413(tmp_path):
    client, key = build(tmp_path)
    response = client.post("/things", json={"name": "x" * 5000}, headers=auth(key))
    assert response.status_code == 413


def test_oversized_upload_is_413(tmp_path):
    client, _key = build(tmp_path)
    response = client.post("/files", files={"file": ("a.bin", b"0" * 10_000)})
    assert response.status_code == 413


def test_operator_keys_are_refused_with_the_field(tmp_path):
    client, key = build(tmp_path)
    for body, field in (({"name": "x", "tags": {"$gt": ""}}, "body.tags.$gt"),
                        ({"name": "x", "tags": {"a.b": "c"}}, "body.tags.a.b"),
                        ({"$where": "1", "name": "x"}, "body.$where")):
        response = client.post("/things", json=body, headers=auth(key))
        assert response.status_code == 422, body
        assert response.json()["errors"][0]["field"] == field


def test_operator_query_parameter_names_are_refused(tmp_path):
    client, _ = build(tmp_path)
    assert client.get("/healthz?region[$ne]=x").status_code == 200  # brackets are not operators to us
    assert client.get("/healthz", params={"$where": "1"}).status_code == 400


def test_schema_errors_name_the_field_without_echoing_input(tmp_path):
    client, key = build(tmp_path)
    response = client.post("/things", json={"name": 5, "extra": "Aïssata +22376123456"}, headers=auth(key))
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"body.name", "body.extra"}
    assert "76123456" not in response.text


def test_domain_errors_are_problems(tmp_path):
    client, key = build(tmp_path)
    response = client.post("/things", json={"name": "taken"}, headers=auth(key))
    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "name", "code": "idempotency_key_reused",
                                          "reason": "Cette clé Idempotency-Key a déjà servi pour une autre requête."}]


def test_health_and_readiness(tmp_path):
    client, _ = build(tmp_path)
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    down, _ = build(tmp_path, ready=False)
    response = down.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["store"] == "unreachable"


@pytest.mark.parametrize("case", ["missing", "expired", "wrong_signature", "wrong_audience", "alg_none"])
def test_bad_tokens_are_401(tmp_path, case):
    client, key = build(tmp_path)
    other_key, _ = ensure_dev_keypair(tmp_path / "other")
    headers = {
        "missing": {},
        "expired": auth(key, ttl_seconds=60, extra_claims={"exp": int(time.time()) - 3600}),
        "wrong_signature": auth(other_key),
        "wrong_audience": auth(key, audience="someone-else"),
        "alg_none": {"Authorization": "Bearer " + jwt.encode(
            {"sub": "u1", "roles": ["monitor"], "iss": "https://auth.redress.local/dev", "aud": "redress",
             "exp": int(time.time()) + 600, "iat": int(time.time())}, key=None, algorithm="none")},
    }[case]
    response = client.post("/things", json={"name": "x"}, headers=headers)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_wrong_role_is_403(tmp_path):
    client, key = build(tmp_path)
    assert client.post("/things", json={"name": "x"}, headers=auth(key, role="analyst")).status_code == 403


def test_every_answer_is_marked_no_store(tmp_path):
    client, key = build(tmp_path)
    assert client.post("/things", json={"name": "x"}, headers=auth(key)).headers["cache-control"] == "no-store"
    assert client.get("/healthz").headers["cache-control"] == "no-store"
    assert client.post("/things", json={"name": 1}, headers=auth(key)).headers["cache-control"] == "no-store"


@pytest.mark.parametrize("levels", [40, 5000])
def test_deeply_nested_bodies_are_400_not_a_crash(tmp_path, levels):
    client, key = build(tmp_path, max_body=100_000)  # 5,000 levels overflow the parser's recursion
    body = b'{"name": "x", "tags": ' + b"[" * levels + b"]" * levels + b"}"
    response = client.post("/things", content=body, headers={**auth(key), "content-type": "application/json"})
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("body", "json_too_deep")]


def test_ordinary_nesting_still_reaches_the_route(tmp_path):
    client, key = build(tmp_path)
    assert client.post("/things", json={"name": "x", "tags": {"a": "b"}}, headers=auth(key)).status_code == 201
