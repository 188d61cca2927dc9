"""What the HTTP SMS adapters share: their client, one POST that never raises for the network, a JSON body read."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import Any

import httpx

from notify.channels import SendResult, network_failure

logger = logging.getLogger(__name__)
# Failures before the request left this process: the provider cannot have the message, so a retry is safe.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
# Maps a provider's answer (provider name, HTTP status, JSON body) to a send result.
ParseAnswer = Callable[[str, int, Mapping[str, Any]], SendResult]


class HttpSmsAdapter:
    """An SMS provider over HTTP: its own client unless one is given (tests, shared pools)."""

    def __init__(self, name: str, client: httpx.AsyncClient | None) -> None:
        self.name = name
        self._client = client or httpx.AsyncClient()
        self._owns_client = client is None

    async def _post(self, url: str, parse: ParseAnswer, *, timeout: float, **request: Any) -> SendResult:
        """POST one send and map the answer; a network failure is a result (retryable, unknown), never raised."""
        try:
            response = await self._client.post(url, timeout=timeout, **request)
        except httpx.TransportError as exc:
            logger.warning("sms send got no answer", extra={"provider": self.name, "error": type(exc).__name__})
            return network_failure(self.name, exc, request_sent=not isinstance(exc, NOT_SENT))
        result = parse(self.name, response.status_code, json_object(response))
        logger.info("sms send answered",
                    extra={"provider": self.name, "http_status": result.http_status, "status": result.status})
        return result

    async def aclose(self) -> None:
        """Close the HTTP client if this adapter created it."""
        if self._owns_client:
            await self._client.aclose()


def json_object(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object, or {} when the body is not one (gateways answer HTML on some errors)."""
    try:
        payload = response.json()
    except ValueError:
        return {}
    return payload if isinstance(payload, dict) else {}
