"""The key client: asks intake for a key on behalf of an organisation, caches per victim and organisation."""

from __future__ import annotations

import base64
import json

import httpx
import pytest
from servicekit.keyclient import KeyClient, KeyUnavailable, ReleaseDeferred


def intake_answering(keys: dict[str, bytes], asked: list[dict]) -> httpx.AsyncClient:
    """A stand-in for intake's release endpoint: only org-legal gets keys."""

    def answer(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        asked.append(body)
        if body.get("organisation") != "org-legal":
            return httpx.Response(403, json={"title": "Forbidden"})
        victim = request.url.path.split("/")[3]
        return httpx.Response(200, json={"victim_id": victim, "expires_in": 300,
                                         "data_key": base64.urlsafe_b64encode(keys[victim]).decode().rstrip("=")})

    return httpx.AsyncClient(transport=httpx.MockTransport(answer))


async def token() -> str:
    return "service-token"


async def test_the_organisation_is_sent_and_keys_are_cached_per_victim_and_organisation():
    asked: list[dict] = []
    client = KeyClient("http://intake", token, purpose="legal_support",
                       http=intake_answering({"v-1": b"k" * 32}, asked))
    assert await client.data_key("v-1", "org-legal") == b"k" * 32
    assert await client.data_key("v-1", "org-legal") == b"k" * 32
    assert asked == [{"purpose": "legal_support", "organisation": "org-legal"}]
    with pytest.raises(KeyUnavailable) as refused:
        await client.data_key("v-1", "org-wildaf")  # the cached key of another organisation is not reused
    assert refused.value.status == 403 and len(asked) == 2


async def test_forgetting_a_victim_drops_her_keys_for_every_organisation():
    asked: list[dict] = []
    client = KeyClient("http://intake", token, purpose="legal_support",
                       http=intake_answering({"v-1": b"k" * 32}, asked))
    await client.data_key("v-1", "org-legal")
    client.forget("v-1")
    await client.data_key("v-1", "org-legal")
    assert len(asked) == 2


async def test_notifications_ask_without_an_organisation():
    asked: list[dict] = []
    client = KeyClient("http://intake", token, purpose="notifications",
                       http=intake_answering({"v-1": b"k" * 32}, asked))
    with pytest.raises(KeyUnavailable):
        await client.data_key("v-1")
    assert asked == [{"purpose": "notifications"}]


async def test_a_shed_release_is_deferred_with_intakes_retry_after():
    def shed(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, headers={"Retry-After": "3"}, json={"code": "overloaded"})

    client = KeyClient("http://intake", token, purpose="notifications",
                       http=httpx.AsyncClient(transport=httpx.MockTransport(shed)))
    with pytest.raises(ReleaseDeferred) as deferred:
        await client.data_key("v-1")
    assert (deferred.value.status, deferred.value.retry_after) == (503, 3.0)
