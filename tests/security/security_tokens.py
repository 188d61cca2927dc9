"""Forged and broken bearer tokens: what an attacker who can read the JWKS (it is public) could send.

Each forgery starts from the claims of a genuine admin token so that, were the forgery accepted, the
route would answer 200: a 401 then proves the verifier refused the token, not the role.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm
from servicekit.devtokens import DEV_AUDIENCE, DEV_ISSUER, JWKS_FILE, jwk_thumbprint, mint_token


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _segment(document: dict[str, Any]) -> str:
    return b64url(json.dumps(document, separators=(",", ":")).encode())


def _unb64(segment: str) -> bytes:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))


class Forger:
    """Builds attack tokens against the development issuer whose private key signs genuine tokens."""

    def __init__(self, private_key: Path, *, role: str = "admin") -> None:
        self.private_key = Path(private_key)
        self.role = role
        self.jwk = json.loads((self.private_key.parent / JWKS_FILE).read_text(encoding="utf-8"))["keys"][0]

    def genuine(self, **extra: Any) -> str:
        return mint_token(self.private_key, subject=f"{self.role}-attacker", roles=[self.role], org="org-amdh",
                          extra_claims=extra or None)

    def claims(self, **changes: Any) -> dict[str, Any]:
        now = int(time.time())
        base = {"iss": DEV_ISSUER, "aud": DEV_AUDIENCE, "sub": f"{self.role}-attacker", "iat": now, "nbf": now,
                "exp": now + 600, "roles": [self.role], "org": "org-amdh", "principal_type": "user"}
        return {**base, **changes}

    def public_pem(self) -> bytes:
        """The published verification key as PEM: what a naive verifier would use as an HMAC secret."""
        key = jwt.PyJWK(self.jwk).key
        return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)

    # --- the attacks -------------------------------------------------------------------------

    def alg_none(self) -> str:
        header = {"alg": "none", "typ": "JWT", "kid": self.jwk["kid"]}
        return f"{_segment(header)}.{_segment(self.claims())}."

    def alg_none_capitalised(self) -> str:
        header = {"alg": "None", "typ": "JWT", "kid": self.jwk["kid"]}
        return f"{_segment(header)}.{_segment(self.claims())}."

    def hs256_with_public_key(self) -> str:
        # Signed by hand: PyJWT itself refuses to use a PEM public key as an HMAC secret.
        header = {"alg": "HS256", "typ": "JWT", "kid": self.jwk["kid"]}
        signing_input = f"{_segment(header)}.{_segment(self.claims())}"
        signature = hmac.new(self.public_pem(), signing_input.encode(), hashlib.sha256).digest()
        return f"{signing_input}.{b64url(signature)}"

    def expired(self) -> str:
        now = int(time.time())
        return self.genuine(iat=now - 7200, nbf=now - 7200, exp=now - 3600)

    def not_yet_valid(self) -> str:
        return self.genuine(nbf=int(time.time()) + 3600)

    def issued_in_the_future(self) -> str:
        now = int(time.time())
        return self.genuine(iat=now + 3600, nbf=now - 10)

    def wrong_issuer(self) -> str:
        return self.genuine(iss="https://auth.attacker.example/")

    def wrong_audience(self) -> str:
        return self.genuine(aud="some-other-api")

    def without_expiry(self) -> str:
        token = self.genuine()
        _, payload, _ = token.split(".")
        claims = json.loads(_unb64(payload))
        claims.pop("exp")
        # Re-signed with the genuine key: only the missing claim is wrong.
        return jwt.encode(claims, self._signing_key(), algorithm="ES256", headers={"kid": self.jwk["kid"]})

    def tampered_claims(self) -> str:
        """A genuine monitor token whose payload was edited to say admin; the signature is the original."""
        genuine = mint_token(self.private_key, subject="monitor-1", roles=["monitor"], org="org-amdh")
        header, payload, signature = genuine.split(".")
        claims = json.loads(_unb64(payload))
        claims["roles"] = [self.role]
        return f"{header}.{_segment(claims)}.{signature}"

    def unknown_kid(self) -> str:
        """Signed by an attacker's own key, under the attacker's key id."""
        attacker = ec.generate_private_key(ec.SECP256R1())
        public = ECAlgorithm.to_jwk(attacker.public_key(), as_dict=True)
        kid = jwk_thumbprint(public)
        return jwt.encode(self.claims(), attacker, algorithm="ES256", headers={"kid": kid})

    def attacker_key_under_trusted_kid(self) -> str:
        """Signed by an attacker's key but claiming the trusted key id."""
        attacker = ec.generate_private_key(ec.SECP256R1())
        return jwt.encode(self.claims(), attacker, algorithm="ES256", headers={"kid": self.jwk["kid"]})

    def embedded_jwk(self) -> str:
        """The attacker's public key embedded in the header (CVE-2018-0114 style): must be ignored."""
        attacker = ec.generate_private_key(ec.SECP256R1())
        public = ECAlgorithm.to_jwk(attacker.public_key(), as_dict=True)
        return jwt.encode(self.claims(), attacker, algorithm="ES256",
                          headers={"kid": jwk_thumbprint(public), "jwk": public})

    def rs256_unknown_key(self) -> str:
        attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(self.claims(), attacker, algorithm="RS256", headers={"kid": self.jwk["kid"]})

    def truncated_signature(self) -> str:
        token = self.genuine()
        return token[: token.rindex(".") + 1]

    def _signing_key(self) -> ec.EllipticCurvePrivateKey:
        key = serialization.load_pem_private_key(self.private_key.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return key


ATTACKS: dict[str, Callable[[Forger], str]] = {
    "alg_none": Forger.alg_none,
    "alg_None_capitalised": Forger.alg_none_capitalised,
    "hs256_signed_with_public_key_pem": Forger.hs256_with_public_key,
    "expired": Forger.expired,
    "not_yet_valid_nbf": Forger.not_yet_valid,
    "issued_in_the_future_iat": Forger.issued_in_the_future,
    "wrong_issuer": Forger.wrong_issuer,
    "wrong_audience": Forger.wrong_audience,
    "missing_exp": Forger.without_expiry,
    "tampered_claims": Forger.tampered_claims,
    "unknown_kid": Forger.unknown_kid,
    "attacker_key_under_trusted_kid": Forger.attacker_key_under_trusted_kid,
    "embedded_jwk_header": Forger.embedded_jwk,
    "rs256_attacker_key": Forger.rs256_unknown_key,
    "truncated_signature": Forger.truncated_signature,
}


class ProviderForger:
    """Builds attack tokens that name the real OpenID provider's issuer, from a genuine monitor token of it."""

    def __init__(self, issuer: str, monitor_token: str, dev_private_key: Path) -> None:
        import httpx

        self.issuer = issuer
        self.monitor_token = monitor_token
        self.dev_private_key = Path(dev_private_key)
        discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=10.0).json()
        keys = httpx.get(discovery["jwks_uri"], timeout=10.0).json()["keys"]
        self.jwk = next(k for k in keys if k.get("alg") == "RS256" and k.get("use") == "sig")

    def claims(self, **changes: Any) -> dict[str, Any]:
        return {**json.loads(_unb64(self.monitor_token.split(".")[1])), "roles": ["admin"], **changes}

    def tampered_roles(self) -> str:
        """The genuine token with its roles edited to admin; the provider's signature is kept."""
        header, _, signature = self.monitor_token.split(".")
        return f"{header}.{_segment(self.claims())}.{signature}"

    def dev_key_naming_the_provider(self) -> str:
        """Signed by the development key (trusted for its own issuer only) but naming the provider."""
        return mint_token(self.dev_private_key, subject="admin-attacker", roles=["admin"], org="org-amdh",
                          issuer=self.issuer)

    def attacker_key_under_provider_kid(self) -> str:
        attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return jwt.encode(self.claims(), attacker, algorithm="RS256", headers={"kid": self.jwk["kid"]})

    def alg_none(self) -> str:
        return f"{_segment({'alg': 'none', 'typ': 'JWT', 'kid': self.jwk['kid']})}.{_segment(self.claims())}."

    def hs256_with_provider_public_key(self) -> str:
        pem = jwt.PyJWK(self.jwk).key.public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
        signing_input = f"{_segment({'alg': 'HS256', 'typ': 'JWT', 'kid': self.jwk['kid']})}.{_segment(self.claims())}"
        return f"{signing_input}.{b64url(hmac.new(pem, signing_input.encode(), hashlib.sha256).digest())}"

    def truncated_signature(self) -> str:
        return self.monitor_token[: self.monitor_token.rindex(".") + 1]


PROVIDER_ATTACKS: dict[str, Callable[[ProviderForger], str]] = {
    "provider_tampered_roles": ProviderForger.tampered_roles,
    "dev_key_naming_the_provider": ProviderForger.dev_key_naming_the_provider,
    "attacker_key_under_provider_kid": ProviderForger.attacker_key_under_provider_kid,
    "provider_alg_none": ProviderForger.alg_none,
    "hs256_with_provider_public_key": ProviderForger.hs256_with_provider_public_key,
    "provider_truncated_signature": ProviderForger.truncated_signature,
}
