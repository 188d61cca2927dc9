"""Every class of bad input gets a clear 4xx problem naming the field, and nothing is written."""

from __future__ import annotations

import json
import os
from datetime import date, timedelta

import pytest
from intake_support import PNG, incident_body, victim_body

pytestmark = pytest.mark.integration
TOMORROW = (date.today() + timedelta(days=2)).isoformat()

JSON_CASES = {
    "malformed JSON": ("/incidents", b'{"occurred_on": "2024-03-02", ', 400, "body"),
    "missing fields": ("/incidents", {"region": "mopti"}, 422, "body.occurred_on"),
    "future date": ("/incidents", incident_body(occurred_on=TOMORROW), 422, "occurred_on"),
    "range ending in the future": ("/incidents", incident_body(date_precision="range", occurred_until=TOMORROW),
                                   422, "occurred_until"),
    "unknown region": ("/incidents", incident_body(region="atlantis"), 422, "region"),
    "unknown violation type": ("/incidents", incident_body(violation_types=["killing"]), 422, "violation_types.0"),
    "cercle of another region": ("/incidents", incident_body(cercle="gao/gao"), 422, "cercle"),
    "unknown perpetrator": ("/incidents", incident_body(acts=[{"violation_type": "torture", "perpetrators": [
        {"category": "aliens", "involvement": "carried_out"}]}]), 422, "acts.0.perpetrators.0.category"),
    "point outside Mali": ("/incidents", incident_body(coordinates={"lat": 48.85, "lon": 2.35}), 422,
                           "coordinates.lat"),
    "unknown field": ("/incidents", incident_body(victim_name="free text"), 422, "body.victim_name"),
    "operator key": ("/incidents", {**incident_body(), "$where": "1"}, 422, "body.$where"),
    "dotted key": ("/incidents", {**incident_body(), "acts": [{"violation_type.x": "torture"}]}, 422,
                   "body.acts.0.violation_type.x"),
    "victim phone that is not a phone": ("/victims", victim_body(identity={"name": "A", "phone": "call me"}), 422,
                                         "body.identity.phone"),
    "victim name with control characters": ("/victims", victim_body(identity={"name": "A\x00B"}), 422,
                                            "body.identity.name"),
    "unknown notification language": ("/victims", victim_body(consent={"notifications": {"language": "de"}}), 422,
                                      "body.consent.notifications.language"),
    "victim region that is a cercle": ("/victims", victim_body(region="mopti/djenne"), 422, "region"),
}


@pytest.mark.parametrize("case", sorted(JSON_CASES))
async def test_bad_json_input_is_refused_with_the_field_and_writes_nothing(intake, case):
    path, body, status, field = JSON_CASES[case]
    before = await intake.counts()
    async with intake.client("monitor") as monitor:
        if isinstance(body, bytes):
            response = await monitor.post(path, content=body, headers={"content-type": "application/json"})
        else:
            response = await monitor.post(path, json=body)
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in [e["field"] for e in response.json()["errors"]]
    assert await intake.counts() == before


async def test_unknown_vocabulary_term_names_the_allowed_values(intake):
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/incidents", json=incident_body(region="atlantis"))
    body = response.json()
    assert body["vocabulary"] == "regions" and "mopti" in body["allowed"] and "atlantis" not in json.dumps(body)


async def test_oversized_json_body_is_413_and_writes_nothing(intake):
    before = await intake.counts()
    huge = incident_body(external_reference="x" * 10, sources=[{"kind": "other", "reliability": "A"}] * 30_000)
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/incidents", json=huge)
    assert response.status_code == 413 and await intake.counts() == before


async def test_wrong_content_type_is_415_and_writes_nothing(intake):
    before = await intake.counts()
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/incidents", content=json.dumps(incident_body()),
                                      headers={"content-type": "text/plain"})
    assert response.status_code == 415 and await intake.counts() == before


