"""Development key pair, token minting and the redress-token command."""

from __future__ import annotations

import json
import stat
import time
from pathlib import Path

import jwt
import pytest
from servicekit.auth import AuthError, TokenVerifier, TrustedIssuer
from servicekit.devtokens import DEV_AUDIENCE, DEV_ISSUER, ensure_dev_keypair, jwk_thumbprint, main, mint_token


def dev_verifier(jwks_path: Path) -> TokenVerifier:
    return TokenVerifier([TrustedIssuer(DEV_ISSUER, DEV_AUDIENCE, jwks_file=jwks_path)])


def test_thumbprint_matches_rfc7638_example() -> None:
    jwk = {
        "kty": "RSA",
        "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiF"
             "V4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7"
             "d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF4"
             "4-csFCur-kEgU8awapJzKnqDKgw",
        "e": "AQAB",
        "alg": "RS256",
        "kid": "2011-04-29",
    }
    assert jwk_thumbprint(jwk) == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs"


def test_creates_private_key_0600_and_public_jwks(tmp_path: Path) -> None:
    private_path, jwks_path = ensure_dev_keypair(tmp_path / "keys")
    assert stat.S_IMODE(private_path.stat().st_mode) == 0o600
    assert b"BEGIN PRIVATE KEY" in private_path.read_bytes()
    (key,) = json.loads(jwks_path.read_text())["keys"]
    assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-256", "ES256", "sig")
    assert "d" not in key  # the private scalar never leaves the PEM
    assert key["kid"] == jwk_thumbprint(key)


def test_keypair_is_created_once(tmp_path: Path) -> None:
    first = ensure_dev_keypair(tmp_path)
    pem, jwks = first[0].read_bytes(), first[1].read_text()
    second = ensure_dev_keypair(tmp_path)
    assert second == first
    assert second[0].read_bytes() == pem
    assert second[1].read_text() == jwks


def test_missing_jwks_is_rebuilt_from_the_existing_key(tmp_path: Path) -> None:
    _private_path, jwks_path = ensure_dev_keypair(tmp_path)
    kid = json.loads(jwks_path.read_text())["keys"][0]["kid"]
    jwks_path.unlink()
    ensure_dev_keypair(tmp_path)
    assert json.loads(jwks_path.read_text())["keys"][0]["kid"] == kid


async def test_minted_token_is_accepted_by_the_verifier(tmp_path: Path) -> None:
    private_path, jwks_path = ensure_dev_keypair(tmp_path)
    token = mint_token(private_path, subject="alice", roles=["monitor"], org="org-amdh", scopes=["pii:decrypt"])
    principal = await dev_verifier(jwks_path).verify(token)
    assert principal.subject == "alice"
    assert principal.roles == frozenset({"monitor"})
    assert principal.scopes == frozenset({"pii:decrypt"})
    assert principal.organisation == "org-amdh"
    assert principal.is_service is False


def test_minted_token_is_es256_with_thumbprint_kid_and_lifetime(tmp_path: Path) -> None:
    private_path, jwks_path = ensure_dev_keypair(tmp_path)
    token = mint_token(private_path, subject="svc-notify", roles=[], service=True, ttl_seconds=120)
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "ES256"
    assert header["kid"] == json.loads(jwks_path.read_text())["keys"][0]["kid"]
    assert claims["principal_type"] == "service"
    assert claims["exp"] - claims["iat"] == 120
    assert (claims["iss"], claims["aud"]) == (DEV_ISSUER, DEV_AUDIENCE)
    assert "org" not in claims and "scope" not in claims


async def test_extra_claims_override_defaults_so_tests_can_mint_expired_tokens(tmp_path: Path) -> None:
    private_path, jwks_path = ensure_dev_keypair(tmp_path)
    token = mint_token(private_path, subject="alice", roles=["monitor"],
                       extra_claims={"exp": int(time.time()) - 3600})
    with pytest.raises(AuthError) as caught:
        await dev_verifier(jwks_path).verify(token)
    assert caught.value.detail == "token has expired"


def test_cli_prints_a_token_for_the_requested_principal(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys_dir = tmp_path / "devkeys"
    code = main(["--role", "monitor", "--role", "documentation_officer", "--org", "org-amdh", "--sub", "alice",
                 "--scope", "pii:decrypt", "--keys-dir", str(keys_dir)])
    out = capsys.readouterr().out.strip()
    claims = jwt.decode(out, options={"verify_signature": False})
    assert code == 0
    assert claims["sub"] == "alice"
    assert claims["roles"] == ["documentation_officer", "monitor"]
    assert claims["scope"] == "pii:decrypt"
    assert (keys_dir / "dev-jwks.json").exists()


def test_cli_uses_keys_dir_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("REDRESS_DEV_KEYS_DIR", str(tmp_path / "from-env"))
    main(["--sub", "svc-intake", "--service"])
    claims = jwt.decode(capsys.readouterr().out.strip(), options={"verify_signature": False})
    assert claims["principal_type"] == "service"
    assert (tmp_path / "from-env" / "dev-signing-key.pem").exists()


def test_cli_refuses_unknown_roles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--role", "superuser", "--sub", "alice", "--keys-dir", str(tmp_path)])
    assert exited.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
