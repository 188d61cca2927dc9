"""Evidence rules: media types recognised by magic bytes, custody steps, integrity failures."""

from __future__ import annotations

import pytest
from intake.domain.access import Viewer
from intake.domain.evidence import EVIDENCE
from intake.domain.evidence_rules import Receipt, StepRequest, custody_step, integrity_failed, record, visible
from intake.domain.media_types import UnsupportedMediaType, check_content, check_declared
from servicekit.errors import Conflict, NotFound

OFFICER = Viewer.of("org-amdh", {"documentation_officer"})
SHA = "a" * 64


def item(confidentiality: str = "restricted"):
    events = record(None, evidence_id="ev-1", organisation="org-amdh", incident_id=None,
                    receipt=Receipt(sha256=SHA, size_bytes=10, media_type="image/png"),
                    confidentiality=confidentiality)
    return EVIDENCE.fold("ev-1", None, events)


@pytest.mark.parametrize(("media_type", "head"), [
    ("application/pdf", b"%PDF-1.7\n"), ("image/jpeg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
    ("image/png", b"\x89PNG\r\n\x1a\n\x00\x00"), ("audio/wav", b"RIFF\x24\x00\x00\x00WAVEfmt "),
    ("audio/mpeg", b"ID3\x04\x00"), ("video/mp4", b"\x00\x00\x00\x18ftypmp42"), ("audio/ogg", b"OggS\x00\x02"),
])
def test_allowed_types_are_recognised_by_their_magic_bytes(media_type, head):
    check_content(check_declared(media_type), head)


def test_a_declared_type_outside_the_allow_list_is_415_naming_the_allowed_ones():
    with pytest.raises(UnsupportedMediaType) as refused:
        check_declared("application/x-msdownload")
    assert "application/pdf" in refused.value.extra["allowed"]


def test_content_that_contradicts_its_declared_type_is_415():
    with pytest.raises(UnsupportedMediaType):
        check_content("image/jpeg", b"<!DOCTYPE html><html>")


def test_declared_type_parameters_and_case_are_ignored():
    assert check_declared("Image/PNG; charset=binary") == "image/png"


def test_the_receiving_organisation_is_the_first_holder():
    assert item().holder == "org-amdh" and item().custody_steps == 1


def test_a_transfer_moves_custody_and_records_both_holders():
    [event] = custody_step(item(), viewer=OFFICER, request=StepRequest(step="transferred", to="icc-otp"),
                           verified_sha256=SHA)
    after = EVIDENCE.fold("ev-1", item(), [event])
    assert (event.from_holder, event.to_holder, after.holder) == ("org-amdh", "icc-otp", "icc-otp")


def test_a_step_with_a_hash_that_does_not_match_is_refused():
    with pytest.raises(Conflict):
        custody_step(item(), viewer=OFFICER, request=StepRequest(step="copied", to="org-fidh"),
                     verified_sha256="b" * 64)


def test_an_integrity_failure_is_counted_in_the_custody_chain():
    after = EVIDENCE.fold("ev-1", item(), integrity_failed(item(), actual_sha256="c" * 64, size_bytes=3,
                                                           during="accessed"))
    assert (after.integrity_failures, after.custody_steps) == (1, 2)


def test_confidential_evidence_is_not_found_for_monitors():
    with pytest.raises(NotFound):
        visible(item("confidential"), Viewer.of("org-amdh", {"monitor"}))
