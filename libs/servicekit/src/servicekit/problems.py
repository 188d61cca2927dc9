"""Errors as application/problem+json, and a guard that refuses bad input before any route runs.

Bad input is never a 500: malformed JSON, wrong content types, oversized bodies and Mongo-operator
keys (`$...`, dotted) are refused here; pydantic refuses the rest with the field and the reason.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import DomainError

PROBLEM = "application/problem+json"
log = logging.getLogger("servicekit.http")


def problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    """A problem+json response."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem(400, "Malformed JSON", "The request body is not valid JSON.",
                       [{"field": "body", "reason": "invalid JSON"}])
    # The reason, never the input: inputs may hold names or phone numbers.
    details = [{"field": _field(e["loc"]), "reason": e["msg"]} for e in errors]
    return problem(422, "Invalid input", "The request does not match the expected schema.", details)


async def _domain_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    return JSONResponse(exc.problem(), status_code=exc.status, media_type=PROBLEM)


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    detail = exc.detail if isinstance(exc.detail, str) else "Request refused."
    return problem(exc.status_code, _title(exc.status_code), detail, headers=headers)


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem(500, "Internal error", "An unexpected error occurred; it has been logged.")


async def _too_large(request: Request, exc: Exception) -> JSONResponse:
    return problem(413, "Payload too large", "The upload exceeds the configured size limit.")


def _title(status: int) -> str:
    return {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
            409: "Conflict", 413: "Payload too large", 415: "Unsupported media type",
            422: "Invalid input"}.get(status, "Error")


def install_problem_handlers(app: FastAPI) -> None:
    """Every error the app returns becomes problem+json."""
    app.add_exception_handler(RequestValidationError, _validation_handler)
    app.add_exception_handler(DomainError, _domain_handler)
    app.add_exception_handler(StarletteHTTPException, _http_handler)
    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_exception_handler(Exception, _unhandled)


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
        for key in _query_keys(scope):
            if key.startswith("$") or "." in key:
                await problem(400, "Bad request", "Query parameter names may not start with '$' or contain '.'.",
                              [{"field": f"query.{key}", "reason": "operator-like name"}])(scope, receive, send)
                return
        if scope["method"] not in ("POST", "PUT", "PATCH"):
            await self.app(scope, receive, send)
            return
        headers = {k.decode().lower(): v.decode(errors="replace") for k, v in scope["headers"]}
        content_type = headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type.startswith(FORM_TYPES):
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.upload_max_bytes:
                await problem(413, "Payload too large", f"The upload exceeds {self.upload_max_bytes} bytes.")(
                    scope, receive, send)
                return
            await self.app(scope, _limited(receive, self.upload_max_bytes), send)
            return
        body = await _read_body(receive, self.max_body_bytes)
        refusal = _check_json_body(body, content_type, self.max_body_bytes)
        if refusal is not None or body is None:
            await (refusal or problem(413, "Payload too large", "The body is too large."))(scope, receive, send)
            return
        await self.app(scope, _replay(body), send)


def _query_keys(scope: Scope) -> list[str]:
    from urllib.parse import parse_qsl

    return [k for k, _ in parse_qsl(scope.get("query_string", b"").decode(errors="replace"), keep_blank_values=True)]


def _check_json_body(body: bytes | None, content_type: str, limit: int) -> JSONResponse | None:
    if body is None:
        return problem(413, "Payload too large", f"The body exceeds {limit} bytes.")
    if not body:
        return None
    if content_type != "application/json" and not content_type.endswith("+json"):
        return problem(415, "Unsupported media type", "Send the body as application/json.",
                       [{"field": "content-type", "reason": "expected application/json"}])
    try:
        parsed = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return problem(400, "Malformed JSON", "The request body is not valid JSON.",
                       [{"field": "body", "reason": "invalid JSON"}])
    except RecursionError:
        parsed = None
    if (parsed is None and body.strip() != b"null") or _too_deep(parsed):
        return problem(400, "Malformed JSON", f"The body nests deeper than {MAX_JSON_DEPTH} levels.",
                       [{"field": "body", "reason": "nested too deeply"}])
    if bad := find_operator_key(parsed):
        return problem(422, "Invalid input", "Keys may not start with '$' or contain '.'.",
                       [{"field": bad, "reason": "operator-like key"}])
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


class BodyTooLarge(Exception):
    """Raised into a streaming upload when it passes the limit."""


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