async def test_bad_filters_are_422_naming_the_filter(intake):
    async with intake.client("monitor") as monitor:
        unknown = await monitor.get("/incidents", params={"violation_type": "killing"})
        cursor = await monitor.get("/incidents", params={"cursor": "!!!"})
        window = await monitor.get("/incidents", params={"date_from": "2024-05-01", "date_to": "2024-01-01"})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "violation_type"
    assert cursor.status_code == 422 and cursor.json()["errors"][0]["field"] == "cursor"
    assert window.status_code == 422 and window.json()["errors"][0]["field"] == "date_from"


def multipart(file: bytes, media_type: str, **fields: str) -> tuple[bytes, str]:
    boundary = "redress" + os.urandom(8).hex()
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="f"\r\n'
                 f"Content-Type: {media_type}\r\n\r\n".encode() + file + b"\r\n")
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


UPLOAD_CASES = {
    "media type not allowed": (b"<html><body>hi</body></html>", "text/html", {}, 415, "file"),
    "content that is not its declared type": (b"%PDF-1.4\n" + os.urandom(100), "image/png", {}, 415, "file"),
    "an executable called a photo": (b"MZ\x90\x00" + os.urandom(100), "image/jpeg", {}, 415, "file"),
    "empty file": (b"", "image/png", {}, 422, "file"),
    "unknown form field": (PNG, "image/png", {"note": "hello"}, 422, "note"),
    "unknown incident": (PNG, "image/png", {"incident_id": "no-such-incident"}, 422, "incident_id"),
    "bad confidentiality": (PNG, "image/png", {"confidentiality": "secret"}, 422, "confidentiality"),
}


@pytest.mark.parametrize("case", sorted(UPLOAD_CASES))
async def test_bad_upload_is_refused_with_the_field_and_leaves_nothing(intake, case):
    content, media_type, fields, status, field = UPLOAD_CASES[case]
    body, content_type = multipart(content, media_type, **fields)
    before = await intake.counts()
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/evidence", content=body, headers={"content-type": content_type})
    assert response.status_code == status, response.text
    assert response.json()["errors"][0]["field"] == field
    assert await intake.counts() == before


async def test_declared_oversized_upload_is_413_before_reading(intake):
    body, content_type = multipart(b"%PDF-1.7\n" + os.urandom(400_000), "application/pdf")
    before = await intake.counts()
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/evidence", content=body, headers={"content-type": content_type})
    assert response.status_code == 413 and await intake.counts() == before


async def test_streamed_oversized_upload_is_413_and_its_chunks_are_removed(intake):
    body, content_type = multipart(b"%PDF-1.7\n" + os.urandom(400_000), "application/pdf")

    async def stream():  # no Content-Length: the limit is enforced while the bytes arrive
        for start in range(0, len(body), 16_384):
            yield body[start:start + 16_384]

    before = await intake.counts()
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/evidence", content=stream(), headers={"content-type": content_type})
    assert response.status_code == 413
    assert await intake.counts() == before


async def test_upload_that_is_not_multipart_is_415(intake):
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/evidence", json={"file": "aGVsbG8="})
    assert response.status_code == 415 and response.json()["errors"][0]["field"] == "content-type"


async def test_malformed_multipart_is_400(intake):
    before = await intake.counts()
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/evidence", content=b"--abc\r\nnonsense",
                                      headers={"content-type": "multipart/form-data; boundary=zzz"})
    assert response.status_code == 400, response.text
    assert await intake.counts() == before


async def test_upload_cut_short_before_its_closing_boundary_is_400_and_leaves_nothing(intake):
    body, content_type = multipart(b"%PDF-1.7\n" + os.urandom(30_000), "application/pdf")
    before = await intake.counts()
    async with intake.client("monitor") as monitor:
        response = await monitor.post("/evidence", content=body[:20_000], headers={"content-type": content_type})
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "body"
    assert await intake.counts() == before
