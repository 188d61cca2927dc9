"""Bearer JWT verification and the FastAPI role/scope dependency."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import time
from pathlib import Path
from typing import Annotated, Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi import Depends, FastAPI
from fastapi.testclient import TestClient
from jwt.algorithms import ECAlgorithm, RSAAlgorithm
from servicekit.auth import (
    ROLES,
    AuthError,
    Principal,
    TokenVerifier,
    TrustedIssuer,
    install_auth_handlers,
    require,
)

ISSUER = "https://auth.example.org/realms/redress"
AUDIENCE = "redress"
EC_KEY = ec.generate_private_key(ec.SECP256R1())
RSA_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_EC_KEY = ec.generate_private_key(ec.SECP256R1())


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _jwk(key: Any, kid: str) -> dict[str, Any]:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        jwk = ECAlgorithm.to_jwk(key.public_key(), as_dict=True)
    else:
        jwk = RSAAlgorithm.to_jwk(key.public_key(), as_dict=True)
    return {**jwk, "kid": kid, "use": "sig"}


def write_jwks(path: Path, *keys: tuple[Any, str]) -> Path:
    path.write_text(json.dumps({"keys": [_jwk(key, kid) for key, kid in keys]}))
    return path


def make_token(key: Any = EC_KEY, alg: str = "ES256", kid: str | None = "ec-1", **overrides: Any) -> str:
    now = int(time.time())
    claims: dict[str, Any] = {"iss": ISSUER, "aud": AUDIENCE, "sub": "alice", "iat": now, "nbf": now,
                              "exp": now + 300, "roles": ["monitor"], "org": "org-amdh"}
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    headers = {"kid": kid} if kid else {}
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hand_made_token(header: dict[str, Any], claims: dict[str, Any], sign: Any = None) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = sign(signing_input.encode()) if sign else b""
    return f"{signing_input}.{_b64(signature)}"


def valid_claims() -> dict[str, Any]:
    now = int(time.time())
    return {"iss": ISSUER, "aud": AUDIENCE, "sub": "mallory", "iat": now, "exp": now + 300, "roles": ["admin"]}


@pytest.fixture
def jwks_file(tmp_path: Path) -> Path:
    return write_jwks(tmp_path / "jwks.json", (EC_KEY, "ec-1"), (RSA_KEY, "rsa-1"))


@pytest.fixture
def verifier(jwks_file: Path) -> TokenVerifier:
    return TokenVerifier([TrustedIssuer(ISSUER, AUDIENCE, jwks_file=jwks_file)], leeway_seconds=30)


async def rejected(verifier: TokenVerifier, token: str) -> AuthError:
    with pytest.raises(AuthError) as caught:
        await verifier.verify(token)
    assert caught.value.status_code == 401
    return caught.value


# --- verification ---------------------------------------------------------------------------------


async def test_accepts_es256_token_and_builds_principal(verifier: TokenVerifier) -> None:
    principal = await verifier.verify(make_token(scope="pii:decrypt reports:read", principal_type="user"))
    assert principal.subject == "alice"
    assert principal.issuer == ISSUER
    assert principal.roles == frozenset({"monitor"})
    assert principal.scopes == frozenset({"pii:decrypt", "reports:read"})
    assert principal.organisation == "org-amdh"
    assert principal.is_service is False
    assert principal.claims["sub"] == "alice"


async def test_accepts_rs256_token(verifier: TokenVerifier) -> None:
    principal = await verifier.verify(make_token(RSA_KEY, "RS256", "rsa-1", roles=["lawyer"]))
    assert principal.roles == frozenset({"lawyer"})


async def test_reads_scopes_from_scp_list_and_service_principal_type(verifier: TokenVerifier) -> None:
    token = make_token(scp=["pii:decrypt", "keys:release"], principal_type="service", roles=[], org=None)
    principal = await verifier.verify(token)
    assert principal.scopes == frozenset({"pii:decrypt", "keys:release"})
    assert principal.is_service is True
    assert principal.organisation is None


async def test_principal_repr_hides_claims_that_may_hold_pii(verifier: TokenVerifier) -> None:
    principal = await verifier.verify(make_token(email="awa@example.org", name="Awa Traoré"))
    assert "awa@example.org" not in repr(principal)
    assert "Traoré" not in repr(principal)
    assert principal.claims["email"] == "awa@example.org"


async def test_rejects_alg_none(verifier: TokenVerifier) -> None:
    token = hand_made_token({"alg": "none", "typ": "JWT", "kid": "ec-1"}, valid_claims())
    error = await rejected(verifier, token)
    assert error.detail == "token algorithm is not allowed"


async def test_rejects_hs256_signed_with_public_key(verifier: TokenVerifier) -> None:
    public_pem = RSA_KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    token = hand_made_token({"alg": "HS256", "typ": "JWT", "kid": "rsa-1"}, valid_claims(),
                            sign=lambda data: hmac.new(public_pem, data, hashlib.sha256).digest())
    error = await rejected(verifier, token)
    assert error.detail == "token algorithm is not allowed"


async def test_rejects_hs256_with_shared_secret(verifier: TokenVerifier) -> None:
    token = jwt.encode(valid_claims(), "a-shared-secret-of-32-bytes-long!", algorithm="HS256",
                       headers={"kid": "ec-1"})
    assert (await rejected(verifier, token)).detail == "token algorithm is not allowed"


async def test_rejects_es256_header_pointing_at_an_rsa_key(verifier: TokenVerifier) -> None:
    # Algorithm confusion: the header's alg must match the type of the key its kid selects.
    token = make_token(EC_KEY, "ES256", kid="rsa-1")
    assert (await rejected(verifier, token)).detail == "token is invalid"


async def test_rejects_expired_token(verifier: TokenVerifier) -> None:
    now = int(time.time())
    token = make_token(iat=now - 3600, nbf=now - 3600, exp=now - 60)
    assert (await rejected(verifier, token)).detail == "token has expired"


async def test_accepts_token_expired_within_leeway(verifier: TokenVerifier) -> None:
    principal = await verifier.verify(make_token(exp=int(time.time()) - 10))
    assert principal.subject == "alice"


async def test_rejects_token_whose_nbf_is_in_the_future(verifier: TokenVerifier) -> None:
    token = make_token(nbf=int(time.time()) + 600)
    assert (await rejected(verifier, token)).detail == "token is not yet valid"


async def test_rejects_token_issued_in_the_future(verifier: TokenVerifier) -> None:
    token = make_token(iat=int(time.time()) + 600, nbf=None)
    assert (await rejected(verifier, token)).detail == "token is not yet valid"


async def test_rejects_untrusted_issuer(verifier: TokenVerifier) -> None:
    token = make_token(iss="https://evil.example.com/")
    assert (await rejected(verifier, token)).detail == "token issuer is not trusted"


async def test_rejects_wrong_audience(verifier: TokenVerifier) -> None:
    token = make_token(aud="another-api")
    assert (await rejected(verifier, token)).detail == "token audience is not accepted"


async def test_rejects_bad_signature_from_a_key_reusing_a_trusted_kid(verifier: TokenVerifier) -> None:
    token = make_token(OTHER_EC_KEY, "ES256", "ec-1")
    assert (await rejected(verifier, token)).detail == "token signature is invalid"


async def test_rejects_unknown_kid(verifier: TokenVerifier) -> None:
    token = make_token(OTHER_EC_KEY, "ES256", "not-in-jwks")
    assert (await rejected(verifier, token)).detail == "token signing key is unknown"


async def test_rejects_token_without_kid(verifier: TokenVerifier) -> None:
    assert (await rejected(verifier, make_token(kid=None))).detail == "token has no key id"


async def test_rejects_tampered_claims(verifier: TokenVerifier) -> None:
    header, payload, signature = make_token(roles=["monitor"]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["roles"] = ["admin"]
    forged = f"{header}.{_b64(json.dumps(claims).encode())}.{signature}"
    assert (await rejected(verifier, forged)).detail == "token signature is invalid"


@pytest.mark.parametrize("token", ["", "not-a-jwt", "a.b.c", "eyJhbGciOiJFUzI1NiJ9.bm90IGpzb24.c2ln", "x" * 20000])
async def test_rejects_malformed_token(verifier: TokenVerifier, token: str) -> None:
    assert (await rejected(verifier, token)).detail == "malformed token"


async def test_rejects_token_missing_exp(verifier: TokenVerifier) -> None:
    assert (await rejected(verifier, make_token(exp=None))).detail == "token lacks a required claim"


async def test_rejects_roles_claim_that_is_a_bare_string(verifier: TokenVerifier) -> None:
    assert (await rejected(verifier, make_token(roles="admin"))).detail == "token roles claim is malformed"


@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_ignores_rsa_keys_shorter_than_2048_bits(tmp_path: Path) -> None:
    weak = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    jwks = write_jwks(tmp_path / "jwks.json", (weak, "weak"))
    verifier = TokenVerifier([TrustedIssuer(ISSUER, AUDIENCE, jwks_file=jwks)])
    token = make_token(weak, "RS256", "weak")
    assert (await rejected(verifier, token)).detail == "token signing key is unknown"


async def test_never_uses_private_key_material_published_in_jwks(tmp_path: Path) -> None:
    leaked = {**ECAlgorithm.to_jwk(EC_KEY, as_dict=True), "kid": "ec-1"}  # includes "d"
    (tmp_path / "jwks.json").write_text(json.dumps({"keys": [leaked]}))
    verifier = TokenVerifier([TrustedIssuer(ISSUER, AUDIENCE, jwks_file=tmp_path / "jwks.json")])
    principal = await verifier.verify(make_token())
    assert principal.subject == "alice"  # verified with the public half only


# --- key loading, rotation and refresh ----------------------------------------------------------


async def test_refreshes_keys_on_unknown_kid_at_most_once_per_minute(tmp_path: Path) -> None:
    clock = FakeClock()
    jwks = write_jwks(tmp_path / "jwks.json", (EC_KEY, "ec-1"))
    verifier = TokenVerifier([TrustedIssuer(ISSUER, AUDIENCE, jwks_file=jwks)], clock=clock)
    await verifier.verify(make_token())  # initial load
    write_jwks(jwks, (EC_KEY, "ec-1"), (OTHER_EC_KEY, "ec-2"))  # the issuer rotates in a new key
    new_token = make_token(OTHER_EC_KEY, "ES256", "ec-2")
    clock.now += 30
    assert (await rejected(verifier, new_token)).detail == "token signing key is unknown"
    clock.now += 31
    assert (await verifier.verify(new_token)).subject == "alice"


async def test_key_withdrawn_from_jwks_stops_being_accepted_after_cache_ttl(tmp_path: Path) -> None:
    clock = FakeClock()
    jwks = write_jwks(tmp_path / "jwks.json", (EC_KEY, "ec-1"), (OTHER_EC_KEY, "ec-2"))
    verifier = TokenVerifier([TrustedIssuer(ISSUER, AUDIENCE, jwks_file=jwks)], clock=clock,
                             cache_ttl_seconds=600)
    token = make_token(OTHER_EC_KEY, "ES256", "ec-2")
    await verifier.verify(token)
    write_jwks(jwks, (EC_KEY, "ec-1"))  # ec-2 revoked
    clock.now += 601
    assert (await rejected(verifier, token)).detail == "token signing key is unknown"


class CountedDecodes:
    """Counts PyJWT's signature-checking decodes (the unverified ones read only the header and issuer)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        real = jwt.decode

        def decode(token: str, *args: Any, **kwargs: Any) -> Any:
            if kwargs.get("key") is not None:
                self.count += 1
            return real(token, *args, **kwargs)

        monkeypatch.setattr(jwt, "decode", decode)


