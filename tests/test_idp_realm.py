"""The provider's configuration in the repo holds the interface the web app and the services rely on.

No I/O beyond reading deploy/local/idp/: the realm file and the renderer idp.sh runs before each start.
"""

from __future__ import annotations

import importlib.util
import json
import uuid
from pathlib import Path

import pytest
from servicekit.auth import ROLES

IDP = Path(__file__).resolve().parents[1] / "deploy" / "local" / "idp"
DEMO_USERS = {"awa": ("monitor", "org-amdh"), "moussa": ("documentation_officer", "org-amdh"),
              "fatoumata": ("lawyer", "org-legal"), "ibrahim": ("lawyer", "org-wildaf"),
              "kadiatou": ("case_manager", "org-legal"), "oumar": ("advocacy_officer", "org-fidh"),
              "mariam": ("analyst", "org-fidh"), "seydou": ("educator", "org-edu"),
              "aminata": ("notify_admin", "org-legal"), "admin": ("admin", "org-amdh")}
ORGANISATIONS = {"org-amdh", "org-legal", "org-wildaf", "org-fidh", "org-edu"}


def load_render():
    spec = importlib.util.spec_from_file_location("idp_render", IDP / "render.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def realm() -> dict:
    return json.loads((IDP / "realm-redress.json").read_text(encoding="utf-8"))


def client(realm: dict, client_id: str) -> dict:
    return next(c for c in realm["clients"] if c["clientId"] == client_id)


def test_the_realm_has_every_demo_user_with_its_role_and_organisation(realm):
    groups = {g["path"]: g["attributes"]["org"] for g in realm["groups"]}
    people = {u["username"]: u for u in realm["users"] if "serviceAccountClientId" not in u}
    assert set(people) == set(DEMO_USERS)
    for name, (role, org) in DEMO_USERS.items():
        user = people[name]
        assert user["clientRoles"] == {"redress": [role]}
        assert [groups[path] for path in user["groups"]] == [[org]]
        assert user["credentials"] == [{"type": "password", "value": "redress-demo", "temporary": False}]
        assert user["id"] == str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://redress.local/users/{name}"))


def test_the_organisations_and_roles_are_the_ones_the_services_know(realm):
    assert {g["name"] for g in realm["groups"]} == ORGANISATIONS
    assert {r["name"] for r in realm["roles"]["client"]["redress"]} == ROLES


def test_the_web_client_is_public_code_with_pkce_s256_only(realm):
    web = client(realm, "redress-web")
    assert web["publicClient"] is True and "secret" not in web
    assert (web["standardFlowEnabled"], web["implicitFlowEnabled"], web["directAccessGrantsEnabled"]) == (
        True, False, False)
    assert web["attributes"]["pkce.code.challenge.method"] == "S256"
    assert web["attributes"]["access.token.lifespan"] == "300"


def test_the_redress_scope_maps_sub_roles_org_and_the_audience(realm):
    scope = next(s for s in realm["clientScopes"] if s["name"] == "redress")
    mappers = {m["name"]: m for m in scope["protocolMappers"]}
    assert mappers["audience redress"]["config"]["included.custom.audience"] == "redress"
    assert mappers["roles"]["config"]["claim.name"] == "roles" and mappers["roles"]["config"]["multivalued"] == "true"
    assert mappers["org"]["config"] == {**mappers["org"]["config"], "claim.name": "org", "multivalued": "false"}
    assert "sub" in mappers
    for client_id in ("redress-web", "redress-test", "svc-casework", "svc-notify"):
        assert "redress" in client(realm, client_id)["defaultClientScopes"]


def test_rendering_lists_exactly_the_given_origins_as_redirect_and_web_origins(realm):
    render = load_render()
    origins = render.parse_origins("http://127.0.0.1:8090, http://localhost:8090/,http://127.0.0.1:8090")
    web = client(render.render(realm, origins), "redress-web")
    assert web["redirectUris"] == ["http://127.0.0.1:8090/auth/callback", "http://localhost:8090/auth/callback"]
    assert web["webOrigins"] == ["http://127.0.0.1:8090", "http://localhost:8090"]
    assert web["attributes"]["post.logout.redirect.uris"] == "http://127.0.0.1:8090/##http://localhost:8090/"


@pytest.mark.parametrize("origins", ["*", "http://*.example.org", "http://127.0.0.1:8090/app", "", "127.0.0.1:8090"])
def test_rendering_refuses_a_wildcard_or_anything_but_origins(origins):
    with pytest.raises(ValueError):
        load_render().parse_origins(origins)
