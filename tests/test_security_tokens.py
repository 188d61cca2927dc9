"""Token attacks on every service: each forged or broken token is refused with 401.

The target is `GET /audit` of each service, which admits admins only: the forgeries carry admin
claims, so a verifier that accepted any of them would answer 200. The control test shows that a
genuine admin token does get 200 on the same route, so each 401 is the verifier's doing.
"""

from __future__ import annotations

import httpx
import pytest
import security_access as access
import security_tokens as tokens

pytestmark = pytest.mark.integration

PROTECTED = "/audit"


@pytest.fixture(scope="module")
def forger(security_system) -> tokens.Forger:
    return tokens.Forger(security_system.private_key, role="admin")


@pytest.mark.parametrize("service", access.SERVICES)
def test_a_genuine_admin_token_opens_the_target_route(security_system, forger, service):
    response = httpx.get(security_system.url(service) + PROTECTED,
                         headers={"Authorization": f"Bearer {forger.genuine()}"}, timeout=10.0)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("attack", sorted(tokens.ATTACKS))
@pytest.mark.parametrize("service", access.SERVICES)
def test_forged_or_broken_token_is_refused_with_401(security_system, forger, service, attack):
    token = tokens.ATTACKS[attack](forger)
    response = httpx.get(security_system.url(service) + PROTECTED, headers={"Authorization": f"Bearer {token}"},
                         timeout=10.0)
    assert response.status_code == 401, f"{attack} on {service}: {response.status_code} {response.text[:200]}"
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.headers["content-type"].startswith("application/problem+json")
    # The answer names the reason, never the token or its claims.
    assert token not in response.text and "admin-attacker" not in response.text


@pytest.mark.parametrize("service", access.SERVICES)
@pytest.mark.parametrize("authorization", ["Basic YWRtaW46YWRtaW4=", "Bearer", "Bearer not.a.jwt",
                                           "Bearer " + "a" * 20000])
def test_malformed_authorization_headers_are_refused_with_401(security_system, service, authorization):
    response = httpx.get(security_system.url(service) + PROTECTED, headers={"Authorization": authorization},
                         timeout=10.0)
    assert response.status_code == 401, f"{service}: {response.status_code} {response.text[:200]}"


def test_the_forgeries_are_what_they_claim(forger):
    """Guards the attack builders themselves: each token carries the flaw its name says."""
    import base64
    import json

    def part(token: str, index: int) -> dict:
        segment = token.split(".")[index]
        return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))

    assert part(forger.alg_none(), 0)["alg"] == "none" and forger.alg_none().endswith(".")
    assert part(forger.hs256_with_public_key(), 0)["alg"] == "HS256"
    assert forger.public_pem().startswith(b"-----BEGIN PUBLIC KEY-----")
    assert part(forger.wrong_issuer(), 1)["iss"] != part(forger.genuine(), 1)["iss"]
    assert part(forger.wrong_audience(), 1)["aud"] == "some-other-api"
    assert "exp" not in part(forger.without_expiry(), 1)
    assert part(forger.tampered_claims(), 1)["roles"] == ["admin"]
    assert part(forger.unknown_kid(), 0)["kid"] != forger.jwk["kid"]
    assert part(forger.embedded_jwk(), 0)["jwk"]["kty"] == "EC"


# --- the same attacks aimed at the OpenID provider's issuer, which every service also trusts ---------------


@pytest.fixture(scope="module")
def provider_forger(security_system, oidc_issuer) -> tokens.ProviderForger:
    from servicekit.providertokens import provider_token

    monitor = provider_token(oidc_issuer, "awa", "redress-demo")
    return tokens.ProviderForger(oidc_issuer, monitor, security_system.private_key)


@pytest.mark.parametrize("service", access.SERVICES)
def test_a_genuine_provider_admin_token_opens_the_target_route(security_system, oidc_issuer, service):
    from servicekit.providertokens import provider_token

    token = provider_token(oidc_issuer, "admin", "redress-demo")
    response = httpx.get(security_system.url(service) + PROTECTED, headers={"Authorization": f"Bearer {token}"},
                         timeout=10.0)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("attack", sorted(tokens.PROVIDER_ATTACKS))
@pytest.mark.parametrize("service", access.SERVICES)
def test_forged_token_naming_the_provider_is_refused_with_401(security_system, provider_forger, service, attack):
    token = tokens.PROVIDER_ATTACKS[attack](provider_forger)
    response = httpx.get(security_system.url(service) + PROTECTED, headers={"Authorization": f"Bearer {token}"},
                         timeout=10.0)
    assert response.status_code == 401, f"{attack} on {service}: {response.status_code} {response.text[:200]}"
    assert token not in response.text
