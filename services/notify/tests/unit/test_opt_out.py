"""Opt-out replies: STOP / ARRET / Bambara DABILA, case- and accent-insensitive."""

from __future__ import annotations

import pytest
from notify.domain.opt_out import is_opt_out


@pytest.mark.parametrize(
    "text",
    ["STOP", "stop", " Stop. ", "STOPP", "Arrêt", "ARRET!", "arret", "Arrêtez svp", "arrête",
     "A DABILA", "a dabila", "A' dabila", "Dabila", "  dabila !!", "STOP merci", "«Stop»", "Stop\n"],
)  # fmt: skip
def test_recognises_stop_keywords(text: str) -> None:
    assert is_opt_out(text)


@pytest.mark.parametrize(
    "text",
    ["", "   ", "Merci", "don't stop", "Je ne veux pas arrêter", "OK", "STOPPED", "a", "ARRETS",
     "Quand est l'audience ?", "I ni ce"],
)  # fmt: skip
def test_ignores_other_replies(text: str) -> None:
    assert not is_opt_out(text)
