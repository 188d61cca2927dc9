"""The request side every service shares: its caller, Idempotency-Keys and pages.

Routes take the caller from the verified token (`caller_of`), fingerprint an Idempotency-Key with the
body (`RequestKey.of`) and list with `read_page`; handlers never see FastAPI.
"""

from .callers import Caller, IdempotencyKey, app_deps, caller_of, command_context, organisation_of
from .idempotency import RequestKey, command_key, fingerprint
from .pages import DEFAULT_PAGE, MAX_PAGE, Listing, Page, PageCursor, PageLimit, read_page
from .periods import Period

__all__ = [
    "DEFAULT_PAGE",
    "MAX_PAGE",
    "Caller",
    "IdempotencyKey",
    "Listing",
    "Page",
    "PageCursor",
    "PageLimit",
    "Period",
    "RequestKey",
    "app_deps",
    "caller_of",
    "command_context",
    "command_key",
    "fingerprint",
    "organisation_of",
    "read_page",
]
