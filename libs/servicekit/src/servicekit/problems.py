"""Errors as application/problem+json, and a guard that refuses bad input before any route runs.

Bad input is never a 500: malformed JSON, wrong content types, oversized bodies and Mongo-operator
keys (`$...`, dotted) are refused here; pydantic refuses the rest with the field and the reason.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .errors import DomainError
from .i18n import Catalogue, catalogue, negotiate

PROBLEM = "application/problem+json"
log = logging.getLogger("servicekit.http")


def problem(status: int, title: str, detail: str, errors: list[dict[str, str]] | None = None,
            headers: dict[str, str] | None = None) -> JSONResponse:
    """A problem+json response with texts already written (prefer `problem_response`, which localises)."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


def localised(body: dict[str, Any], status: int, language: str, headers: dict[str, str] | None = None) -> JSONResponse:
    """A problem body as a response that says its language and that it varies by Accept-Language."""
    return JSONResponse(body, status_code=status, media_type=PROBLEM,
                        headers={**(headers or {}), "Content-Language": language, "Vary": "Accept-Language"})


def problem_response(language: str, status: int, code: str, *, field: str | None = None,
                     headers: dict[str, str] | None = None, messages: Catalogue | None = None,
                     **params: Any) -> JSONResponse:
    """A problem+json response for a catalogued `code`, in `language`, naming `field` when given."""
    texts = messages or catalogue()
    detail = texts.text(code, language, params)
    body: dict[str, Any] = {"type": "about:blank", "title": texts.title(status, language), "status": status,
                            "detail": detail, "code": code}
    if field:
        body["errors"] = [{"field": field, "reason": detail, "code": code}]
    return localised(body, status, language, headers)


def request_language(request: Request) -> str:
    """The language of the answer, from the request's Accept-Language."""
    return negotiate(request.headers.get("accept-language"))


def app_messages(request: Request) -> Catalogue:
    """The catalogue of the app serving the request (the kit's plus its service's)."""
    texts = getattr(request.app.state, "messages", None)
    return texts if isinstance(texts, Catalogue) else catalogue()


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc)


def validation_errors(errors: Sequence[Any], language: str, texts: Catalogue) -> list[dict[str, str]]:
    """Pydantic's errors as `{field, reason, code}`: the code is the error type, the reason catalogued."""
    details = []
    for error in errors:
        code = str(error.get("type", "value_error"))
        params: dict[str, Any] = {k: v for k, v in (error.get("ctx") or {}).items()
                                  if isinstance(v, str | int | float | list)}
        known = code if code in texts.messages.get(language, {}) else "invalid_value"
        expected = params.get("expected")
        if language == "fr" and isinstance(expected, str):  # pydantic writes "'a' or 'b'"
            params["expected"] = expected.replace("' or '", "' ou '")
        # The reason, never the input: inputs may hold names or phone numbers.
        details.append({"field": _field(error["loc"]), "reason": texts.text(known, language, params), "code": code})
    return details


async def _validation_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    language, texts = request_language(request), app_messages(request)
    errors = exc.errors()
    if any(e.get("type") == "json_invalid" for e in errors):
        return problem_response(language, 400, "json_invalid", field="body", messages=texts)
    body = {"type": "about:blank", "title": texts.title(422, language), "status": 422,
            "detail": texts.text("schema_mismatch", language), "code": "schema_mismatch",
            "errors": validation_errors(errors, language, texts)}
    return localised(body, 422, language)


async def _domain_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    language = request_language(request)
    return localised(exc.problem(language, app_messages(request)), exc.status, language)


_HTTP_CODES = {404: "route_not_found", 405: "method_not_allowed"}


async def _http_handler(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    headers = dict(exc.headers) if exc.headers else None
    code = _HTTP_CODES.get(exc.status_code, "request_refused")
    return problem_response(request_language(request), exc.status_code, code, headers=headers,
                            messages=app_messages(request))


def auth_code(status: int, reason: str) -> str:
    """The catalogue code of an authentication refusal: its reason as a slug, else the generic one."""
    slug = re.sub(r"[^a-z0-9]+", "_", reason.lower()).strip("_")
    known = catalogue().messages["en"]
    return slug if slug in known else ("invalid_token" if status == 401 else "permission_denied")


def auth_problem_response(request: Request, status: int, reason: str,
                          headers: Mapping[str, str] | None) -> JSONResponse:
    """A 401/403 in the caller's language, keeping the `WWW-Authenticate` challenge."""
    return problem_response(request_language(request), status, auth_code(status, reason),
                            headers=dict(headers or {}))


async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return problem_response(request_language(request), 500, "internal_error")


async def _too_large(request: Request, exc: Exception) -> JSONResponse:
    return problem_response(request_language(request), 413, "upload_too_large")


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
