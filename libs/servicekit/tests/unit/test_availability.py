"""Outages and overload at the HTTP edge: 503 problem+json with Retry-After, never a 500 or a hang."""

from __future__ import annotations

import asyncio

import httpx
from fastapi import APIRouter
from pymongo.errors import AutoReconnect, OperationFailure, ServerSelectionTimeoutError
from servicekit.app import create_app
from servicekit.settings import BaseServiceSettings
from servicekit.transient import dependency_of, is_transient, worth_retrying_now

WEB = "http://127.0.0.1:8090"


def build(**limits: float) -> httpx.AsyncClient:
    settings = BaseServiceSettings(service_name="kit", cors_allowed_origins=[WEB], **limits)
    router = APIRouter()
    release = asyncio.Event()

    @router.get("/store-down")
    async def store_down() -> dict[str, str]:
        raise ServerSelectionTimeoutError("127.0.0.1:1: connection refused")

    @router.get("/busy")
    async def busy() -> dict[str, str]:
        raise OperationFailure("database is locked (5) (SQLITE_BUSY)", code=1)

    @router.get("/slow")
    async def slow() -> dict[str, str]:
        await release.wait()
        return {"status": "done"}

    @router.post("/internal/keys/{victim_id}/release")
    async def release_key(victim_id: str) -> dict[str, str]:
        return {"victim_id": victim_id}

    async def store() -> bool:
        return False

    async def broker() -> bool:
        return True

    app = create_app(settings=settings, title="kit", description="kit", routers=[router],
                     readiness_checks={"store": store, "broker": broker})
    app.state.release = release
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://kit")


async def test_unreachable_store_is_503_naming_the_store_with_retry_after():
    async with build() as client:
        response = await client.get("/store-down")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "5"
    assert response.json()["dependency"] == "store"


async def test_an_unreachable_store_is_explained_in_french_by_default_and_in_english_on_request():
    async with build() as client:
        french = await client.get("/store-down")
        english = await client.get("/store-down", headers={"Accept-Language": "en"})
    assert french.json()["code"] == english.json()["code"] == "dependency_unavailable"
    assert french.headers["content-language"] == "fr" and english.headers["content-language"] == "en"
    assert french.json()["detail"].startswith("Un service dont dépend cette demande est momentanément injoignable")
    assert english.json()["detail"].startswith("A service this request depends on is unreachable")
    assert french.json()["retry_after"] == 5


async def test_busy_sqlite_behind_the_store_is_a_503_not_a_500():
    async with build() as client:
        response = await client.get("/busy")
    assert response.status_code == 503
    assert response.json()["dependency"] == "store"


async def test_readiness_names_the_missing_dependency():
    async with build() as client:
        response = await client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["missing"] == ["store"]
    assert "retry-after" in response.headers


async def test_requests_beyond_the_slots_and_the_queue_are_shed_with_retry_after():
    async with build(http_max_concurrent_requests=2, http_max_waiting_requests=1, http_queue_wait_seconds=5,
                     http_overload_retry_after_seconds=3) as client:
        app = client._transport.app  # type: ignore[attr-defined]
        held = [asyncio.create_task(client.get("/slow")) for _ in range(3)]  # two at work, one waiting
        await asyncio.sleep(0.2)
        shed = await client.get("/slow")
        health = await client.get("/healthz")  # probes are never queued
        app.state.release.set()
        served = await asyncio.gather(*held)
    assert shed.status_code == 503
    assert 3 <= int(shed.headers["retry-after"]) <= 6  # spread, so refused clients do not return at once
    assert shed.headers["content-type"] == "application/problem+json"
    assert shed.json()["code"] == "overloaded"
    wait = shed.headers["retry-after"]
    assert shed.json()["detail"] == f"Trop de demandes à la fois ; réessayez dans {wait} secondes."
    assert health.status_code == 200
    assert [r.status_code for r in served] == [200, 200, 200]


async def test_a_shed_request_carries_cors_headers_so_the_web_app_can_read_retry_after():
    async with build(http_max_concurrent_requests=1, http_max_waiting_requests=0) as client:
        app = client._transport.app  # type: ignore[attr-defined]
        holder = asyncio.create_task(client.get("/slow"))
        await asyncio.sleep(0.1)
        shed = await client.get("/slow", headers={"Origin": WEB})
        preflight = await client.options("/slow", headers={"Origin": WEB, "Access-Control-Request-Method": "GET"})
        app.state.release.set()
        await holder
    assert shed.status_code == 503
    assert shed.headers["access-control-allow-origin"] == WEB
    assert "retry-after" in shed.headers["access-control-expose-headers"].lower()
    assert preflight.status_code == 200  # a preflight is answered outside the guard, never queued or shed


async def test_a_service_call_is_served_while_peoples_requests_fill_every_slot_and_the_queue():
    async with build(http_max_concurrent_requests=1, http_max_waiting_requests=0) as client:
        app = client._transport.app  # type: ignore[attr-defined]
        holder = asyncio.create_task(client.get("/slow"))
        await asyncio.sleep(0.1)
        shed = await client.get("/slow")
        release = await client.post("/internal/keys/v-1/release")
        app.state.release.set()
        await holder
    assert shed.status_code == 503
    assert release.status_code == 200 and release.json() == {"victim_id": "v-1"}


async def test_a_request_waiting_longer_than_the_queue_allows_is_shed():
    async with build(http_max_concurrent_requests=1, http_queue_wait_seconds=0.2) as client:
        app = client._transport.app  # type: ignore[attr-defined]
        holder = asyncio.create_task(client.get("/slow"))
        await asyncio.sleep(0.1)
        waited = await client.get("/slow")
        app.state.release.set()
        await holder
    assert waited.status_code == 503


async def test_a_request_past_its_deadline_is_cut_with_a_503():
    async with build(http_request_deadline_seconds=0.2) as client:
        response = await client.get("/slow", headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "retry-after" in response.headers
    assert response.json()["code"] == "request_deadline"
    assert response.json()["detail"].startswith("The request took too long")


def test_dropped_connections_and_busy_databases_are_retried_at_once_but_timeouts_are_not():
    assert worth_retrying_now(AutoReconnect("connection reset"))
    assert worth_retrying_now(OperationFailure("database is locked (5) (SQLITE_BUSY)", code=1))
    assert worth_retrying_now(OperationFailure("not primary", code=10107))
    assert is_transient(ServerSelectionTimeoutError("no servers"))
    assert not worth_retrying_now(ServerSelectionTimeoutError("no servers"))
    assert not is_transient(OperationFailure("unknown operator", code=2))


def test_errors_name_their_dependency():
    assert dependency_of(AutoReconnect("x")) == "store"
    assert dependency_of(httpx.ConnectError("x")) == "upstream"
