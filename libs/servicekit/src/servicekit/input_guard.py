"""ASGI middleware in front of every route: refuse bad input before it runs, and keep answers out of caches.

Malformed JSON, wrong content types, oversized bodies, over-deep documents and Mongo-operator keys
(`$...`, dotted) are refused here as problem+json; pydantic refuses the rest with the field and the reason.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .i18n import negotiate
from .problems import BodyTooLarge, problem_response


def find_operator_key(value: Any, path: str = "body") -> str | None:
    """The path of the first key that MongoDB would read as an operator or a path, if any."""
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or key.startswith("$") or "." in key or "\x00" in key:
                return f"{path}.{key}"
            if found := find_operator_key(item, f"{path}.{key}"):
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            if found := find_operator_key(item, f"{path}.{index}"):
                return found
    return None


FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")
# No document of ours nests deeper than a dozen levels; deeper input only exists to exhaust recursion
# in the parsers and validators behind the guard.
MAX_JSON_DEPTH = 32


def _too_deep(value: Any) -> bool:
    """True when a parsed JSON value nests deeper than MAX_JSON_DEPTH (checked without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > MAX_JSON_DEPTH:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class InputGuard:
    """ASGI middleware: body size, content type and operator-key checks for every write."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int, upload_max_bytes: int | None = None) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.upload_max_bytes = upload_max_bytes or max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode(errors="replace") for k, v in scope["headers"]}
        language = negotiate(headers.get("accept-language"))
        for key in _query_keys(scope):
            if key.startswith("$") or "." in key:
                await problem_response(language, 400, "operator_query_name", field=f"query.{key}")(
                    scope, receive, send)
                return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type.startswith(FORM_TYPES):
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.upload_max_bytes:
                await problem_response(language, 413, "upload_exceeds_limit", limit=self.upload_max_bytes)(
                    scope, receive, send)
                return
            await self.app(scope, _limited(receive, self.upload_max_bytes), send)
            return
        body = await _read_body(receive, self.max_body_bytes)
        refusal = _check_json_body(body, content_type, self.max_body_bytes, language)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        assert body is not None  # a body over the limit was refused just above
        await self.app(scope, _replay(body), send)


def _query_keys(scope: Scope) -> list[str]:
    from urllib.parse import parse_qsl

    return [k for k, _ in parse_qsl(scope.get("query_string", b"").decode(errors="replace"), keep_blank_values=True)]


def _check_json_body(body: bytes | None, content_type: str, limit: int, language: str) -> JSONResponse | None:
    if body is None:
        return problem_response(language, 413, "body_exceeds_limit", limit=limit)
    if not body:
        return None
    if content_type != "application/json" and not content_type.endswith("+json"):
        return problem_response(language, 415, "expected_json", field="content-type")
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return problem_response(language, 400, "json_invalid", field="body")
    except RecursionError:
        parsed = None
    if (parsed is None and body.strip() != b"null") or _too_deep(parsed):
        return problem_response(language, 400, "json_too_deep", field="body", depth=MAX_JSON_DEPTH)
    if bad := find_operator_key(parsed):
        return problem_response(language, 422, "operator_key", field=bad)
    return None


async def _read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole body, or None as soon as it exceeds the limit."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def _replay(body: bytes) -> Receive:
    sent = False

    async def receive() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return {"type": "http.disconnect"}

    return receive


def _limited(receive: Receive, limit: int) -> Receive:
    size = 0

    async def receive_limited() -> Message:
        nonlocal size
        message = await receive()
        if message["type"] == "http.request":
            size += len(message.get("body", b""))
            if size > limit:
                raise BodyTooLarge()
        return message

    return receive_limited


class NoStore:
    """ASGI middleware: every answer says `Cache-Control: no-store` unless the route chose otherwise.

    These APIs answer with victims' identities, keys and secret links; no browser, proxy or client
    cache may keep a copy.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_no_store(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_no_store)
