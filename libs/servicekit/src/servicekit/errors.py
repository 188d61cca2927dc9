"""Domain errors that carry their HTTP status, and the transient-failure test used by retries."""

from __future__ import annotations

from typing import Any

# Transient failures are classified in transient.py; re-exported here where services import them from.
from .transient import TransientError, is_transient  # noqa: F401


class DomainError(Exception):
    """A business rule said no; the API turns it into problem+json with `status`."""

    status: int = 400
    title: str = "Bad request"

    def __init__(self, detail: str, *, field: str | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.detail = detail
        self.field = field
        self.extra = extra

    def problem(self) -> dict[str, Any]:
        """The RFC 9457 problem document for this error (never contains PII by construction)."""
        body: dict[str, Any] = {"type": "about:blank", "title": self.title, "status": self.status,
                                "detail": self.detail}
        if self.field:
            body["errors"] = [{"field": self.field, "reason": self.detail}]
        body.update(self.extra)
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


class ConcurrencyConflict(Conflict):
    """Too many concurrent writers on one aggregate; the client may retry."""

    title = "Concurrent modification"
