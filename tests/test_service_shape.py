"""Every service matches the skeleton of docs/servicekit.md, no module passes ~300 lines, tests wire through the kit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SERVICES = ("intake", "casework", "advocacy", "education", "notify")
MAX_LINES = 300

# The same module names for the same roles (a module `x.py` or a package `x/` where a role is large).
REQUIRED = ("spec", "config", "bootstrap", "indexes", "subscriptions", "consumed", "queries",
            "domain/", "handlers/", "api/deps", "api/schemas", "entrypoints/api", "entrypoints/worker")
# Names of the dialects the skeleton replaced: none may come back.
FORBIDDEN_FILES = ("handlers.py", "projectors.py", "api/routes.py", "api/other_schemas.py",
                   "api/reference_routes.py", "rebuild.py")
FORBIDDEN_SUFFIXES = ("_routes.py", "_queries.py")
FORBIDDEN_DIRS = ("stores",)


def package(service: str) -> Path:
    return REPO / "services" / service / "src" / service


def present(root: Path, role: str) -> bool:
    if role.endswith("/"):
        return (root / role / "__init__.py").is_file()
    return (root / f"{role}.py").is_file() or (root / role / "__init__.py").is_file()


@pytest.mark.parametrize("service", SERVICES)
def test_every_role_of_the_skeleton_has_its_module(service):
    root = package(service)
    missing = [role for role in REQUIRED if not present(root, role)]
    assert not missing, f"{service} lacks {missing} (docs/servicekit.md, 'The skeleton')"


@pytest.mark.parametrize("service", SERVICES)
def test_no_module_of_an_old_dialect_remains(service):
    root = package(service)
    found = [str(p.relative_to(root)) for p in root.rglob("*.py")
             if str(p.relative_to(root)) in FORBIDDEN_FILES or p.name.endswith(FORBIDDEN_SUFFIXES)]
    found += [d for d in FORBIDDEN_DIRS if (root / d).is_dir()]
    assert not found, f"{service}: {found}"


@pytest.mark.parametrize("service", SERVICES)
def test_api_modules_are_deps_schemas_or_one_router_per_area(service):
    api = package(service) / "api"
    for module in api.glob("*.py"):
        if module.stem in ("__init__", "deps", "schemas"):
            continue
        is_router = "router = APIRouter(" in module.read_text()
        assert is_router, f"{service}/api/{module.name} is neither deps, schemas nor a router of one area"


@pytest.mark.parametrize("service", SERVICES)
def test_every_process_command_lives_in_entrypoints(service):
    root = package(service)
    outside = [str(p.relative_to(root)) for p in root.rglob("*.py")
               if "__main__" in p.read_text() and p.parent.name != "entrypoints"]
    assert not outside, f"{service}: process commands outside entrypoints/: {outside}"


@pytest.mark.parametrize("tree", ["libs/servicekit/src", *(f"services/{s}/src" for s in SERVICES)])
def test_no_module_outgrows_three_hundred_lines(tree):
    long = {str(p.relative_to(REPO)): n for p in (REPO / tree).rglob("*.py")
            if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not long, f"split these by responsibility: {long}"


# Wiring a service under test is the kit's harness's job (`servicekit.testing.in_process_service`, with its
# hooks: clock=, replace_deps=, worker=False, stop_worker/start_worker, another_deps); a service's test
# support keeps only its own helpers over it.
SUPPORT_MODULES = sorted({*REPO.glob("services/*/tests/support/*.py"), *REPO.glob("services/*/tests/**/conftest.py"),
                          *REPO.glob("tests/**/conftest.py"), *REPO.glob("tests/**/support/*.py")})


def test_no_test_support_module_wires_a_service_or_its_worker_itself():
    wiring = [str(p.relative_to(REPO)) for p in SUPPORT_MODULES if re.search(r"\b(Worker|build_deps)\(", p.read_text())]
    assert SUPPORT_MODULES and not wiring, f"use servicekit.testing.in_process_service instead: {wiring}"
