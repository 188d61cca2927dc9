"""Errors as application/problem+json, in the caller's language: never a 500 for bad input.

The guard in front of the routes (`input_guard.py`) refuses malformed bodies; pydantic and the
domain's errors are turned into problem documents naming the field and the reason here.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

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


class BodyTooLarge(Exception):
    """Raised into a streaming upload when it passes the limit (answered with a 413)."""
