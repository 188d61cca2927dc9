"""The demo scenario `make run` plays against the running services, narrated step by step."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import httpx
from servicekit.devtokens import mint_token

URLS = {"intake": "http://127.0.0.1:8001", "casework": "http://127.0.0.1:8002", "advocacy": "http://127.0.0.1:8003",
        "education": "http://127.0.0.1:8004", "notify": "http://127.0.0.1:8005"}


def client(key: Path, service: str, role: str, org: str = "org-amdh") -> httpx.Client:
    token = mint_token(key, subject=f"demo-{role}", roles=[role], org=org)
    return httpx.Client(base_url=URLS[service], headers={"Authorization": f"Bearer {token}"}, timeout=10)


def say(text: str) -> None:
    print(f"  - {text}", flush=True)


def document_incidents(key: Path) -> None:
    monitor = client(key, "intake", "monitor")
    for region, count in (("mopti", 6), ("segou", 5), ("gao", 2)):
        for _ in range(count):
            response = monitor.post("/incidents", json={"occurred_on": "2024-03-02", "region": region,
                                                        "violation_types": ["killings"]})
            response.raise_for_status()
    say("a monitor of org-amdh documented 13 incidents in Mopti, Ségou and Gao (intake)")


def show_counts(key: Path) -> None:
    analyst = client(key, "advocacy", "analyst")
    deadline = time.monotonic() + 30
    body: dict = {}
    while time.monotonic() < deadline:
        body = analyst.get("/indicators/incidents-by-region").json()
        if sum(v for v in body.get("values", []) if isinstance(v, int)) >= 11:
            break
        time.sleep(0.5)
    counts = dict(zip(body.get("labels", []), body.get("values", []), strict=False))
    say(f"advocacy counted them from the events, small cells suppressed: {counts} (total {body.get('total')})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--keys", type=Path, required=True, help="dev signing key (PEM)")
    args = parser.parse_args()
    print("Demo: from documentation to indicators", flush=True)
    document_incidents(args.keys)
    show_counts(args.keys)


if __name__ == "__main__":
    main()