async def test_a_token_is_verified_once_then_remembered(verifier: TokenVerifier,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    decodes = CountedDecodes(monkeypatch)
    token = make_token()
    first, again = await verifier.verify(token), await verifier.verify(token)
    assert first == again and again.subject == "alice" and again.organisation == "org-amdh"
    assert decodes.count == 1
    await verifier.verify(make_token(sub="bob"))  # another token is checked on its own
    assert decodes.count == 2


async def test_a_remembered_token_is_refused_once_it_expires(jwks_file: Path) -> None:
    verifier = TokenVerifier([TrustedIssuer(ISSUER, AUDIENCE, jwks_file=jwks_file)], leeway_seconds=0)
    expires = int(time.time()) + 2
    token = make_token(iat=expires - 60, nbf=expires - 60, exp=expires)
    assert (await verifier.verify(token)).subject == "alice"
    while time.time() < expires:
        await asyncio.sleep(0.2)
    assert (await rejected(verifier, token)).detail == "token has expired"


async def test_a_remembered_token_is_checked_again_when_its_keys_are_read_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = FakeClock()
    jwks = write_jwks(tmp_path / "jwks.json", (EC_KEY, "ec-1"))
    verifier = TokenVerifier([TrustedIssuer(ISSUER, AUDIENCE, jwks_file=jwks)], clock=clock)
    decodes = CountedDecodes(monkeypatch)
    token = make_token()
    await verifier.verify(token)
    write_jwks(jwks, (EC_KEY, "ec-1"), (OTHER_EC_KEY, "ec-2"))
    clock.now += 61
    await verifier.verify(make_token(OTHER_EC_KEY, "ES256", "ec-2"))  # an unknown kid: the keys are read again
    assert (await verifier.verify(token)).subject == "alice"
    assert decodes.count == 3  # the first token was checked again against the keys as read now


async def test_a_remembered_principal_cannot_be_edited_by_a_caller(verifier: TokenVerifier) -> None:
    token = make_token()
    (await verifier.verify(token)).claims["roles"].append("admin")
    assert (await verifier.verify(token)).claims["roles"] == ["monitor"]


async def test_fetches_jwks_from_url_once_and_caches_it() -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        return httpx.Response(200, json={"keys": [_jwk(EC_KEY, "ec-1")]})

    issuer = TrustedIssuer(ISSUER, AUDIENCE, jwks_url="https://auth.example.org/jwks")
    verifier = TokenVerifier([issuer], http_transport=httpx.MockTransport(handler))
    for _ in range(3):
        assert (await verifier.verify(make_token())).subject == "alice"
    assert calls == ["https://auth.example.org/jwks"]


async def test_unreachable_jwks_url_is_a_401_not_a_crash() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    issuer = TrustedIssuer(ISSUER, AUDIENCE, jwks_url="https://auth.example.org/jwks")
    verifier = TokenVerifier([issuer], http_transport=httpx.MockTransport(handler))
    assert (await rejected(verifier, make_token())).detail == "token signing key is unknown"


def test_jwks_url_must_use_https() -> None:
    with pytest.raises(ValueError, match="https"):
        TrustedIssuer(ISSUER, AUDIENCE, jwks_url="http://auth.example.org/jwks")
    assert TrustedIssuer(ISSUER, AUDIENCE, jwks_url="http://localhost:8080/jwks").jwks_url


async def test_jwks_file_given_as_string_is_accepted(jwks_file: Path) -> None:
    issuer = TrustedIssuer(ISSUER, AUDIENCE, jwks_file=str(jwks_file))  # type: ignore[arg-type]
    assert (await TokenVerifier([issuer]).verify(make_token())).subject == "alice"


def test_trusted_issuer_needs_exactly_one_key_source(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="exactly one"):
        TrustedIssuer(ISSUER, AUDIENCE)
    with pytest.raises(ValueError, match="exactly one"):
        TrustedIssuer(ISSUER, AUDIENCE, jwks_file=tmp_path / "j.json", jwks_url="https://a.example/j")


# --- FastAPI dependency -----------------------------------------------------------------------------


def build_app(verifier: TokenVerifier | None, *, handlers: bool = True) -> FastAPI:
    app = FastAPI()
    if verifier is not None:
        app.state.token_verifier = verifier
    if handlers:
        install_auth_handlers(app)

    @app.get("/victims")
    async def victims(principal: Annotated[Principal, Depends(require(roles={"monitor", "lawyer"}))]) -> dict:
        return {"subject": principal.subject, "org": principal.organisation}

    @app.get("/keys")
    async def keys(
        principal: Annotated[Principal, Depends(require(scopes={"pii:decrypt", "keys:release"}))],
    ) -> dict:
        return {"subject": principal.subject}

    return app


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_valid_token_with_role_reaches_the_route(verifier: TokenVerifier) -> None:
    with TestClient(build_app(verifier)) as client:
        response = client.get("/victims", headers=bearer(make_token()))
    assert response.status_code == 200
    assert response.json() == {"subject": "alice", "org": "org-amdh"}


def test_any_one_of_the_listed_roles_is_enough(verifier: TokenVerifier) -> None:
    with TestClient(build_app(verifier)) as client:
        response = client.get("/victims", headers=bearer(make_token(roles=["lawyer", "educator"])))
    assert response.status_code == 200


def test_missing_token_is_401_with_bare_bearer_challenge(verifier: TokenVerifier) -> None:
    with TestClient(build_app(verifier)) as client:
        response = client.get("/victims")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["title"] == "Authentification requise"  # French unless the client asks otherwise
    assert response.json()["code"] == "a_bearer_token_is_required"


def test_non_bearer_scheme_is_401(verifier: TokenVerifier) -> None:
    with TestClient(build_app(verifier)) as client:
        response = client.get("/victims", headers={"Authorization": "Basic YWxpY2U6cGFzcw=="})
    assert response.status_code == 401


def test_expired_token_is_401(verifier: TokenVerifier) -> None:
    token = make_token(exp=int(time.time()) - 3600, iat=int(time.time()) - 7200, nbf=None)
    with TestClient(build_app(verifier)) as client:
        response = client.get("/victims", headers=bearer(token))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body == {"type": "about:blank", "title": "Authentification requise", "status": 401,
                    "detail": "Le jeton d'accès a expiré : reconnectez-vous.", "code": "token_has_expired"}
    assert token not in response.text


def test_alg_none_token_is_401(verifier: TokenVerifier) -> None:
    token = hand_made_token({"alg": "none", "kid": "ec-1"}, valid_claims())
    with TestClient(build_app(verifier)) as client:
        response = client.get("/victims", headers=bearer(token))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_wrong_role_is_403(verifier: TokenVerifier) -> None:
    with TestClient(build_app(verifier)) as client:
        response = client.get("/victims", headers=bearer(make_token(roles=["analyst"])))
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {"type": "about:blank", "title": "Accès refusé", "status": 403,
                               "detail": "Votre rôle ne permet pas cette action.", "code": "a_required_role_is_missing"}


def test_admin_is_not_an_implicit_superuser(verifier: TokenVerifier) -> None:
    with TestClient(build_app(verifier)) as client:
        response = client.get("/victims", headers=bearer(make_token(roles=["admin"])))
    assert response.status_code == 403


def test_missing_one_of_the_required_scopes_is_403(verifier: TokenVerifier) -> None:
    with TestClient(build_app(verifier)) as client:
        partial = client.get("/keys", headers=bearer(make_token(scope="pii:decrypt")))
        full = client.get("/keys", headers=bearer(make_token(scope="pii:decrypt keys:release")))
    assert partial.status_code == 403
    assert partial.json()["code"] == "a_required_scope_is_missing"
    assert full.status_code == 200


def test_denial_is_still_401_with_challenge_without_problem_handlers(verifier: TokenVerifier) -> None:
    with TestClient(build_app(verifier, handlers=False)) as client:
        response = client.get("/victims", headers=bearer("garbage"))
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == 'Bearer error="invalid_token"'


def test_app_without_verifier_fails_closed() -> None:
    with TestClient(build_app(None), raise_server_exceptions=False) as client:
        response = client.get("/victims", headers=bearer(make_token()))
    assert response.status_code == 500


def test_denial_is_logged_without_the_token(verifier: TokenVerifier, caplog: pytest.LogCaptureFixture) -> None:
    token = make_token(aud="elsewhere")
    with caplog.at_level(logging.INFO, logger="servicekit.auth"), TestClient(build_app(verifier)) as client:
        client.get("/victims", headers=bearer(token))
    assert "token audience is not accepted" in caplog.text
    assert token not in caplog.text


def test_require_refuses_unknown_or_empty_role_sets() -> None:
    with pytest.raises(ValueError):
        require(roles={"monitors"})
    with pytest.raises(ValueError):
        require(roles=set())
    with pytest.raises(ValueError):
        require(scopes=set())
    assert {"monitor", "admin", "notify_admin"} <= ROLES


# --- OpenID discovery and a second issuer -----------------------------------------------------------

PROVIDER = "http://127.0.0.1:18080/realms/redress"
PROVIDER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def provider_transport(calls: list[str], *, issuer: str = PROVIDER, jwks_uri: str | None = None) -> httpx.MockTransport:
    """The provider as seen over HTTP: its discovery document and the JWKS it names."""
    jwks = jwks_uri or f"{PROVIDER}/protocol/openid-connect/certs"

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        if str(request.url) == f"{PROVIDER}/.well-known/openid-configuration":
            return httpx.Response(200, json={"issuer": issuer, "jwks_uri": jwks})
        if str(request.url) == jwks:
            return httpx.Response(200, json={"keys": [_jwk(PROVIDER_KEY, "kc-rsa")]})
        return httpx.Response(404)

    return httpx.MockTransport(handler)


def provider_token(**overrides: Any) -> str:
    return make_token(PROVIDER_KEY, "RS256", "kc-rsa", iss=PROVIDER, **overrides)


def two_issuers(jwks_file: Path, transport: httpx.MockTransport) -> TokenVerifier:
    return TokenVerifier([TrustedIssuer(ISSUER, AUDIENCE, jwks_file=jwks_file),
                          TrustedIssuer(PROVIDER, AUDIENCE, discover=True)], http_transport=transport)


async def test_finds_the_provider_keys_through_its_discovery_document(jwks_file: Path) -> None:
    calls: list[str] = []
    verifier = two_issuers(jwks_file, provider_transport(calls))
    principal = await verifier.verify(provider_token(roles=["lawyer"], org="org-legal", preferred_username="awa"))
    assert (principal.issuer, principal.roles, principal.organisation) == (PROVIDER, frozenset({"lawyer"}), "org-legal")
    assert principal.username == "awa"
    assert calls == [f"{PROVIDER}/.well-known/openid-configuration", f"{PROVIDER}/protocol/openid-connect/certs"]
    assert (await verifier.verify(make_token())).issuer == ISSUER  # the development issuer still works


async def test_refuses_keys_from_a_discovery_document_naming_another_issuer(jwks_file: Path) -> None:
    verifier = two_issuers(jwks_file, provider_transport([], issuer="https://evil.example.com/realms/redress"))
    assert (await rejected(verifier, provider_token())).detail == "token signing key is unknown"


async def test_refuses_a_discovered_jwks_uri_over_plain_http_to_another_host(jwks_file: Path) -> None:
    verifier = two_issuers(jwks_file, provider_transport([], jwks_uri="http://keys.example.com/certs"))
    assert (await rejected(verifier, provider_token())).detail == "token signing key is unknown"


async def test_a_token_signed_by_the_dev_key_but_naming_the_provider_is_refused(jwks_file: Path) -> None:
    # Each issuer's keys verify only its own tokens: the development key must not mint provider tokens.
    verifier = two_issuers(jwks_file, provider_transport([]))
    assert (await rejected(verifier, make_token(iss=PROVIDER))).detail == "token signing key is unknown"


async def test_a_provider_token_with_the_wrong_audience_is_refused(jwks_file: Path) -> None:
    verifier = two_issuers(jwks_file, provider_transport([]))
    assert (await rejected(verifier, provider_token(aud="account"))).detail == "token audience is not accepted"


async def test_a_provider_token_with_edited_roles_is_refused(jwks_file: Path) -> None:
    verifier = two_issuers(jwks_file, provider_transport([]))
    header, payload, signature = provider_token(roles=["monitor"]).split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    forged = f"{header}.{_b64(json.dumps({**claims, 'roles': ['admin']}).encode())}.{signature}"
    assert (await rejected(verifier, forged)).detail == "token signature is invalid"


@pytest.mark.parametrize("issuer", ["http://auth.example.org/realms/redress", "ftp://127.0.0.1/realms/redress"])
def test_a_discovered_issuer_must_use_https_unless_on_loopback(issuer: str) -> None:
    with pytest.raises(ValueError, match="https"):
        TrustedIssuer(issuer, AUDIENCE, discover=True)
    assert TrustedIssuer("https://auth.example.org/realms/redress", AUDIENCE, discover=True).discover
    assert TrustedIssuer("http://localhost:18080/realms/redress", AUDIENCE, discover=True).discover
