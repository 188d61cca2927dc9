"""Development signing key and token minting: the local stand-in for the coalition's OIDC provider.

``ensure_dev_keypair`` creates, once, an EC P-256 private key (PEM, mode 0600) and a JWKS file with its
public key; services in development trust that JWKS file through ``TrustedIssuer(jwks_file=...)``.
Nothing trusts the development issuer unless a service is configured to: production configuration
lists only the real issuers. Command line::

    redress-token --role monitor --org org-amdh --sub alice [--scope pii:decrypt] [--service]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import sys
import time
import uuid
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from jwt.algorithms import ECAlgorithm

from servicekit.auth import ROLES

__all__ = ["DEV_AUDIENCE", "DEV_ISSUER", "ensure_dev_keypair", "jwk_thumbprint", "main", "mint_token"]

DEV_ISSUER = "https://auth.redress.local/dev"
DEV_AUDIENCE = "redress"
PRIVATE_KEY_FILE = "dev-signing-key.pem"
JWKS_FILE = "dev-jwks.json"
# RFC 7638 §3.2: the thumbprint covers only the required members of each key type.
_THUMBPRINT_MEMBERS = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}


def jwk_thumbprint(jwk: Mapping[str, Any]) -> str:
    """Return the RFC 7638 SHA-256 thumbprint of a public JWK, base64url without padding."""
    members = _THUMBPRINT_MEMBERS[jwk["kty"]]
    canonical = json.dumps({name: jwk[name] for name in members}, separators=(",", ":"), sort_keys=True)
    digest = hashlib.sha256(canonical.encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _public_jwk(private_key: ec.EllipticCurvePrivateKey) -> dict[str, Any]:
    jwk: dict[str, Any] = ECAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    public = {name: jwk[name] for name in ("kty", "crv", "x", "y")}
    return {**public, "kid": jwk_thumbprint(public), "use": "sig", "alg": "ES256"}


def _load_private_key(path: Path) -> ec.EllipticCurvePrivateKey:
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, ec.EllipticCurvePrivateKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(f"{path} is not an EC P-256 private key")
    return key


def _write_private_key_once(path: Path) -> None:
    if path.exists():
        return
    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Written whole to a private temp file, then hard-linked into place: link() refuses an existing
    # target, so concurrent first runs agree on one key and no reader ever sees a half-written PEM.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    try:
        os.link(tmp, path)
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


def ensure_dev_keypair(directory: Path) -> tuple[Path, Path]:
    """Create (once) the dev EC P-256 key and its JWKS file; return (private key path, JWKS path)."""
    directory = Path(directory)
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_path, jwks_path = directory / PRIVATE_KEY_FILE, directory / JWKS_FILE
    _write_private_key_once(private_path)
    jwks = json.dumps({"keys": [_public_jwk(_load_private_key(private_path))]}, indent=2)
    if not jwks_path.exists() or jwks_path.read_text(encoding="utf-8") != jwks:
        # Write-then-rename so a verifier never reads a half-written JWKS.
        tmp = jwks_path.with_name(f".{JWKS_FILE}.{os.getpid()}.tmp")
        tmp.write_text(jwks, encoding="utf-8")
        tmp.chmod(0o600)
        os.replace(tmp, jwks_path)
    return private_path, jwks_path


def mint_token(
    private_key_path: Path,
    *,
    subject: str,
    roles: Iterable[str],
    org: str | None = None,
    scopes: Iterable[str] = (),
    issuer: str = DEV_ISSUER,
    audience: str = DEV_AUDIENCE,
    ttl_seconds: int = 3600,
    service: bool = False,
    extra_claims: Mapping[str, Any] | None = None,
) -> str:
    """Mint an ES256 development token; extra_claims are applied last so tests can craft edge cases."""
    key = _load_private_key(Path(private_key_path))
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": issuer, "aud": audience, "sub": subject, "iat": now, "nbf": now, "exp": now + ttl_seconds,
        "jti": str(uuid.uuid4()), "roles": sorted(set(roles)),
        "principal_type": "service" if service else "user",
    }
    if org is not None:
        claims["org"] = org
    scope_list = sorted(set(scopes))
    if scope_list:
        claims["scope"] = " ".join(scope_list)
    claims.update(extra_claims or {})
    return jwt.encode(claims, key, algorithm="ES256", headers={"kid": _public_jwk(key)["kid"]})


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="redress-token", description="Mint a development access token.")
    parser.add_argument("--sub", required=True, help="subject (user or service id)")
    parser.add_argument("--role", action="append", default=[], choices=sorted(ROLES), help="repeatable")
    parser.add_argument("--org", default=None, help="organisation id, e.g. org-amdh")
    parser.add_argument("--scope", action="append", default=[], help="repeatable, e.g. pii:decrypt")
    parser.add_argument("--service", action="store_true", help="mint a service principal token")
    parser.add_argument("--ttl", type=int, default=3600, help="lifetime in seconds")
    parser.add_argument("--issuer", default=DEV_ISSUER)
    parser.add_argument("--audience", default=DEV_AUDIENCE)
    parser.add_argument(
        "--keys-dir", type=Path, default=None,
        help="key directory (default: $REDRESS_DEV_KEYS_DIR or .cache/devkeys)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``redress-token``: print a development token on stdout."""
    args = _parser().parse_args(argv)
    keys_dir = args.keys_dir or Path(os.environ.get("REDRESS_DEV_KEYS_DIR", ".cache/devkeys"))
    private_path, jwks_path = ensure_dev_keypair(keys_dir)
    token = mint_token(
        private_path, subject=args.sub, roles=args.role, org=args.org, scopes=args.scope,
        issuer=args.issuer, audience=args.audience, ttl_seconds=args.ttl, service=args.service,
    )
    print(token)
    # The hint goes to stderr so `TOKEN=$(redress-token ...)` captures the token alone.
    print(f"# signed by the key published in {jwks_path}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
