"""Education's controlled vocabularies (files in `education/vocabularies/`, loader and 422 in the kit)."""

from __future__ import annotations

from servicekit.vocabulary import Vocabulary, load_vocabulary, require_code


def vocabulary(name: str) -> Vocabulary:
    """One of education's shipped vocabularies."""
    return load_vocabulary("education", name)


def require_codes(name: str, codes: list[str], *, field: str) -> None:
    """Each code of the vocabulary (the draft's shape requires at least one); the kit's 422 names `field.<n>`."""
    for n, code in enumerate(codes):
        require_code(vocabulary(name), code, field=f"{field}.{n}")


def youth_bands() -> frozenset[str]:
    """Age-band codes that count as youth (under 25), the programme's first audience."""
    return frozenset(t.code for t in vocabulary("age_bands").terms if t.attributes.get("youth"))
