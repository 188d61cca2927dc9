"""Domain errors that carry their HTTP status, and the transient-failure test used by retries."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from .i18n import DEFAULT_LANGUAGE, Catalogue, catalogue

# Transient failures are classified in transient.py; re-exported here where services import them from.
from .transient import TransientError, is_transient  # noqa: F401


class DomainError(Exception):
    """A business rule said no; the API turns it into problem+json with `status`.

    `code` is stable and machine-readable; its French and English texts live in the catalogues
    (`servicekit.i18n`), so a raise site reads `InvalidInput("unknown_term", field="region",
    vocabulary="regions", allowed=[...])`. The parameters format the text and travel in the body
    for clients; never pass what the user typed (it may be a name).
    """

    status: int = 400
    title: str = "Bad request"

    def __init__(self, code: str, *, field: str | None = None, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.field = field
        self.params = params

    @property
    def extra(self) -> dict[str, Any]:
        """The parameters (the name the problem body's extra members had before codes)."""
        return self.params

    def problem(self, language: str = DEFAULT_LANGUAGE, messages: Catalogue | None = None) -> dict[str, Any]:
        """The RFC 9457 problem document in `language` (never contains PII by construction)."""
        texts = messages or catalogue()
        detail = texts.text(self.code, language, self.params)
        body: dict[str, Any] = {"type": "about:blank", "title": texts.title(self.status, language),
                                "status": self.status, "detail": detail, "code": self.code}
        if self.field:
            body["errors"] = [{"field": self.field, "reason": detail, "code": self.code}]
        body.update({k: v for k, v in self.params.items() if k not in body})
        return body


class InvalidInput(DomainError):
    status, title = 422, "Invalid input"


class NotFound(DomainError):
    status, title = 404, "Not found"


class Forbidden(DomainError):
    status, title = 403, "Forbidden"


class Conflict(DomainError):
    status, title = 409, "Conflict"


class Gone(DomainError):
    """The thing existed and was removed for good (e.g. a victim's data erased)."""

    status, title = 410, "Gone"


class PayloadTooLarge(DomainError):
    status, title = 413, "Payload too large"


class Unavailable(DomainError):
    """A dependency (store, broker, another service) is away for now: the client retries after a while."""

    status, title = 503, "Service unavailable"


class ConcurrencyConflict(Conflict):
    """Too many concurrent writers on one aggregate; the client may retry."""

    title = "Concurrent modification"


def from_validation(exc: ValidationError) -> InvalidInput:
    """The first pydantic error as an InvalidInput under pydantic's own error type (catalogued by the kit)."""
    first = exc.errors(include_input=False, include_url=False)[0]
    params = {k: v for k, v in (first.get("ctx") or {}).items() if isinstance(v, str | int | float)}
    # The error type is a catalogued code: every pydantic type has a text in servicekit/locales.
    return InvalidInput(first["type"], field=".".join(map(str, first["loc"])) or "body", **params)
