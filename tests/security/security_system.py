"""The isolated system the security proofs run against.

It is a second System (tests/conftest.py start_system) with its own topic namespace and databases,
so the proofs' writes (fuzzed records, seeded incidents, a rebuild started by the access matrix)
never change the counts other system tests assert on the shared `system`. Two additions, both by
environment only, no service code touched:

- every process loads tests/security/spanhook/sitecustomize.py, which exports each span to
  <span_dir>/<service>-<pid>.jsonl (the canary test scans them);
- notify sends SMS through a loopback gateway speaking Africa's Talking's API (the carrier).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from security_sms_sink import SmsSink

SPAN_HOOK = Path(__file__).resolve().parent / "spanhook"


@dataclass
class SecurityStack:
    """The running system, where its spans land, and what its SMS gateway received."""

    system: Any
    span_dir: Path
    sink: SmsSink


def security_env(services: tuple[str, ...], span_dir: Path, sink: SmsSink) -> dict[str, dict[str, str]]:
    python_path = os.pathsep.join(p for p in (str(SPAN_HOOK), os.environ.get("PYTHONPATH", "")) if p)
    extra = {service: {"PYTHONPATH": python_path, "REDRESS_TEST_SPAN_DIR": str(span_dir),
                       "REDRESS_TEST_SPAN_SERVICE": service} for service in services}
    extra.setdefault("notify", {}).update({
        "NOTIFY_SMS_PRIMARY_KIND": "africastalking", "NOTIFY_SMS_PRIMARY_BASE_URL": sink.url,
        "NOTIFY_SMS_PRIMARY_ACCOUNT": "sandbox", "NOTIFY_SMS_PRIMARY_SECRET": "loopback-sink",
        "NOTIFY_SMS_PRIMARY_SENDER": "REDRESS", "NOTIFY_CALLBACK_PHONE": "+223 20 22 33 44",
        "NOTIFY_DISPATCHER_POLL_SECONDS": "0.5"})
    return extra


def start_security_stack(start_system: Callable[..., Any], infra: Any, services: tuple[str, ...], tmp: Path,
                         sink: SmsSink) -> SecurityStack:
    span_dir = tmp / "spans"
    span_dir.mkdir(parents=True, exist_ok=True)
    extra = security_env(services, span_dir, sink)
    try:
        system = start_system(infra, services, tmp, extra_env=extra)
    except TimeoutError:  # a loaded machine can miss the 30 s health wait once: one bounded retry
        system = start_system(infra, services, tmp / "retry", extra_env=extra)
    return SecurityStack(system, span_dir, sink)
