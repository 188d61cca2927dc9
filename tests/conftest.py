"""System fixtures: the five services as real processes against the real broker and store."""

from __future__ import annotations

import base64
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from servicekit.devtokens import ensure_dev_keypair, mint_token
from servicekit.testing import REPO_ROOT, Infra, ServiceProcess, free_port, service_env, unique_name

SERVICES = ("intake", "casework", "advocacy", "education", "notify")
DEFAULT_WEB_ORIGINS = "http://127.0.0.1:8090,http://localhost:8090"


@dataclass
class System:
    """Running services, their URLs and a way to mint tokens for any role."""

    namespace: str
    db_prefix: str
    private_key: Path
    processes: dict[str, ServiceProcess] = field(default_factory=dict)

    def url(self, service: str) -> str:
        return self.processes[f"{service}:api"].url

    def token(
        self,
        role: str,
        *,
        org: str | None = "org-amdh",
        sub: str | None = None,
        scopes: tuple[str, ...] = (),
        service: bool = False,
    ) -> str:
        return mint_token(
            self.private_key,
            subject=sub or f"{role}-1",
            roles=[role] if role else [],
            org=org,
            scopes=scopes,
            service=service,
        )

    def client(self, service: str, role: str, **claims) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.token(role, **claims)}"}
        return httpx.Client(base_url=self.url(service), headers=headers, timeout=10.0)

    def log_files(self) -> list[Path]:
        return [p.log_path for p in self.processes.values()]


def provider_env(services: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """Each service trusts the running OpenID provider (REDRESS_OIDC_ISSUER, printed by deploy/local/env.sh)
    beside the dev issuer, and allows the web app's origins (REDRESS_WEB_ORIGINS) by CORS."""
    issuer = os.environ.get("REDRESS_OIDC_ISSUER")
    origins = [o.strip() for o in os.environ.get("REDRESS_WEB_ORIGINS", DEFAULT_WEB_ORIGINS).split(",") if o.strip()]
    env = {service: {f"{service.upper()}_CORS_ALLOWED_ORIGINS": json.dumps(origins)} for service in services}
    if issuer:
        for service in services:
            env[service][f"{service.upper()}_OIDC_ISSUER"] = issuer
    return env


def start_system(
    infra: Infra,
    services: tuple[str, ...],
    tmp: Path,
    extra_env: dict[str, dict[str, str]] | None = None,
) -> System:
    """The services as processes on the test infrastructure; `extra_env` (per service) wins over the defaults,
    which include trusting the OpenID provider when one runs (provider_env)."""
    private_key, jwks = ensure_dev_keypair(tmp / "keys")
    system = System(
        namespace=unique_name("t").replace("_", "") + ".", db_prefix=unique_name("sys"), private_key=private_key
    )
    log_dir = REPO_ROOT / ".cache" / "logs" / "system" / system.namespace.rstrip(".")
    ports = {service: free_port() for service in services}
    kek = "base64:" + base64.b64encode(os.urandom(32)).decode()
    notes_key = "base64:" + base64.b64encode(os.urandom(32)).decode()
    defaults = provider_env(services)
    for service in services:
        port = ports[service]
        extra = {
            f"{service.upper()}_DEV_SIGNING_KEY_FILE": str(private_key),
            f"{service.upper()}_INTAKE_URL": f"http://127.0.0.1:{ports.get('intake', 8001)}",
            "INTAKE_KEK_SOURCE": kek,
            "CASEWORK_NOTES_KEY_SOURCE": notes_key,
            **defaults[service],
            **(extra_env or {}).get(service, {}),
        }
        env = service_env(
            service, infra, namespace=system.namespace, db=f"{system.db_prefix}_{service}", jwks_file=jwks,
            port=port, extra=extra,
        )
        for kind in ("api", "worker"):
            proc = ServiceProcess(
                service, kind, env, log_dir / f"{service}-{kind}.log", port=port if kind == "api" else None
            )
            proc.start()
            system.processes[f"{service}:{kind}"] = proc
    try:
        for service in services:
            system.processes[f"{service}:api"].wait_healthy()
    except BaseException:
        for proc in system.processes.values():  # never leave half a system running
            proc.stop()
        raise
    return system


@pytest.fixture(scope="session")
def system_starter() -> Callable[..., System]:
    """start_system itself, for test modules that run a small system of their own."""
    return start_system


@pytest.fixture(scope="session")
def oidc_issuer(infra: Infra) -> str:
    """The running OpenID provider's issuer (deploy/local/idp.sh); a provider that does not answer fails loudly."""
    issuer = os.environ.get("REDRESS_OIDC_ISSUER") or (
        f"http://127.0.0.1:{os.environ.get('IDP_PORT', '18080')}/realms/redress")
    try:
        discovery = httpx.get(f"{issuer}/.well-known/openid-configuration", timeout=10.0)
    except httpx.TransportError as exc:
        pytest.fail(f"the OpenID provider {issuer} does not answer ({exc}): run deploy/local/stack.sh up")
    assert discovery.status_code == 200, f"{issuer}: discovery answered {discovery.status_code}"
    return issuer


@pytest.fixture(scope="session")
def system(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[System]:
    """All services that exist, started once for the system tests of this session."""
    available = tuple(
        s for s in SERVICES if (REPO_ROOT / "services" / s / "src" / s / "entrypoints" / "worker.py").exists()
    )
    running = start_system(infra, available, tmp_path_factory.mktemp("system"))
    yield running
    for proc in running.processes.values():
        proc.stop()


# Support modules of the security proofs (tests/security/*.py) are imported by name, as pytest's
# importlib mode puts no test folder on sys.path.
import sys as _sys  # noqa: E402

_SECURITY_SUPPORT = str(Path(__file__).resolve().parent / "security")
if _SECURITY_SUPPORT not in _sys.path:
    _sys.path.append(_SECURITY_SUPPORT)

from typing import TYPE_CHECKING  # noqa: E402

if TYPE_CHECKING:
    from security_system import SecurityStack


@pytest.fixture(scope="session")
def security_stack(infra: Infra, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecurityStack]:
    """A second, isolated system for the security proofs (tests/security/security_system.py): spans exported
    to files, notify texting a loopback SMS gateway; its writes never touch the shared system's counts."""
    from security_sms_sink import SmsSink
    from security_system import start_security_stack

    available = tuple(
        s for s in SERVICES if (REPO_ROOT / "services" / s / "src" / s / "entrypoints" / "worker.py").exists()
    )
    with SmsSink() as sink:
        stack = start_security_stack(start_system, infra, available, tmp_path_factory.mktemp("security"), sink)
        try:
            yield stack
        finally:
            for proc in stack.system.processes.values():
                proc.stop()


@pytest.fixture(scope="session")
def security_system(security_stack: SecurityStack) -> System:
    """The isolated system of the security proofs."""
    return security_stack.system  # type: ignore[no-any-return]
