"""GSM-7 vs UCS-2 detection and segment counting."""

from __future__ import annotations

import pytest
from notify.domain.sms import analyze, detect_encoding, is_gsm7, segment_count


def test_plain_french_with_gsm_accents_is_gsm7() -> None:
    assert detect_encoding("Rappel : audience le mercredi à 14h30, Tribunal de Bamako. Appelez le +223") == "GSM-7"


def test_euro_sign_is_gsm7_but_costs_two_septets() -> None:
    info = analyze("Prix: 5€")
    assert info.encoding == "GSM-7"
    assert info.units == 9


@pytest.mark.parametrize("char", ["^", "{", "}", "\\", "[", "~", "]", "|", "€"])
def test_extension_characters_cost_two_septets(char: str) -> None:
    assert analyze(char).units == 2


def test_bambara_open_e_forces_ucs2() -> None:
    info = analyze("I ka kiiri don ye sɛtanburukalo ye")
    assert info.encoding == "UCS-2"
    assert info.units == len("I ka kiiri don ye sɛtanburukalo ye")


@pytest.mark.parametrize("text", ["être", "ça", "ô", "’", "ɔ", "ɲ"])
def test_characters_outside_gsm_force_ucs2(text: str) -> None:
    assert not is_gsm7(text)


def test_capital_c_cedilla_is_gsm7() -> None:
    assert is_gsm7("Ç")


def test_gsm7_boundary_160_is_one_segment_161_is_two() -> None:
    assert segment_count("a" * 160) == 1
    assert segment_count("a" * 161) == 2


def test_gsm7_concatenated_parts_hold_153() -> None:
    assert segment_count("a" * 306) == 2
    assert segment_count("a" * 307) == 3


def test_gsm7_extension_char_counts_toward_the_160_limit() -> None:
    assert segment_count("a" * 159 + "€") == 2
    assert segment_count("a" * 158 + "€") == 1


def test_escape_pair_is_not_split_across_parts() -> None:
    # 152 septets, then a two-septet € that cannot straddle the 153 boundary.
    assert analyze("a" * 152 + "€" + "a" * 152).segments == 3
    assert analyze("a" * 151 + "€" + "a" * 153).segments == 2


def test_ucs2_boundary_70_is_one_segment_71_is_two() -> None:
    assert segment_count("ɛ" * 70) == 1
    assert segment_count("ɛ" * 71) == 2


def test_ucs2_concatenated_parts_hold_67() -> None:
    assert segment_count("ɛ" * 134) == 2
    assert segment_count("ɛ" * 135) == 3


def test_emoji_takes_two_ucs2_units() -> None:
    info = analyze("ok 🙂")
    assert info.encoding == "UCS-2"
    assert info.units == 5


def test_empty_text_is_one_segment() -> None:
    assert analyze("") == analyze("")
    assert segment_count("") == 1
