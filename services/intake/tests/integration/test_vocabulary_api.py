"""The vocabularies served by the API: versioned, with French and English labels."""

from __future__ import annotations

import httpx
import pytest

pytestmark = pytest.mark.integration


async def test_vocabularies_are_listed_with_their_versions(intake):
    async with intake.client("analyst") as analyst:
        listed = (await analyst.get("/vocabularies")).json()
    names = {entry["name"] for entry in listed}
    assert {"regions", "violation_types", "perpetrator_categories", "involvement_degrees",
            "verification_statuses", "source_reliability"} <= names
    assert all(entry["version"] for entry in listed)


async def test_violation_types_carry_labels_and_legal_qualifications(intake):
    async with intake.client("monitor") as monitor:
        body = (await monitor.get("/vocabularies/violation_types")).json()
    killings = next(term for term in body["terms"] if term["code"] == "killings")
    massacre = next(term for term in killings["children"] if term["code"] == "massacre")
    assert massacre["label_fr"] and massacre["label_en"] and massacre["parent"] == "killings"
    assert any(q["instrument"] == "Rome Statute" for q in massacre["legal_qualifications"])


async def test_regions_nest_cercles_and_communes_of_the_2023_map(intake):
    async with intake.client("monitor") as monitor:
        body = (await monitor.get("/vocabularies/regions")).json()
    mopti = next(term for term in body["terms"] if term["code"] == "mopti")
    assert "mopti/djenne" in {cercle["code"] for cercle in mopti["children"]}
    assert len(body["terms"]) == 20


async def test_the_coalitions_organisations_are_served_with_their_kind(intake):
    async with intake.client("monitor") as monitor:
        body = (await monitor.get("/vocabularies/organisations")).json()
    kinds = {term["code"]: term["kind"] for term in body["terms"]}
    assert kinds["org-legal"] == kinds["org-wildaf"] == "legal_aid" and kinds["org-amdh"] == "documentation"
    assert {"legal_aid", "documentation"} <= {kind["code"] for kind in body["kinds"]}


async def test_an_unknown_vocabulary_is_404_naming_the_known_ones(intake):
    async with intake.client("monitor") as monitor:
        missing = await monitor.get("/vocabularies/colours")
    assert missing.status_code == 404 and "regions" in missing.json()["allowed"]


async def test_vocabularies_need_a_token(intake):
    transport = httpx.ASGITransport(app=intake.service.app)
    async with httpx.AsyncClient(transport=transport, base_url="http://intake") as anonymous:
        assert (await anonymous.get("/vocabularies")).status_code == 401
