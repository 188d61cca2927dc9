"""Render the realm the provider imports: the repo's realm file plus this run's web origins.

    python3 deploy/local/idp/render.py realm-redress.json OUT.json --origins http://127.0.0.1:8090,...

The web client `redress-web` gets `<origin>/auth/callback` as redirect URI, `<origin>/` as post-logout
redirect URI and `<origin>` as web origin (CORS of the token endpoint) for every origin given, and
nothing else: no wildcard, so a code can only ever be delivered to a listed web app.
Standard library only: it runs before the workspace venv is needed.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from urllib.parse import urlsplit

WEB_CLIENT = "redress-web"


def parse_origins(text: str) -> list[str]:
    """The comma-separated origins, each checked to be a bare http(s) origin."""
    origins = []
    for raw in text.split(","):
        origin = raw.strip().rstrip("/")
        if not origin:
            continue
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path or parts.query or "*" in origin:
            raise ValueError(f"not an origin (scheme://host[:port], no path, no wildcard): {raw!r}")
        origins.append(origin)
    if not origins:
        raise ValueError("at least one web origin is needed")
    return list(dict.fromkeys(origins))


def render(realm: dict, origins: list[str]) -> dict:
    """The realm with the web client's redirect URIs and web origins set to exactly `origins`."""
    clients = [c for c in realm["clients"] if c["clientId"] == WEB_CLIENT]
    if len(clients) != 1:
        raise ValueError(f"the realm must define the client {WEB_CLIENT} once")
    client = clients[0]
    client["redirectUris"] = [f"{o}/auth/callback" for o in origins]
    client["webOrigins"] = list(origins)
    client.setdefault("attributes", {})["post.logout.redirect.uris"] = "##".join(f"{o}/" for o in origins)
    return realm


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("template", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--origins", required=True, help="comma-separated web origins")
    args = parser.parse_args()
    try:
        realm = render(json.loads(args.template.read_text(encoding="utf-8")), parse_origins(args.origins))
    except (ValueError, KeyError) as exc:
        print(f"render.py: {exc}", file=sys.stderr)
        return 2
    tmp = args.output.with_name(args.output.name + ".tmp")
    tmp.write_text(json.dumps(realm, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")
    tmp.replace(args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
