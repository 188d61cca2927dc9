"""Readiness probes for the local stack: exit 0 once the service really answers.

A TCP connect is not enough: Kafka accepts connections before the broker has
registered with its controller, and clients then fail with "no brokers".
So the Kafka probe starts a real aiokafka producer and fetches cluster metadata,
the Mongo probe sends a real `ping` through PyMongo's async client, and the OIDC
probe reads the provider's discovery document and its signing keys.

    python deploy/local/probe.py kafka 127.0.0.1:19092 [--timeout 60] [--pid N]
    python deploy/local/probe.py mongo mongodb://127.0.0.1:27117/ [--timeout 60]
    python deploy/local/probe.py oidc http://127.0.0.1:18080/realms/redress [--timeout 60]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import sys
import time


async def kafka_ready(bootstrap: str) -> str:
    from aiokafka import AIOKafkaProducer

    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, request_timeout_ms=5000)
    try:
        await producer.start()
        cluster = await producer.client.fetch_all_metadata()
        brokers = cluster.brokers()
        if not brokers:
            raise RuntimeError("metadata lists no broker yet")
        return f"{len(brokers)} broker(s), controller {cluster.controller.nodeId if cluster.controller else '?'}"
    finally:
        await producer.stop()


async def mongo_ready(url: str) -> str:
    from pymongo import AsyncMongoClient

    client: AsyncMongoClient = AsyncMongoClient(url, serverSelectionTimeoutMS=3000, connectTimeoutMS=3000)
    try:
        reply = await client.admin.command("ping")
        if reply.get("ok") != 1:
            raise RuntimeError(f"ping answered {reply!r}")
        return "ping ok"
    finally:
        await client.close()


async def oidc_ready(issuer: str) -> str:
    import httpx

    async with httpx.AsyncClient(timeout=5.0) as client:
        response = await client.get(f"{issuer}/.well-known/openid-configuration")
        response.raise_for_status()
        discovery = response.json()
        # The issuer must be the one services will trust, else every token is refused later.
        if discovery.get("issuer") != issuer:
            raise RuntimeError(f"discovery names issuer {discovery.get('issuer')!r}")
        keys = await client.get(discovery["jwks_uri"])
        keys.raise_for_status()
        if not keys.json().get("keys"):
            raise RuntimeError("the JWKS has no key yet")
        return "discovery and keys served"


PROBES = {"kafka": kafka_ready, "mongo": mongo_ready, "oidc": oidc_ready}


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


async def wait(kind: str, target: str, timeout: float, pid: int | None) -> int:
    deadline = time.monotonic() + timeout
    last_error = "no attempt made"
    while True:
        if pid is not None and not pid_alive(pid):
            print(f"{kind} at {target}: process {pid} exited", file=sys.stderr)
            return 1
        try:
            detail = await asyncio.wait_for(PROBES[kind](target), timeout=max(1.0, min(15.0, timeout)))
        except Exception as exc:  # any failure just means "not ready yet"
            last_error = f"{type(exc).__name__}: {exc}"
        else:
            print(f"{kind} at {target} is ready ({detail})")
            return 0
        if time.monotonic() >= deadline:
            print(f"{kind} at {target} not ready after {timeout:.0f}s: {last_error}", file=sys.stderr)
            return 1
        await asyncio.sleep(1.0)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=sorted(PROBES))
    parser.add_argument("target", help="kafka: host:port bootstrap; mongo: mongodb:// URL; oidc: issuer URL")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to keep retrying")
    parser.add_argument("--pid", type=int, help="give up early if this process exits")
    args = parser.parse_args()
    # aiokafka logs every refused connection at ERROR while the broker boots: hide that noise.
    logging.basicConfig(level=logging.CRITICAL)
    return asyncio.run(wait(args.kind, args.target, args.timeout, args.pid))


if __name__ == "__main__":
    sys.exit(main())
