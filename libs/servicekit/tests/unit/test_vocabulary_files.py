"""Vocabulary files: named lists sharing a version, files of tables, and malformed data refused at load."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from servicekit.ids import new_id
from servicekit.vocabulary import UnknownTerm, VocabularyDataError, load_vocabulary, require_code, term_of


def shipped(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, document: dict[str, Any]) -> str:
    """A fresh importable package shipping `vocabularies/<name>.json`; returns its name."""
    package = "vocab_" + new_id().replace("-", "")
    folder = tmp_path / package
    (folder / "vocabularies").mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "vocabularies" / f"{name}.json").write_text(json.dumps(document), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    return package


def test_lists_grouped_in_one_file_are_each_a_vocabulary_named_for_its_list(tmp_path, monkeypatch):
    lists = {"decline_reasons": [{"code": "no_capacity", "label_fr": "Pas de capacité", "label_en": "No capacity"},
                                 {"code": "conflict", "label_fr": "Conflit", "label_en": "Conflict of interest"}],
             "task_kinds": [{"code": "filing", "label_fr": "Dépôt", "label_en": "Filing"}]}
    package = shipped(tmp_path, monkeypatch, "terms", {"vocabulary": "terms", "version": "2026.1", "lists": lists})
    reasons = load_vocabulary(package, "terms").lists["decline_reasons"]
    with pytest.raises(UnknownTerm) as refused:
        require_code(reasons, "filing", field="reason")
    assert (reasons.name, reasons.version) == ("decline_reasons", "2026.1")
    assert reasons.codes() == ("no_capacity", "conflict")
    assert refused.value.params["vocabulary"] == "decline_reasons"
    assert refused.value.allowed == ("no_capacity", "conflict")


def test_a_file_of_tables_keeps_its_tables_and_has_no_terms(tmp_path, monkeypatch):
    tracks = [{"code": "domestic", "label_fr": "Nationale", "label_en": "Domestic", "initial": "opened"}]
    package = shipped(tmp_path, monkeypatch, "procedure", {"vocabulary": "procedure", "version": "3", "tracks": tracks})
    procedure = load_vocabulary(package, "procedure")
    assert (len(procedure), procedure.extra["tracks"]) == (0, tracks)
    assert term_of(procedure.extra["tracks"][0]).attributes == {"initial": "opened"}


def test_an_entry_without_both_labels_is_a_packaging_error():
    with pytest.raises(VocabularyDataError):
        term_of({"code": "trial", "label_fr": "Procès"})


def test_a_file_that_names_another_vocabulary_is_a_packaging_error(tmp_path, monkeypatch):
    package = shipped(tmp_path, monkeypatch, "courts", {"vocabulary": "tribunals", "version": "1", "terms": []})
    with pytest.raises(VocabularyDataError):
        load_vocabulary(package, "courts")
