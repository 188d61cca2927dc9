"""The review mark of a message template: who approved its wording, when, and for exactly which text.

A template is `awaiting_review` until a reviewer named in docs/templates-review.md approves it; it is
then marked `reviewed` with the reviewer (role and organisation, never a personal name), the date and
the SHA-256 of the texts they read. Changing a reviewed text without a new review fails the template
check, so a mark can never cover wording nobody approved.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

STATUSES = ("awaiting_review", "reviewed")


def text_sha256(data: Mapping[str, Any]) -> str:
    """SHA-256 of what a reviewer reads: the subject, the body and the shared-phone variant."""
    texts = {"email_subject": data.get("email_subject"), "body": data.get("body"),
             "shared_phone": data.get("shared_phone")}
    return hashlib.sha256(json.dumps(texts, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def review_problem(data: Mapping[str, Any]) -> str | None:
    """Why a template's review mark is not valid, or None."""
    review = data.get("review") or {}
    status = review.get("status")
    if status not in STATUSES:
        return f"review.status must be one of {', '.join(STATUSES)}"
    if status == "reviewed":
        if not review.get("reviewer") or not review.get("reviewed_on"):
            return "a reviewed template names its reviewer (role, organisation) and the date"
        if review.get("text_sha256") != text_sha256(data):
            return "the texts changed since they were reviewed: review them again or mark awaiting_review"
    return None
