"""Errors of intake's domain that servicekit.errors does not have (yet)."""

from __future__ import annotations

from servicekit.errors import DomainError


class Gone(DomainError):
    """The resource existed and was erased on purpose (a victim after crypto-shredding)."""

    status, title = 410, "Gone"


class EvidenceCorrupted(DomainError):
    """A stored evidence file no longer matches the SHA-256 recorded when it was received."""

    status, title = 500, "Evidence integrity failure"
