"""The store client: PyMongo's async API (Motor is deprecated)."""

from __future__ import annotations

import asyncio
from typing import Any

from pymongo import AsyncMongoClient


def mongo_client(url: str, *, app_name: str, **options: Any) -> AsyncMongoClient[dict[str, Any]]:
    """A client with short server-selection timeouts so readiness and retries react quickly.

    `options` are the settings' `mongo_options()` (TLS CA and client certificate).
    """
    return AsyncMongoClient(url, appname=app_name, serverSelectionTimeoutMS=3000, connectTimeoutMS=3000,
                            tz_aware=True, **options)


async def store_reachable(client: AsyncMongoClient[dict[str, Any]], timeout: float = 2.0) -> bool:
    """Readiness probe: does the store answer a ping within the timeout?"""
    try:
        await asyncio.wait_for(client.admin.command("ping"), timeout)
        return True
    except Exception:
        return False
