"""The local store's own counters (FerretDB's debug address), for tests of what its patch did itself."""

from __future__ import annotations

import os
import re

import httpx


def store_counter(name: str, **labels: str) -> float | None:
    """The value of the local store's counter `name` with these labels (0 before its first count), or
    None when the store's debug address is not on this machine (MongoDB, another host)."""
    port = os.environ.get("FERRETDB_DEBUG_PORT", "18088")
    try:
        text = httpx.get(f"http://127.0.0.1:{port}/debug/metrics", timeout=5).text
    except httpx.HTTPError:
        return None
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))  # as Prometheus writes them
    found = re.search(rf"^{re.escape(name)}{{{re.escape(wanted)}}} (\S+)$", text, re.MULTILINE)
    return float(found.group(1)) if found else 0.0
