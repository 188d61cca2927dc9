"""The review mark of templates: only a text someone approved can be marked reviewed."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from notify.domain.messages import MessageKind, TemplateError, _parse, all_templates
from notify.domain.review import text_sha256


def shipped(kind: str, language: str) -> dict:
    return json.loads(resources.files("notify").joinpath("templates", f"{kind}.{language}.json").read_text())


def test_every_shipped_template_carries_a_valid_review_mark():
    statuses = {(t.kind.value, t.language): t.review_status for t in all_templates()}
    assert len(statuses) == 18 and set(statuses.values()) <= {"awaiting_review", "reviewed"}


def test_a_template_marked_reviewed_for_its_exact_text_loads():
    data = shipped("referral_accepted", "bm")
    data["review"] = {"status": "reviewed", "reviewer": "legal-aid officer, org-demeso", "reviewed_on": "2026-12-01",
                      "text_sha256": text_sha256(data)}
    assert _parse(MessageKind.REFERRAL_ACCEPTED, "bm", data).review_status == "reviewed"


def test_a_reviewed_text_changed_afterwards_is_refused():
    data = shipped("referral_accepted", "bm")
    data["review"] = {"status": "reviewed", "reviewer": "legal-aid officer, org-demeso", "reviewed_on": "2026-12-01",
                      "text_sha256": text_sha256(data)}
    data["body"] = data["body"].replace("I ni ce.", "I ni sogoma.")
    with pytest.raises(TemplateError, match="review them again"):
        _parse(MessageKind.REFERRAL_ACCEPTED, "bm", data)


def test_a_reviewed_mark_without_reviewer_or_date_is_refused():
    data = shipped("referral_accepted", "fr")
    data["review"] = {"status": "reviewed", "text_sha256": text_sha256(data)}
    with pytest.raises(TemplateError, match="names its reviewer"):
        _parse(MessageKind.REFERRAL_ACCEPTED, "fr", data)
