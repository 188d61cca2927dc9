"""Regions and cercles of Mali (2023 administrative map), shipped as education's `regions` vocabulary.

Each term is a region (or the Bamako district); its `cercles` attribute lists the cercles, coded
`region/cercle` like intake's map, so counts from both services meet on the same codes.
"""

from __future__ import annotations

from servicekit.errors import InvalidInput
from servicekit.vocabulary import require_code

from .vocabularies import vocabulary


def region_codes() -> tuple[str, ...]:
    """Every region code, in the vocabulary's order."""
    return vocabulary("regions").codes()


def check_place(region: str, cercle: str | None, *, field: str = "region") -> None:
    """A known region, and a cercle of that region when one is given."""
    term = require_code(vocabulary("regions"), region, field=field)
    cercles = [c["code"] for c in term.attributes.get("cercles", ())]
    if cercle is not None and cercle not in cercles:
        raise InvalidInput("cercle_not_in_region", field="cercle", region=region, allowed=cercles)
